package simulator_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/sdkpreset"
	"github.com/whycors/whycors/engine/sharelink"
)

// TestSDKPreset chooses "Request made by" @aws-sdk/client-s3's
// UploadPartCommand (engine/sdkpreset, recorded in Chromium by e2e/sdk)
// against an S3 bucket's rules: the form must hold the SDK's method and
// headers, the verdict must be the engine's, and under the headline the
// page must say what `whycors explain --preset s3-uploadpart` warns
// (sdk-needs-header): the SDK cannot read the part's ETag unless the
// rules expose it (ExposeHeaders, https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html).
func TestSDKPreset(t *testing.T) {
	t.Parallel() // each test has its own browser context
	preset, ok := sdkpreset.Lookup("s3-uploadpart")
	if !ok {
		t.Fatal("engine/sdkpreset has no s3-uploadpart")
	}
	var want [][2]string
	for _, h := range preset.Header {
		want = append(want, [2]string{h.Name, h.Value})
	}
	rules := func(expose string) string {
		return `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]` + expose + `}]`
	}
	cases := []struct {
		desc, policy string
		warned       bool
	}{
		{desc: "no ExposeHeaders: the SDK cannot read ETag", policy: rules(""), warned: true},
		{desc: "ExposeHeaders ETag: nothing to say", policy: rules(`, "ExposeHeaders": ["ETag"]`), warned: false},
	}
	p := startPage(t)
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			p.open("")
			in := input{url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/big.bin", credentials: "same-origin", body: "a string",
				source: "policy", format: "s3-json", text: c.policy}
			fill(p, in)
			p.do(selectOption("sdk-preset", "@aws-sdk/client-s3 UploadPart"))
			settled(p)
			if got := eval[string](p, `document.getElementById("sdk-preset").value`); got != preset.Name {
				t.Fatalf("Request made by = %q, want %q", got, preset.Name)
			}
			in.method, in.headers = preset.Method, want
			v := compareWithEngine(t, p, in)
			if v == nil || !v.Allowed {
				t.Fatalf("the fetch is blocked (%v); the rules allow every header the SDK sends", v)
			}
			shown := eval[bool](p, `!document.getElementById("sdk-note").hidden`)
			text := eval[string](p, `document.getElementById("sdk-note").textContent`)
			codes := eval[string](p, `document.getElementById("sdk-note").dataset.codes || ""`)
			if !c.warned {
				if shown || text != "" {
					t.Errorf("the page says %q; the rules expose ETag", text)
				}
				return
			}
			if !shown || codes != "sdk-needs-header" || !strings.Contains(text, preset.Operation) || !strings.Contains(text, "cannot work without reading ETag") {
				t.Errorf("under the headline: shown %v, codes %q, %q; want the SDK's need of ETag (sdk-needs-header)", shown, codes, text)
			}
			// The share link carries the SDK: the command line reads it
			// (engine/sharelink, `whycors explain LINK`) and the page,
			// opened on it, chooses the SDK again and says the same.
			link := eval[string](p, `document.getElementById("share").value`)
			l, err := sharelink.Parse(link)
			if err != nil || l.SDK != preset.Name {
				t.Fatalf("the share link %q reads as sdk %q, %v; want %q", link, l.SDK, err, preset.Name)
			}
			if _, err := explain.Decode(l.Scenario); err != nil {
				t.Errorf("the share link's scenario does not decode: %v", err)
			}
			p.open(link[strings.Index(link, "#"):])
			settled(p)
			if got := eval[string](p, `document.getElementById("sdk-preset").value + " " + document.getElementById("sdk-note").dataset.codes`); got != preset.Name+" sdk-needs-header" {
				t.Errorf("the page opened on its link: Request made by and warning %q, want %q", got, preset.Name+" sdk-needs-header")
			}
		})
	}
	p.t = t
}

