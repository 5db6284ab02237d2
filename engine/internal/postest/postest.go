// Package postest holds the checks the format packages' tests share: a
// reader's error lists every fault, each at its line and column. Only
// test files import it.
package postest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Positions checks that err is a policy.Errors with one fault per entry of
// want, in order, each at the entry's Line and Column.
func Positions(t testing.TB, desc string, err error, want []policy.Error) {
	t.Helper()
	var es policy.Errors
	if !errors.As(err, &es) {
		t.Errorf("%s: err = %v, want policy.Errors", desc, err)
		return
	}
	if len(es) != len(want) {
		t.Errorf("%s: %d errors (%v), want %d", desc, len(es), err, len(want))
		return
	}
	for i, w := range want {
		if es[i].Line != w.Line || es[i].Column != w.Column {
			t.Errorf("%s: error %d at %d:%d, want %d:%d (%v)", desc, i, es[i].Line, es[i].Column, w.Line, w.Column, es[i])
		}
	}
}

// Rejected checks, for a fuzz target, that a reader's refusal says where
// the fault is: err is a policy.Errors and each entry has a line or a
// path. A nil err passes.
func Rejected(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var es policy.Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("rejected without policy.Errors: %v", err)
	}
	for _, e := range es {
		if e.Line <= 0 && e.Path == "" {
			t.Fatalf("rejected without a position: %v", e)
		}
	}
}

// Lookup is the format named name among fs (a package's Formats()), as
// a registry holds it, for tests that type-assert its capabilities.
func Lookup(t testing.TB, fs []policy.Format, name string) policy.Format {
	t.Helper()
	f, ok := policy.NewRegistry(fs...).Lookup(name)
	if !ok {
		t.Fatalf("Formats() has no %q", name)
	}
	return f
}

// WriteCase is one row of a convert.Writer's table: a rule, and whether
// the writer refuses it or which notes ("field:effect", space separated)
// it makes, with the source of that expectation.
type WriteCase struct {
	Desc   string
	Rule   portable.Rule
	Refuse bool
	Notes  string
	Cites  string
}

// WriteCases runs cases against write (a convert.Writer's WriteRules).
func WriteCases(t *testing.T, write func(portable.Policy, []string, *portable.Notes) (string, error), cases []WriteCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Desc, func(t *testing.T) {
			refused, notes := Written(t, write, tc.Rule)
			if refused != tc.Refuse || notes != tc.Notes {
				t.Errorf("refused %v, notes %q; want %v, %q (%s)", refused, notes, tc.Refuse, tc.Notes, tc.Cites)
			}
		})
	}
}

// Written writes the one rule r with write (a convert.Writer's
// WriteRules) and says how it went: refused, when the writer refused it
// (a *portable.Refusal), else each note as "field:effect", space
// separated, in the order the writer made them.
func Written(t testing.TB, write func(portable.Policy, []string, *portable.Notes) (string, error), r portable.Rule) (refused bool, notes string) {
	t.Helper()
	n := &portable.Notes{From: []int{0}}
	_, err := write(portable.Policy{Rules: []portable.Rule{r}}, nil, n)
	var refusal *portable.Refusal
	if errors.As(err, &refusal) {
		return true, ""
	}
	if err != nil {
		t.Fatalf("WriteRules(%+v): %v", r, err)
	}
	var got []string
	for _, x := range n.List() {
		got = append(got, x.Field+":"+x.Effect)
	}
	return false, strings.Join(got, " ")
}

// Golden is the text of testdata/name, a golden file of the test's package.
func Golden(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Read checks one row of a reader's table: no error when want is nil,
// else a policy.Errors with one fault per entry of want, each at its line
// and column (Positions). desc names the row and its source.
func Read(t testing.TB, desc string, err error, want []policy.Error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s: %v", desc, err)
		}
		return
	}
	Positions(t, desc, err, want)
}

// Goldens are the texts of the files in testdata (not its folders).
func Goldens() []string {
	names, _ := filepath.Glob(filepath.Join("testdata", "*"))
	var out []string
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// Stated checks, for a fuzz target of a convert.Reader, that a read
// text's rules place every origin, method and header where it is
// written (a line or a path).
func Stated(t testing.TB, cfg *portable.Config) {
	t.Helper()
	for _, r := range cfg.Rules {
		for _, vs := range [][]portable.Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
			for _, v := range vs {
				if v.Pos.Line <= 0 && v.Pos.Path == "" {
					t.Fatalf("rule %d: %q stated without a position", r.Index, v.Text)
				}
			}
		}
	}
}

// EchoesRequestedHeaders holds a text written by format f to echo the
// requested headers: its answer to a credentialed preflight for PUT from
// https://app.example that asks for authorization and content-type
// allows both (the portable allowed headers "*", which a literal * does
// not for such a request: Fetch §4.8 CORS-preflight fetch).
func EchoesRequestedHeaders(t testing.TB, f policy.Format, text string) {
	t.Helper()
	ev, err := f.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	pre := ev.Respond(policy.Request{Method: "OPTIONS", URL: "https://api.example/x", Header: headers.List{{Name: "Origin", Value: "https://app.example"},
		{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "authorization,content-type"}}}, policy.Reply{Status: 200})
	if got, _ := pre.Reply.Header.Get("Access-Control-Allow-Headers"); got != "authorization,content-type" {
		t.Errorf("%s: the written policy's preflight: Access-Control-Allow-Headers %q, want the requested names echoed", f.Name(), got)
	}
}
