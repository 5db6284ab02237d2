package jsonstr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/internal/jsonstr"
)

// The reference for every case is encoding/json itself: this package
// exists to give the same answers without its reflection.
func TestAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f\x7f",
		"émoji 😀", "line\u2028sep\u2029", "bad \xff utf8", "slash /", "<html>&", "\b\f",
	} {
		got := jsonstr.AppendQuote(nil, s)
		if want, _ := json.Marshal(s); string(got) != string(want) {
			t.Errorf("AppendQuote(%q) = %s, json.Marshal writes %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("AppendQuote(%q) = %s, which encoding/json cannot read: %v", s, got, err)
			continue
		}
		var want string
		wantQ, _ := json.Marshal(s)
		json.Unmarshal(wantQ, &want)
		if back != want {
			t.Errorf("AppendQuote(%q) reads back as %q, encoding/json's as %q", s, back, want)
		}
	}
	for _, q := range []string{
		`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`, `"caf\u00e9 ok"`, "\"raw \xff\"", `"é"`,
	} {
		got, err := jsonstr.Unquote(q)
		var want string
		if jerr := json.Unmarshal([]byte(q), &want); jerr != nil {
			t.Fatalf("bad case %s: %v", q, jerr)
		}
		if err != nil || got != want {
			t.Errorf("Unquote(%s) = %q, %v; encoding/json: %q", q, got, err, want)
		}
	}
	for _, q := range []string{`"\x"`, `"\u12"`, "\"a\nb\"", `"a"b"`, `"abc`, `abc"`} {
		if _, err := jsonstr.Unquote(q); err == nil {
			t.Errorf("Unquote(%s): want an error", q)
		}
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		desc, in string
		n        int
		bad      bool
	}{
		{desc: "a string then more", in: `"a\"b", 1`, n: 6},
		{desc: "unterminated", in: `"abc`, bad: true},
		{desc: "control character", in: "\"a\x01\"", bad: true},
		{desc: "not a string", in: `1`, bad: true},
	}
	for _, tc := range tests {
		n, err := jsonstr.Scan(tc.in)
		if (err != nil) != tc.bad || !tc.bad && n != tc.n {
			t.Errorf("%s: Scan(%q) = %d, %v", tc.desc, tc.in, n, err)
		}
	}
}

func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\"`, `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := jsonstr.Unquote(q)
		var want string
		jerr := json.Unmarshal([]byte(q), &want)
		// encoding/json also allows white space around the value; Unquote
		// takes one string token.
		token := strings.Trim(q, " \t\r\n") == q
		if jerr == nil && token && (err != nil || got != want) {
			t.Fatalf("Unquote(%q) = %q, %v; encoding/json: %q", q, got, err, want)
		}
		if err == nil {
			if _, jerr2 := json.Marshal(got); jerr2 != nil {
				t.Fatal(jerr2)
			}
			var back string
			if json.Unmarshal(jsonstr.AppendQuote(nil, got), &back) != nil || back != got {
				t.Fatalf("AppendQuote(%q) does not read back", got)
			}
		}
	})
}

// FuzzAppendQuote: AppendQuote writes words through addresses it
// computes (issue 23), so every string, after a buffer with or without
// room to spare, must come out as encoding/json writes it, the bytes
// before it untouched.
func FuzzAppendQuote(f *testing.F) {
	for _, s := range []string{"", "abc", "abcdefgh", "abcdefghi", "a\"b", "0123456789abcdef<", "é\u2028\xff"} {
		f.Add(s, 3, false)
		f.Add(s, 0, true)
	}
	f.Fuzz(func(t *testing.T, s string, n int, room bool) {
		n &= 31
		b := []byte(strings.Repeat("#", n))
		if room {
			b = append(make([]byte, 0, n+len(s)+64), b...)
		}
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got := jsonstr.AppendQuote(b, s)
		if string(got[:n]) != strings.Repeat("#", n) || string(got[n:]) != string(want) {
			t.Fatalf("AppendQuote(%d bytes, %q) = %s, want %s", n, s, got, want)
		}
	})
}