// TestCallerRefused opens examples/sam-authorizer.json (a SAM API behind
// a Cognito authorizer that refuses the caller: "caller": {"authorized":
// false}) as a link: the checkbox must be ticked, the headline must be
// the engine's and name the authorizer, and the link the page then
// offers must carry the caller; unticking it drops the caller.
func TestCallerRefused(t *testing.T) {
	t.Parallel() // each test has its own browser context
	b := example(t, "sam-authorizer.json")
	s, err := explain.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if s.Caller == nil || s.Caller.Authorized {
		t.Fatalf("examples/sam-authorizer.json's caller is %+v, want refused", s.Caller)
	}
	// The application's reply beside the policy is not in the form (the
	// page says so); the policy answers.
	s.Response, s.Preflight = nil, nil
	p := startPage(t)
	p.open("#s=" + base64.RawURLEncoding.EncodeToString(b))
	settled(p)
	if !eval[bool](p, `document.getElementById("unauthorized").checked`) {
		t.Fatal("the link's caller is refused; the checkbox is not ticked")
	}
	compareScenario(t, p, s)
	s.Browser = "chrome"
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	summary := eval[string](p, `document.getElementById("verdict-summary").textContent`)
	if !strings.Contains(strings.ToLower(summary), "authorizer") || !strings.Contains(strings.ToLower(v.Summary), "authorizer") {
		t.Errorf("the headline is %q (the engine's: %q); want it to name the authorizer", summary, v.Summary)
	}
	got := linkScenario(t, eval[string](p, `document.getElementById("share").value`), p.base)
	if got.Caller == nil || got.Caller.Authorized {
		t.Errorf("the link the page offers has caller %+v, want refused", got.Caller)
	}
	p.do(chromedp.Click(chromedp.CSS("#unauthorized")))
	settled(p)
	got = linkScenario(t, eval[string](p, `document.getElementById("share").value`), p.base)
	if got.Caller != nil {
		t.Errorf("after unticking, the link has caller %+v, want none", got.Caller)
	}
	s.Caller = nil
	compareScenario(t, p, s)
}

// TestSDKOperation chooses @aws-sdk/lib-storage's Upload, whose
// multipart upload sends CreateMultipartUpload (POST ?uploads) before
// its UploadPart requests, against a bucket that allows PUT alone: the
// UploadPart the form holds passes, and under the headline the page must
// say that the SDK's first request is blocked, with the engine's own
// summary of it (as `whycors explain --preset s3-lib-storage-upload`
// makes it the verdict); its button puts that request in the form, whose
// verdict is then the engine's and blocked.
func TestSDKOperation(t *testing.T) {
	t.Parallel() // each test has its own browser context
	preset, ok := sdkpreset.Lookup("s3-lib-storage-upload")
	if !ok || len(preset.Others) == 0 {
		t.Fatal("engine/sdkpreset has no s3-lib-storage-upload with other requests")
	}
	create := preset.Others[0]
	p := startPage(t)
	p.open("")
	in := input{url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/big.bin", credentials: "same-origin", body: "a string",
		source: "policy", format: "s3-json", text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"]}]`}
	fill(p, in)
	p.do(selectOption("sdk-preset", "@aws-sdk/lib-storage Upload"))
	settled(p)
	if got := eval[string](p, `document.getElementById("sdk-preset").value`); got != preset.Name {
		t.Fatalf("Request made by = %q, want %q", got, preset.Name)
	}
	for _, h := range preset.Header {
		in.headers = append(in.headers, [2]string{h.Name, h.Value})
	}
	in.method = preset.Method
	if v := compareWithEngine(t, p, in); v == nil || !v.Allowed {
		t.Fatalf("UploadPart is blocked (%v); the bucket allows PUT and every header", v)
	}
	// The engine's verdict of the operation's first request.
	s := goScenario(t, p, in)
	s.Request.Method, s.Request.Headers = create.Method, create.Header.Clone()
	s.Browser = "chrome"
	want, err := explain.Explain(s, opts)
	if err != nil || want.Allowed {
		t.Fatalf("the engine allows %s (%v): the bucket allows PUT alone", create.Label(), err)
	}
	// Its first clause, which the page's words (site/words.mjs plain)
	// leave as the engine wrote it.
	clause, _, _ := strings.Cut(want.Summary, ":")
	text := eval[string](p, `document.getElementById("sdk-note").textContent`)
	codes := eval[string](p, `document.getElementById("sdk-note").dataset.codes || ""`)
	if !strings.Contains(codes, "sdk-operation") || !strings.Contains(text, "also sends "+create.Label()) || !strings.Contains(text, clause) {
		t.Fatalf("under the headline: codes %q, %q; want sdk-operation naming %s and the engine's %q", codes, text, create.Label(), want.Summary)
	}
	p.do(chromedp.Click(chromedp.CSS("#sdk-note button")))
	settled(p)
	in.method, in.headers = create.Method, nil
	for _, h := range create.Header {
		in.headers = append(in.headers, [2]string{h.Name, h.Value})
	}
	if v := compareWithEngine(t, p, in); v == nil || v.Allowed {
		t.Errorf("after Check %s the form's verdict is %v; want the engine's, blocked", create.Call, v)
	}
	if got := eval[string](p, `document.getElementById("sdk-preset").value`); got != "" {
		t.Errorf("Request made by = %q after the button; want none (the form holds one request)", got)
	}
	p.t = t
}
