package simulator_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestShareRedacts types a request with a bearer token, a cookie and a
// presigned URL's signature: the link replaces their values (and the
// page says so), the link's verdict in every browser equals the typed
// one, and ticking "Include secrets" puts them back. A policy above 32 KB
// is offered as a file instead of a link.
func TestShareRedacts(t *testing.T) {
	t.Parallel() // each test has its own browser context
	in := blocked
	in.url = "https://my-bucket.s3.us-east-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261203&X-Amz-Signature=feedface"
	in.headers = append(in.headers, [2]string{"Authorization", "Bearer s3cr3t"}, [2]string{"Cookie", "sid=abc123"})
	secrets := []string{"s3cr3t", "abc123", "feedface", "AKIAEXAMPLE"}
	p := startPage(t)
	p.open("")
	url := in.url
	in.url = ""
	fill(p, in)
	paste(p, "url", url)
	settled(p)
	// The verdict of each browser: its result and reason (the console
	// lines name the URL, whose signature the link hides).
	const verdicts = `JSON.stringify(Array.from(document.querySelectorAll("#browsers tbody tr")).map(tr => [tr.dataset.browser, tr.dataset.allowed, tr.dataset.reason]))`
	rows := eval[string](p, verdicts)
	link := eval[string](p, `document.getElementById("share").value`)
	sc := linkScenario(t, link, p.base)
	js := jsonOf(t, sc)
	for _, s := range secrets {
		if strings.Contains(js, s) {
			t.Errorf("the link carries %q: %s", s, js)
		}
	}
	if n := eval[string](p, `document.getElementById("share-note").dataset.redacted`); n != "4" {
		t.Errorf("the page says %s values are hidden, want 4 (Authorization, Cookie, X-Amz-Credential, X-Amz-Signature)", n)
	}
	if note := eval[string](p, `document.getElementById("share-note").textContent`); !strings.Contains(note, "Authorization") || !strings.Contains(note, "Include secrets") {
		t.Errorf("the page does not say what the link hides: %q", note)
	}
	p.do(chromedp.Click(chromedp.CSS("#share-secrets")))
	full := jsonOf(t, linkScenario(t, eval[string](p, `document.getElementById("share").value`), p.base))
	for _, s := range secrets {
		if !strings.Contains(full, s) {
			t.Errorf("with Include secrets ticked the link lacks %q", s)
		}
	}
	p.open(strings.TrimPrefix(link, p.base))
	settled(p)
	if got := eval[string](p, verdicts); got != rows {
		t.Errorf("the redacted link's verdict\n%s\ndiffers from the typed one\n%s", got, rows)
	}

	// A link above the cap: the fragment is dropped and a file offered.
	big := input{source: "raw", text: reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: *", "X-Padding: "+strings.Repeat("p", 40<<10))}
	fill(p, big)
	settled(p)
	if eval[bool](p, `document.getElementById("share-big").hidden`) {
		t.Error("a 40 KB scenario does not offer a file")
	}
	if h := eval[string](p, `location.hash`); h != "" {
		t.Errorf("a 40 KB scenario is still put in the address (%d bytes)", len(h))
	}
}
