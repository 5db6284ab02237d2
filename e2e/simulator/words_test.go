package simulator_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
)

// s3Policy has two rules: the first for another origin, the second
// (lines 6 to 10) for the page's origin without x-amz-meta-owner among
// its AllowedHeaders. S3 answers a preflight that no rule allows with 403
// and no CORS headers (S3 user guide, "Troubleshooting CORS").
const s3Policy = `[
  {
    "AllowedOrigins": ["https://other.example"],
    "AllowedMethods": ["GET"]
  },
  {
    "AllowedOrigins": ["https://app.example"],
    "AllowedMethods": ["GET", "PUT"],
    "AllowedHeaders": ["content-type", "x-amz-acl"]
  }
]
`

// s3Upload is the example: an upload with x-amz-meta-owner.
var s3Upload = input{
	origin: "https://app.example", url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.jpg", method: "PUT",
	headers: [][2]string{{"Content-Type", "image/jpeg"}, {"x-amz-acl", "private"}, {"x-amz-meta-owner", "42"}},
	body:    "a string", source: "policy", format: "s3-json", text: s3Policy,
}

// linkOf is the share fragment of a scenario as shared/design.md names
// it: "#s=" and the base64url of its JSON, no padding.
func linkOf(sc string) string { return "#s=" + base64.RawURLEncoding.EncodeToString([]byte(sc)) }

const s3UploadScenario = `{"browser": "chrome", "request": {"origin": "https://app.example", "url": "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.jpg", "method": "PUT",
  "headers": [["Content-Type", "image/jpeg"], ["x-amz-acl", "private"], ["x-amz-meta-owner", "42"]], "body": ""},
  "policy": {"format": "s3-json", "text": ` + "%q" + `}}`

func s3Link() string {
	b, _ := json.Marshal(s3Policy)
	return linkOf(strings.Replace(s3UploadScenario, `%q`, string(b), 1))
}

