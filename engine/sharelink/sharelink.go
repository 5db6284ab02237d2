// Package sharelink reads the simulator page's share links, so that the
// command line explains what a link shows: `whycors explain
// 'https://…/#s=…'`. A link's fragment is "#s=" followed by the
// base64url (RFC 4648 §5, no padding) of the scenario's JSON (the
// contract of shared/design.md), and, when the page's "Request made by"
// names an SDK, "&sdk=" and the preset's name (engine/sdkpreset), which
// is not part of the scenario: it says which response headers the SDK
// reads.
package sharelink

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// Link is what a share link holds.
type Link struct {
	Scenario []byte // the scenario's JSON, for explain.Decode
	SDK      string // the SDK preset's name, or ""
}

// Is says whether s is meant as a share link (a URL or a bare fragment
// with the page's "#s=" state) rather than a file name.
func Is(s string) bool {
	return strings.HasPrefix(s, "#s=") || (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && strings.Contains(s, "#s=")
}

// Parse reads a share link: a whole URL or its fragment alone. Faults
// name the byte offset (column) in the link where they are.
func Parse(s string) (Link, error) {
	if len(s) > limits.Link {
		return Link{}, fault(1, "the link is "+strconv.Itoa(len(s))+" bytes; the page makes links of at most "+strconv.Itoa(limits.Link))
	}
	at := strings.Index(s, "#s=")
	if at < 0 {
		return Link{}, fault(1, `no "#s=" in the link: it holds no scenario`)
	}
	frag := s[at+len("#s="):]
	data, rest, _ := strings.Cut(frag, "&")
	col := at + len("#s=") + 1
	// Go's decoder skips line breaks; a link has none.
	for i := 0; i < len(data); i++ {
		if c := data[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return Link{}, fault(col+i, "the scenario is not base64url (as the page writes it): "+strconv.QuoteRune(rune(c))+" is not one of its letters")
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(data)
	if err != nil {
		n := 0
		if e, ok := err.(base64.CorruptInputError); ok {
			n = int(e)
		}
		return Link{}, fault(col+n, "the scenario is not base64url (as the page writes it): "+err.Error())
	}
	l := Link{Scenario: b}
	col += len(data) + 1
	for rest != "" {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "sdk":
			l.SDK = v
		default:
			return Link{}, fault(col, "unknown part "+strconv.Quote(k)+" in the link; it holds s= (the scenario) and sdk= (an SDK preset)")
		}
		col += len(kv) + 1
	}
	return l, nil
}

func fault(col int, msg string) error {
	return policy.Errors{{Line: 1, Column: col, Msg: msg}}
}
