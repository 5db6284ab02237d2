package headers_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

func TestGet(t *testing.T) {
	l := headers.List{
		{Name: "Access-Control-Allow-Origin", Value: "https://a.example"},
		{Name: "X-Other", Value: "1"},
		{Name: "access-control-allow-origin", Value: "https://b.example"},
		{Name: "Vary", Value: ""},
	}
	tests := []struct {
		desc, name, want string
		ok               bool
		count            int
	}{
		{desc: "lines of one name combine with a comma and a space, in order (Fetch #concept-header-list-get)",
			name: "ACCESS-CONTROL-ALLOW-ORIGIN", want: "https://a.example, https://b.example", ok: true, count: 2},
		{desc: "an empty value is present, not absent (the CORS check tells them apart, Fetch #concept-cors-check)",
			name: "vary", want: "", ok: true, count: 1},
		{desc: "an absent header", name: "Access-Control-Allow-Credentials", want: "", ok: false, count: 0},
	}
	for _, tc := range tests {
		got, ok := l.Get(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: Get(%q) = %q, %v; want %q, %v", tc.desc, tc.name, got, ok, tc.want, tc.ok)
		}
		if n := l.Count(tc.name); n != tc.count {
			t.Errorf("%s: Count(%q) = %d, want %d", tc.desc, tc.name, n, tc.count)
		}
		if l.Has(tc.name) != tc.ok {
			t.Errorf("%s: Has(%q) = %v", tc.desc, tc.name, !tc.ok)
		}
	}
}

func TestEdits(t *testing.T) {
	l := headers.List{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "a", Value: "3"}, {Name: "C", Value: "4"}}
	orig := l.Clone()
	c := l.Clone()
	c.Set("A", "x")
	if want := (headers.List{{Name: "A", Value: "x"}, {Name: "B", Value: "2"}, {Name: "C", Value: "4"}}); !reflect.DeepEqual(c, want) {
		t.Errorf("Set replaces every line at the first one's place: got %v, want %v", c, want)
	}
	if !reflect.DeepEqual(l, orig) {
		t.Errorf("editing a clone changed the original: %v", l)
	}
	c.Del("b")
	c.Add("D", "5")
	if want := (headers.List{{Name: "A", Value: "x"}, {Name: "C", Value: "4"}, {Name: "D", Value: "5"}}); !reflect.DeepEqual(c, want) {
		t.Errorf("Del then Add: got %v, want %v", c, want)
	}
	c.Set("E", "6")
	if v, _ := c.Get("e"); v != "6" {
		t.Errorf("Set of a new name appends it")
	}
	// A clone must not share its backing array: appending to two clones
	// of one list must not overwrite each other (rs/cors issue #198).
	base := make(headers.List, 1, 4)
	base[0] = headers.Field{Name: "Vary", Value: "Origin"}
	x, y := base.Clone(), base.Clone()
	x.Add("X", "1")
	y.Add("Y", "2")
	if x[1].Name != "X" || y[1].Name != "Y" {
		t.Errorf("clones share storage: %v %v", x, y)
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		desc, in string
		want     headers.List
		wantErr  bool
	}{
		{desc: "pairs keep order and repeated names (design.md scenario contract)",
			in:   `[["B","2"],["A","1"],["b","3"]]`,
			want: headers.List{{Name: "B", Value: "2"}, {Name: "A", Value: "1"}, {Name: "b", Value: "3"}}},
		{desc: "an object is read in the order written", in: `{"Z":"1","A":"2"}`,
			want: headers.List{{Name: "Z", Value: "1"}, {Name: "A", Value: "2"}}},
		{desc: "a pair of three strings is an error", in: `[["A","1","x"]]`, wantErr: true},
		{desc: "a number value is an error", in: `{"A":1}`, wantErr: true},
		{desc: "a string is an error", in: `"A: 1"`, wantErr: true},
	}
	for _, tc := range tests {
		var got headers.List
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v, wantErr %v", tc.desc, err, tc.wantErr)
			continue
		}
		if tc.wantErr {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.desc, got, tc.want)
		}
		out, _ := json.Marshal(got)
		var back headers.List
		if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("%s: round trip through %s gave %v, %v", tc.desc, out, back, err)
		}
	}
	if b, _ := json.Marshal(headers.List{{Name: "A", Value: "\"<x>\""}}); string(b) != `[["A","\"\u003cx\u003e\""]]` {
		t.Errorf("Marshal = %s", b)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`[["A","1"]]`, `{"A":"1"}`, `[]`, `{}`, `[[]]`, `{"A":`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var l headers.List
		if json.Unmarshal([]byte(s), &l) != nil {
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back headers.List
		if err := json.Unmarshal(out, &back); err != nil || len(back) != len(l) {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}

func TestIsToken(t *testing.T) {
	tests := []struct {
		desc, s string
		want    bool
	}{
		{desc: "a method", s: "PATCH", want: true},
		{desc: "every tchar punctuation (RFC 9110 §5.6.2)", s: "!#$%&'*+-.^_`|~", want: true},
		{desc: "empty is not a token", s: "", want: false},
		{desc: "a space", s: "Bad method", want: false},
		{desc: "a separator from the delimiter set", s: "x(y)", want: false},
		{desc: "a non-ASCII byte", s: "caf\xc3\xa9", want: false},
	}
	for _, tc := range tests {
		if got := headers.IsToken(tc.s); got != tc.want {
			t.Errorf("%s: IsToken(%q) = %v, want %v", tc.desc, tc.s, got, tc.want)
		}
	}
}