// TestVerdictInWords opens the S3 upload (a freshly opened link, no
// scrolling) and expects the headline in words naming the rule and the
// header that decided, DevTools' reason only as the label, the rule's
// lines marked in the pasted policy, and the fix on screen at 1366x900;
// at 390x844 the verdict comes before the form.
func TestVerdictInWords(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.do(chromedp.EmulateViewport(1366, 900))
	p.open(s3Link())
	settled(p)
	sc := goScenario(t, p, input{source: "policy", format: "s3-json"})
	sc.Browser = "chrome"
	v, err := explain.Explain(sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	head := eval[string](p, `document.getElementById("verdict-summary").textContent`)
	label := eval[string](p, `document.getElementById("verdict-label").textContent`)
	// The verdict's summary (design.md, "The contract grows"), read from
	// its JSON so that this test holds before and after the engine
	// writes one.
	var words struct{ Summary string }
	if err := json.Unmarshal(explain.AppendVerdict(nil, &v), &words); err != nil {
		t.Fatal(err)
	}
	if words.Summary != "" {
		if !strings.Contains(words.Summary, "x-amz-meta-owner") {
			t.Errorf("the engine's summary %q does not name the header that decided", words.Summary)
		}
		if head != words.Summary {
			t.Errorf("headline %q, want the engine's summary %q", head, words.Summary)
		}
	} else {
		// Built by the page from the verdict: rule 2 of the policy is the
		// closest (its origin matches) and lacks the header.
		for _, want := range []string{"rule 2", "x-amz-meta-owner", "403"} {
			if !strings.Contains(head, want) {
				t.Errorf("headline %q does not name %q", head, want)
			}
		}
	}
	if v.Reason == "" || strings.Contains(head, v.Reason) {
		t.Errorf("headline %q names the DevTools reason %q (or the engine allowed it)", head, v.Reason)
	}
	if !strings.Contains(label, v.Reason) {
		t.Errorf("label %q lacks DevTools' reason %q", label, v.Reason)
	}
	if got := eval[string](p, `document.getElementById("policy-back").dataset.lines`); got != "6,7,8,9,10" {
		t.Errorf("marked lines of the policy = %q, want 6,7,8,9,10 (the second rule)", got)
	}
	// The fix is computed with the verdict and on screen without scrolling.
	if n := eval[int](p, `document.querySelectorAll("#fixes .fix").length`); n == 0 {
		t.Errorf("no fix on screen; the fixes panel says %q", eval[string](p, `document.getElementById("fixes").textContent`))
	}
	if bottom := eval[float64](p, `scrollY + document.querySelector("#fixes .fix p").getBoundingClientRect().bottom`); bottom > 900 {
		t.Errorf("the first fix's words end at %.0f px, below the 900 px window", bottom)
	}
	p.screenshot("simulator-words-1366.png")

	p.do(chromedp.EmulateViewport(390, 844))
	settled(p)
	if order := eval[bool](p, `document.getElementById("verdict-summary").getBoundingClientRect().top < document.getElementById("form").getBoundingClientRect().top`); !order {
		t.Error("at 390x844 the verdict is not before the form")
	}
	if top := eval[float64](p, `scrollY + document.getElementById("verdict-summary").getBoundingClientRect().bottom`); top > 844 {
		t.Errorf("at 390x844 the headline ends at %.0f px, below the first screen", top)
	}
	// Help points at documents the user has: no project files, no
	// section signs; rules are numbered from 1.
	text := eval[string](p, `document.body.innerText + Array.from(document.querySelectorAll("a[href]")).map(a => a.href).join(" ")`)
	for _, bad := range []string{"shared/reference", "§", ".md "} {
		if strings.Contains(text, bad) {
			t.Errorf("the page shows %q to the user", bad)
		}
	}
	if got := eval[string](p, `document.querySelector("#rules tbody td").textContent`); got != "1" {
		t.Errorf("the first rule is numbered %q, want 1", got)
	}
	p.screenshot("simulator-words-390.png")
}

// TestErrorsAtFields types faulty input and expects each fault once, at
// its field or line, with aria-invalid, and the other panels hidden; an
// empty policy asks for one.
func TestErrorsAtFields(t *testing.T) {
	t.Parallel() // each test has its own browser context
	cases := []struct {
		desc  string
		in    input
		field string // the id of the control marked invalid
		words string // in the message at the field
		line  string // the marked line of the pasted text, if any
	}{
		{desc: "an origin without a scheme (Fetch: an origin is scheme, host and port)", field: "origin", words: "Page origin",
			in: input{origin: "app.example", source: "raw", text: reply("HTTP/1.1 200 OK", "Access-Control-Allow-Origin: *")}},
		{desc: "a raw reply whose status is not three digits (RFC 9112 §4)", field: "raw", words: "Line 1", line: "1",
			in: input{source: "raw", text: reply("HTTP/1.1 20 OK", "Access-Control-Allow-Origin: *")}},
		{desc: "an S3 rule with a method S3 refuses (S3 API PutBucketCors: GET, PUT, POST, DELETE, HEAD)", field: "policy", words: "Line 4", line: "4",
			in: input{source: "policy", format: "s3-json", text: "[\n  {\n    \"AllowedOrigins\": [\"https://app.example\"],\n    \"AllowedMethods\": [\"GET\", \"FOO\"]\n  }\n]\n"}},
	}
	p := startPage(t)
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			p.open("")
			fill(p, c.in)
			settled(p)
			if st := eval[string](p, `document.getElementById("summary").dataset.state`); st != "error" {
				t.Fatalf("summary state %q, want error", st)
			}
			if got := eval[string](p, `document.getElementById("`+c.field+`").getAttribute("aria-invalid") || ""`); got != "true" {
				t.Errorf("#%s aria-invalid = %q, want true", c.field, got)
			}
			msg := eval[string](p, `document.getElementById("`+c.field+`-err").textContent`)
			if !strings.Contains(msg, c.words) {
				t.Errorf("message at #%s = %q, want it to name %q", c.field, msg, c.words)
			}
			if n := eval[int](p, `document.body.innerText.split(`+jsString(msg)+`).length - 1`); n != 1 {
				t.Errorf("the message %q shows %d times, want once", msg, n)
			}
			if n := eval[int](p, `document.querySelectorAll("[aria-invalid=true]").length`); n != 1 {
				t.Errorf("%d controls marked invalid, want 1", n)
			}
			if !eval[bool](p, `document.getElementById("details").hidden`) {
				t.Error("the panels under the headline show while the input is invalid")
			}
			if c.line != "" {
				if got := eval[string](p, `document.getElementById("`+c.field+`-back").dataset.lines`); got != c.line {
					t.Errorf("marked line %q, want %q", got, c.line)
				}
			}
			checkAxe(t, p, "error: "+c.desc)
		})
	}
	t.Run("an empty policy asks for one", func(t *testing.T) {
		p.t = t
		p.open("")
		fill(p, input{source: "policy", text: ""})
		settled(p)
		if st := eval[string](p, `document.getElementById("summary").dataset.state`); st != "empty" {
			t.Errorf("summary state %q, want empty (no verdict)", st)
		}
		if h := eval[string](p, `document.getElementById("verdict-summary").textContent`); !strings.Contains(h, "Paste") {
			t.Errorf("headline %q does not ask for a policy", h)
		}
		if !eval[bool](p, `document.getElementById("details").hidden`) {
			t.Error("verdict panels show for an empty policy")
		}
		checkAxe(t, p, "empty policy")
	})
	p.t = t
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestWordsNode runs the node tests of site/words.mjs, the page's pure
// functions (e2e/simulator/node).
func TestWordsNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal("node is not installed")
		}
		t.Skip("node is not installed")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := exec.Command(node, "--test", filepath.Join(root, "e2e", "simulator", "node")).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("node --test e2e/simulator/node: %s", time.Since(start).Round(time.Millisecond))
}
