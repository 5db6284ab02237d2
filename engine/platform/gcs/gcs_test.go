package gcs_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/policy"
)

const cfg = `[
 {"origin": ["https://other.test"], "method": ["GET"]},
 {"origin": ["https://app.test"], "method": ["GET", "PUT"], "responseHeader": ["Content-Type"], "maxAgeSeconds": 3600},
 {"origin": ["*"], "method": ["*"], "responseHeader": ["X-Api-Key"]}
]`

func TestRespond(t *testing.T) {
	c, err := gcs.Parse(gcs.FormJSON, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, method, url, origin, acrm, acrh string
		wantACAO, wantACAH                    string
		trace                                 []string
		cites                                 string
	}{
		{desc: "first entry matching origin and method decides", method: "OPTIONS", url: "https://storage.googleapis.com/b/k",
			origin: "https://app.test", acrm: "PUT", wantACAO: "https://app.test", wantACAH: "Content-Type", trace: []string{"origin", ""},
			cites: "§3: first Cors entry matching the Origin and Method (XML API put-bucket-cors)"},
		{desc: "requested headers are not part of selection: entry 2 decides, and lacking the header it answers without any CORS header", method: "OPTIONS", url: "https://storage.googleapis.com/b/k",
			origin: "https://app.test", acrm: "GET", acrh: "x-api-key", trace: []string{"origin", "headers"},
			cites: "§3: GCS matches on origin+method only; googleapis/nodejs-storage#1145: a preflight whose header is not in responseHeader gets 200 with every Access-Control header missing"},
		{desc: "a requested header responseHeader lists, in any letter case: the entry answers", method: "OPTIONS", url: "https://storage.googleapis.com/b/k",
			origin: "https://app.test", acrm: "GET", acrh: "content-type", wantACAO: "https://app.test", wantACAH: "Content-Type", trace: []string{"origin", ""},
			cites: "§3; googleapis/nodejs-storage#1145"},
		{desc: "method falls through to the * entry", method: "OPTIONS", url: "https://storage.googleapis.com/b/k",
			origin: "https://app.test", acrm: "DELETE", wantACAO: "https://app.test", wantACAH: "X-Api-Key", trace: []string{"origin", "method", ""},
			cites: `§3: "*" in method = any method`},
		{desc: "actual request echoes the Origin", method: "GET", url: "https://b.storage.googleapis.com/k",
			origin: "https://app.test", wantACAO: "https://app.test", trace: []string{"origin", ""},
			cites: "§3: ACAO = the request's Origin value (cross-origin doc)"},
		{desc: "storage.cloud.google.com never allows CORS", method: "GET", url: "https://storage.cloud.google.com/b/k",
			origin: "https://app.test", cites: "§3: gsutil cors doc"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			h := headers.List{{Name: "Origin", Value: tc.origin}}
			if tc.acrm != "" {
				h.Add("Access-Control-Request-Method", tc.acrm)
			}
			if tc.acrh != "" {
				h.Add("Access-Control-Request-Headers", tc.acrh)
			}
			out := gcs.Bucket{CORS: c}.Respond(policy.Request{Method: tc.method, URL: tc.url, Header: h}, policy.Reply{Status: 200})
			if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != tc.wantACAO {
				t.Errorf("ACAO %q, want %q (%s)", v, tc.wantACAO, tc.cites)
			}
			if v, _ := out.Reply.Header.Get("Access-Control-Allow-Headers"); v != tc.wantACAH {
				t.Errorf("ACAH %q, want %q (%s)", v, tc.wantACAH, tc.cites)
			}
			if len(out.Rules) != len(tc.trace) {
				t.Fatalf("trace %+v, want %v", out.Rules, tc.trace)
			}
			for i, f := range tc.trace {
				if out.Rules[i].Failed != f || out.Rules[i].Matched != (f == "") {
					t.Errorf("entry %d: %+v, want failed %q", i, out.Rules[i], f)
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		desc, text string
		form       gcs.Form
		entries    int
		errPath    string
		cites      string
	}{
		{desc: "XML API document", form: gcs.FormXML, entries: 1, cites: "cloud.google.com/storage/docs/xml-api/put-bucket-cors",
			text: `<?xml version="1.0" encoding="UTF-8"?><CorsConfig><Cors><Origins><Origin>http://example.appspot.com</Origin></Origins><Methods><Method>GET</Method><Method>HEAD</Method></Methods><ResponseHeaders><ResponseHeader>foo</ResponseHeader></ResponseHeaders><MaxAgeSec>1800</MaxAgeSec></Cors></CorsConfig>`},
		{desc: "empty list removes the configuration", form: gcs.FormJSON, entries: 0, text: `[]`, cites: "gsutil cors doc: [] removes"},
		{desc: "bucket resource form", form: gcs.FormJSON, entries: 1, text: `{"cors":[{"origin":["*"],"method":["GET"]}]}`, cites: "JSON API bucket resource"},
		{desc: "gcloud storage buckets describe --format=json: cors_config beside the bucket's other fields", form: gcs.FormJSON, entries: 1,
			text: `{"cors_config":[{"maxAgeSeconds":3600,"method":["GET"],"origin":["https://app.test"],"responseHeader":["Content-Type"]}],"name":"b","location":"US"}`, cites: "GCS docs, Set up and view CORS configurations (--format=\"default(cors_config)\")"},
		{desc: "misspelt key", form: gcs.FormJSON, errPath: "$[0].origins", text: `[{"origins":["*"],"method":["GET"]}]`, cites: "field names: origin, method, responseHeader, maxAgeSeconds"},
		{desc: "origin as a string", form: gcs.FormJSON, errPath: "$[0].origin", text: `[{"origin":"*","method":["GET"]}]`, cites: "origin is a list"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := gcs.Parse(tc.form, tc.text)
			if tc.errPath != "" {
				var es policy.Errors
				if !errors.As(err, &es) || es[0].Path != tc.errPath {
					t.Fatalf("got %v, want an error at %s (%s)", err, tc.errPath, tc.cites)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Entries) != tc.entries {
				t.Errorf("%d entries, want %d", len(c.Entries), tc.entries)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	c, err := gcs.Parse(gcs.FormJSON, cfg)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := gcs.Write(c)
	back, err := gcs.Parse(gcs.FormJSON, text)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := gcs.Write(back)
	if text != again || len(back.Entries) != 3 || *back.Entries[1].MaxAgeSeconds != 3600 {
		t.Errorf("round trip changed:\n%s\n%s", text, again)
	}
}

// FuzzParse: no input panics either reader, a rejected input carries the
// position of each fault (a line or a path: the user must be able to find
// it), and whatever is accepted reads into the neutral model entry for
// entry, can be evaluated and written back.
func FuzzParse(f *testing.F) {
	f.Add(false, cfg)
	f.Add(true, `<CorsConfig><Cors><Origins><Origin>*</Origin></Origins><Methods><Method>GET</Method></Methods></Cors></CorsConfig>`)
	f.Add(false, `{"cors":[{"origin":["*"],"method":["GET"],"maxAgeSeconds":-1}]}`)
	f.Add(true, `<CorsConfig><Cors><MaxAgeSec>x</MaxAgeSec><Origins><Method>GET</Method></Origins></Cors></CorsConfig>`)
	f.Fuzz(func(t *testing.T, xml bool, text string) {
		form := gcs.FormJSON
		if xml {
			form = gcs.FormXML
		}
		c, err := gcs.Parse(form, text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		var rd convert.Reader
		for _, f := range gcs.Formats() {
			if f.Name() == string(form) {
				rd = f.(convert.Reader)
			}
		}
		if src, err := rd.ReadRules(text); err != nil || len(src.Rules) != len(c.Entries) {
			t.Fatalf("Parse read %d entries, ReadRules %+v, %v", len(c.Entries), src, err)
		}
		gcs.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "/k", Header: headers.List{{Name: "Origin", Value: "https://a"}, {Name: "Access-Control-Request-Method", Value: "GET"}}}, policy.Reply{})
		if _, err := gcs.Write(c); err != nil {
			t.Fatal(err)
		}
	})
}
