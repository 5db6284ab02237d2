package jsontext_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/whycors/whycors/engine/internal/jsontext"
)

// rec has the shapes the conversion writers write (engine/platform/*
// write.go): strings and lists of strings with and without omitempty, an
// optional whole number, a boolean left out when false, a nested object.
type rec struct {
	ID    string   `json:"ID,omitempty"`
	List  []string `json:"List"`
	Opt   []string `json:"Opt,omitempty"`
	Age   *int     `json:"Age,omitempty"`
	N     int      `json:"n"`
	Flag  bool     `json:"flag,omitempty"`
	Inner struct {
		X []string `json:"x"`
	} `json:"inner"`
}

// writeRec writes r as json.MarshalIndent writes it, member by member.
func writeRec(w *jsontext.Indented, r *rec) {
	w.Open('{')
	w.StringOmitEmpty("ID", r.ID)
	w.Key("List")
	w.Strings(r.List)
	w.StringsOmitEmpty("Opt", r.Opt)
	w.IntOmitNil("Age", r.Age)
	w.Key("n")
	w.Int(r.N)
	if r.Flag {
		w.Key("flag")
		w.Bool(r.Flag)
	}
	w.Key("inner")
	w.Open('{')
	w.Key("x")
	w.Strings(r.Inner.X)
	w.Close('}')
	w.Close('}')
}

// strs are values that exercise the escaping: quotes, backslashes,
// control characters, <, > and &, U+2028 and U+2029, invalid UTF-8, and
// the empty string.
var strs = []string{"", "GET", "https://app.example.com", `say "hi"`, `a\b`, "tab\there", "nl\n\r", "\x00\x1f\x7f",
	"<script>&amp;</script>", "line\u2028sep\u2029", "bad \xff utf8", "émoji 🎉", "*"}

func randList(r *rand.Rand) []string {
	switch r.Intn(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	l := make([]string, 1+r.Intn(4))
	for i := range l {
		l[i] = strs[r.Intn(len(strs))]
	}
	return l
}

func randRec(r *rand.Rand) rec {
	x := rec{ID: strs[r.Intn(len(strs))], List: randList(r), Opt: randList(r), N: r.Intn(2000) - 1000, Flag: r.Intn(2) == 0}
	if r.Intn(2) == 0 {
		age := r.Intn(100000) - 1
		x.Age = &age
	}
	x.Inner.X = randList(r)
	return x
}

func TestIndentedMatchesMarshalIndent(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		recs := make([]rec, r.Intn(4)) // none, one or several
		for j := range recs {
			recs[j] = randRec(r)
		}
		// A bare list, as S3's console form and GCS write.
		var w jsontext.Indented
		w.Open('[')
		for j := range recs {
			writeRec(&w, &recs[j])
		}
		w.Close(']')
		want, err := json.MarshalIndent(recs, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if w.Text() != string(want) {
			t.Fatalf("list %d: wrote\n%s\njson.MarshalIndent writes\n%s", i, w.Text(), want)
		}
		// A list inside an object, as the AWS CLI and R2's API forms.
		w = jsontext.Indented{}
		w.Open('{')
		w.Key("Rules")
		w.Open('[')
		for j := range recs {
			writeRec(&w, &recs[j])
		}
		w.Close(']')
		w.Close('}')
		want, err = json.MarshalIndent(struct {
			Rules []rec `json:"Rules"`
		}{recs}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if w.Text() != string(want) {
			t.Fatalf("object %d: wrote\n%s\njson.MarshalIndent writes\n%s", i, w.Text(), want)
		}
	}
}

func TestIndentedEmpty(t *testing.T) {
	tests := []struct {
		desc  string
		write func(w *jsontext.Indented)
		want  string
	}{
		{desc: "empty list", write: func(w *jsontext.Indented) { w.Open('['); w.Close(']') }, want: "[]"},
		{desc: "empty object", write: func(w *jsontext.Indented) { w.Open('{'); w.Close('}') }, want: "{}"},
		{desc: "nil list", write: func(w *jsontext.Indented) { w.Strings(nil) }, want: "null"},
		{desc: "object of an empty list", write: func(w *jsontext.Indented) { w.Open('{'); w.Key("a"); w.Strings([]string{}); w.Close('}') }, want: "{\n  \"a\": []\n}"},
	}
	for _, tc := range tests {
		var w jsontext.Indented
		tc.write(&w)
		if w.Text() != tc.want {
			t.Errorf("%s: wrote %q, want %q (json.MarshalIndent)", tc.desc, w.Text(), tc.want)
		}
	}
}
