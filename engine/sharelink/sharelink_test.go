package sharelink_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/sharelink"
)

const scenario = `{"request":{"origin":"https://app.example","url":"https://api.example/x"}}`

var encoded = base64.RawURLEncoding.EncodeToString([]byte(scenario))

// TestParse: the link's forms the page writes (site/words.mjs fragmentOf:
// "#s=" and the base64url of the scenario, "&sdk=" and a preset's name)
// and faults at their column.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		desc, link string
		sdk        string
		col        int // a fault's column, 0 when the link reads
		source     string
	}{
		{desc: "a whole URL", link: "https://whycors.example/#s=" + encoded, source: "design.md: #s= and the base64url (no padding) of the scenario's JSON"},
		{desc: "the fragment alone", link: "#s=" + encoded, source: "design.md"},
		{desc: "with the SDK preset", link: "http://localhost:8080/#s=" + encoded + "&sdk=s3-putobject", sdk: "s3-putobject", source: "site/words.mjs fragmentOf"},
		{desc: "padding is not base64url as the page writes it", link: "#s=" + encoded + "==", col: 4 + len(encoded), source: "RFC 4648 §5 without padding (design.md)"},
		{desc: "standard base64's + is refused", link: "#s=ab+c", col: 6, source: "RFC 4648 §5: - and _ instead of + and /"},
		{desc: "no state", link: "https://whycors.example/#x=1", col: 1, source: "design.md: a link's state is #s="},
		{desc: "an unknown part", link: "#s=" + encoded + "&x=1", col: 5 + len(encoded), source: "site/words.mjs writes only s= and sdk="},
	} {
		l, err := sharelink.Parse(c.link)
		if c.col == 0 {
			if err != nil || string(l.Scenario) != scenario || l.SDK != c.sdk {
				t.Errorf("%s: Parse = %q, sdk %q, %v; want the scenario, sdk %q (%s)", c.desc, l.Scenario, l.SDK, err, c.sdk, c.source)
			}
			continue
		}
		var es policy.Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Column != c.col {
			t.Errorf("%s: Parse error %v, want one fault at column %d (%s)", c.desc, err, c.col, c.source)
		}
	}
	if _, err := sharelink.Parse("#s=" + strings.Repeat("A", limits.Link)); err == nil {
		t.Error("a link longer than limits.Link is read")
	}
}

// TestIs: what the command line takes as a link rather than a file name.
func TestIs(t *testing.T) {
	for link, want := range map[string]bool{
		"#s=abc": true, "https://x.example/#s=abc": true, "http://localhost:8080/#s=abc": true,
		"scenario.json": false, "https://x.example/": false, "./#s=abc.json": false,
	} {
		if got := sharelink.Is(link); got != want {
			t.Errorf("Is(%q) = %v, want %v", link, got, want)
		}
	}
}

// FuzzParse: no input panics; a link that reads gives back bytes whose
// encoding is in the link, and a fault has a column inside the link.
func FuzzParse(f *testing.F) {
	f.Add("#s=" + encoded + "&sdk=s3-putobject")
	f.Add("https://a/#s=")
	f.Add("#s=%%&&")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := sharelink.Parse(s)
		if err == nil {
			if !strings.Contains(s, base64.RawURLEncoding.EncodeToString(l.Scenario)) {
				t.Fatalf("Parse(%q) read %q, whose encoding is not in the link", s, l.Scenario)
			}
			return
		}
		var es policy.Errors
		if !errors.As(err, &es) || len(es) == 0 || es[0].Column < 1 || es[0].Column > len(s)+1 {
			t.Fatalf("Parse(%q): fault %v has no column inside the link", s, err)
		}
	})
}

func ExampleParse() {
	l, err := sharelink.Parse("https://whycors.example/#s=eyJyZXF1ZXN0Ijp7fX0&sdk=s3-putobject")
	fmt.Println(string(l.Scenario), l.SDK, err)
	// Output: {"request":{}} s3-putobject <nil>
}
