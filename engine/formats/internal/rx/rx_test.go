package rx_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/rx"
)

// Expected values follow ECMAScript RegExp semantics (ECMA-262 §22.2,
// RegExp.prototype.test is a search) which PCRE shares for this subset;
// the patterns are the forms quoted in shared/reference/cloud-policies.md
// §6.1 (nginx map) and the expressjs/cors README (RegExp origin).
func TestMatch(t *testing.T) {
	tests := []struct {
		desc    string
		pattern string
		fold    bool
		subject string
		want    bool
	}{
		{desc: "nginx map form, www", pattern: `^https?://(www\.)?example\.com$`, subject: "https://www.example.com", want: true},
		{desc: "nginx map form, bare http", pattern: `^https?://(www\.)?example\.com$`, subject: "http://example.com", want: true},
		{desc: "nginx map form, anchored end rejects suffix", pattern: `^https?://(www\.)?example\.com$`, subject: "https://example.com.evil.test", want: false},
		{desc: "escaped dot is literal", pattern: `^https://example\.com$`, subject: "https://exampleXcom", want: false},
		{desc: "unescaped dot matches any byte (the classic mistake)", pattern: `^https://example.com$`, subject: "https://exampleXcom", want: true},
		{desc: "express README regex", pattern: `^https:\/\/.*\.example\.com$`, subject: "https://a.b.example.com", want: true},
		{desc: "unanchored search matches inside", pattern: `example\.com`, subject: "https://example.com.evil.test", want: true},
		{desc: "case-sensitive by default", pattern: `^https://EXAMPLE\.com$`, subject: "https://example.com", want: false},
		{desc: "fold (nginx ~*, JS /i)", pattern: `^https://EXAMPLE\.com$`, fold: true, subject: "https://example.com", want: true},
		{desc: "alternation in group", pattern: `^https://(a|b)\.test$`, subject: "https://b.test", want: true},
		{desc: "class with range and port", pattern: `^http://localhost:[0-9]+$`, subject: "http://localhost:3000", want: true},
		{desc: "class with range rejects letters", pattern: `^http://localhost:[0-9]+$`, subject: "http://localhost:x", want: false},
		{desc: "counted repetition", pattern: `^a{2,3}$`, subject: "aaaa", want: false},
		{desc: "counted repetition in range", pattern: `^a{2,3}$`, subject: "aaa", want: true},
		{desc: "non-capturing group", pattern: `^https://(?:[a-z]+\.)*example\.com$`, subject: "https://x.y.example.com", want: true},
		{desc: "negated class", pattern: `^https://[^.]+\.example\.com$`, subject: "https://a.b.example.com", want: false},
		{desc: "\\d shorthand", pattern: `:\d+$`, subject: "http://h:8080", want: true},
		{desc: "empty alternative", pattern: `^(|www\.)x$`, subject: "x", want: true},
		// Lookahead reads alike in PCRE and ECMAScript: nginx's own
		// regex locations hold these (TestNginxTryFiles), Laravel's
		// documented server hides dotfiles but .well-known.
		{desc: "negative lookahead, a dotfile", pattern: `/\.(?!well-known).*`, subject: "/.env", want: true},
		{desc: "negative lookahead, the one excepted", pattern: `/\.(?!well-known).*`, subject: "/.well-known/acme-challenge/x", want: false},
		{desc: "lookahead consumes nothing", pattern: `^a(?=b)b$`, subject: "ab", want: true},
		{desc: "lookahead fails", pattern: `^a(?=b)`, subject: "ac", want: false},
		{desc: "negative lookahead with alternatives", pattern: `^/(?!api|static)[a-z]+$`, subject: "/static", want: false},
		{desc: "negative lookahead lets another word through", pattern: `^/(?!api|static)[a-z]+$`, subject: "/home", want: true},
	}
	for _, tc := range tests {
		re, err := rx.Compile(tc.pattern, tc.fold)
		if err != nil {
			t.Errorf("%s: Compile(%q): %v", tc.desc, tc.pattern, err)
			continue
		}
		got, ok := re.Match(tc.subject)
		if !ok || got != tc.want {
			t.Errorf("%s: %q.Match(%q) = %v, %v; want %v", tc.desc, tc.pattern, tc.subject, got, ok, tc.want)
		}
	}
}

func TestCompileUnsupported(t *testing.T) {
	tests := []struct {
		desc    string
		pattern string
		offset  int
	}{
		{desc: "lookbehind, which PCRE and JavaScript bound differently", pattern: `^a(?<=b)`, offset: 2},
		{desc: "a quantifier after a lookahead", pattern: `a(?=b)*`, offset: 6},
		{desc: "backreference", pattern: `(a)\1`, offset: 3},
		{desc: "word boundary", pattern: `\bexample`, offset: 0},
		{desc: "unclosed group", pattern: `^(a|b`, offset: 1},
		{desc: "nothing to repeat", pattern: `*.example.com`, offset: 0},
		{desc: "unclosed class", pattern: `[a-z`, offset: 0},
		{desc: "unmatched )", pattern: `a)`, offset: 1},
	}
	for _, tc := range tests {
		_, err := rx.Compile(tc.pattern, false)
		e, ok := err.(*rx.Error)
		if !ok {
			t.Errorf("%s: Compile(%q) error = %v, want *rx.Error", tc.desc, tc.pattern, err)
			continue
		}
		if e.Offset != tc.offset {
			t.Errorf("%s: offset = %d, want %d (%v)", tc.desc, e.Offset, tc.offset, e)
		}
	}
}

func TestStepBudget(t *testing.T) {
	// (a*)*b against a long run of a's is the textbook exponential case.
	re, err := rx.Compile(`^(a*)*b$`, false)
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for i := 0; i < 40; i++ {
		s += "a"
	}
	if m, ok := re.Match(s); m || ok {
		t.Errorf("Match = %v, %v; want budget exhausted (false, false)", m, ok)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add(`^https?://(www\.)?example\.com$`, "https://example.com", false)
	f.Add(`^https:\/\/.*\.example\.com$`, "https://a.example.com", true)
	f.Add(`[^a-\]]{2,}(?:x|y)*$`, "zzx", false)
	f.Fuzz(func(t *testing.T, pattern, s string, fold bool) {
		re, err := rx.Compile(pattern, fold)
		if err != nil {
			return
		}
		re.Match(s)
	})
}
