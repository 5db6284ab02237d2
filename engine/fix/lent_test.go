package fix_test

import (
	"sync"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// EditJSON parses on a parser it lends again (spareParser): an edit's
// result must not depend on which edits ran before it, nor on edits
// running at once on other goroutines. Each JSON case of applyCases, and
// its text cut short (a parse that fails halfway), is edited once alone,
// then 30,000 times in turn on one goroutine (one parser lent again,
// which counts more nodes than maxJSONNodes in all), then 300 times over
// on four goroutines, each in its own order; every result must be the
// first one. A parser whose state outlived its parse (its position, its
// node count, a tree still in use) changes or refuses a later edit.
func TestEditKeepsNoTree(t *testing.T) {
	type job struct {
		pf   policy.Format
		text string
		e    fix.Edit
	}
	var jobs []job
	for _, tc := range applyCases {
		if tc.want == "" || tc.text == "" || tc.text[0] != '[' && tc.text[0] != '{' {
			continue
		}
		pf, ok := reg.Lookup(tc.format)
		if !ok {
			t.Fatalf("%s: no format %q", tc.desc, tc.format)
		}
		jobs = append(jobs, job{pf, tc.text, tc.edit}, job{pf, tc.text[:len(tc.text)/2], tc.edit})
	}
	if len(jobs) < 6 {
		t.Fatalf("only %d JSON edits in applyCases", len(jobs))
	}
	type result struct {
		out string
		err string
	}
	run := func(j job) result {
		out, err := fix.Apply(j.pf, j.text, j.e)
		if err != nil {
			return result{out, err.Error()}
		}
		return result{out, ""}
	}
	want := make([]result, len(jobs))
	for i, j := range jobs {
		want[i] = run(j)
	}
	for n := range 30000 {
		if i := n % len(jobs); run(jobs[i]) != want[i] {
			t.Fatalf("edit %d of %q, after %d edits: got %+v, alone %+v", i, jobs[i].text, n, run(jobs[i]), want[i])
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 300 {
				for k := range jobs {
					i := (k*(g+1) + round) % len(jobs)
					if got := run(jobs[i]); got != want[i] {
						t.Errorf("goroutine %d round %d, edit %d of %q: got %+v, alone %+v", g, round, i, jobs[i].text, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
