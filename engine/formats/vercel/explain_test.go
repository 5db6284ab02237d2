package vercel_test

import (
	"strconv"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestExplainFix: through the whole engine, a blocked fetch gets a fix
// written in the user's own vercel.json or firebase.json, which the
// engine verified by reading it back.
func TestExplainFix(t *testing.T) {
	reg := registry()
	tests := []struct {
		desc, format, text, creds, want string
	}{
		{desc: "another origin: a new entry under a has condition on it (" + docs + ")", format: "vercel",
			text: `{"headers": [{"source": "/api/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://other.example"}]}]}`,
			want: `{"headers": [{"source": "/api/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://other.example"}]}, { "source": "/api/(.*)", "has": [{ "type": "header", "key": "origin", "value": "https://app\\.example" }], "headers": [ { "key": "Access-Control-Allow-Origin", "value": "https://app.example" }, { "key": "Vary", "value": "Origin" } ] }]}`},
		{desc: "credentials with a wildcard: the origin named, credentials allowed (fetch.spec.whatwg.org#cors-protocol-and-credentials)", format: "firebase", creds: "include",
			text: `{"hosting": {"headers": [{"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: `{"hosting": {"headers": [{"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.example"}, {"key": "Access-Control-Allow-Credentials", "value": "true"}]}]}}`},
	}
	for _, tc := range tests {
		extra := ""
		if tc.creds != "" {
			extra = `, "credentials": "` + tc.creds + `"`
		}
		s, err := explain.Decode([]byte(`{"browser": "chrome", "request": {"origin": "https://app.example", "url": "https://api.test/api/x", "method": "GET"` + extra + `},
		  "policy": {"format": "` + tc.format + `", "text": ` + strconv.Quote(tc.text) + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		v, err := explain.Explain(s, advise.Options(reg))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Text != tc.want {
			got := ""
			if len(v.Fixes) > 0 {
				got = v.Fixes[0].Text
			}
			t.Errorf("%s: allowed %v, first fix\n%s\nwant\n%s", tc.desc, v.Allowed, got, tc.want)
		}
	}
}
