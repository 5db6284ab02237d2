package traefikmw_test

import (
	"math/rand/v2"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/traefik"
)

// TestEdits: the fixes written into a generated configuration are read
// by Traefik (paerser, headers.New), and the real middleware then
// answers as the evaluator of the edited text does, the edit's origin,
// method or credentials included.
func TestEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 5))
	forms := []string{"yaml", "toml", "k8s", "labels"}
	edits := []fix.Edit{
		{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}},
		{Op: fix.Add, Field: fix.Methods, Values: []string{"PATCH"}},
		{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-New"}},
		{Op: fix.Enable, Field: fix.Credentials},
		{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://new.example"}},
	}
	made := 0
	for i := range 200 {
		form := forms[i%4]
		text := generate(r, form).render(form)
		e := edits[r.IntN(len(edits))]
		out, err := fix.Apply(&traefik.Format{}, text, e)
		if err != nil {
			continue // nothing to change (the value is there, no "*" to replace)
		}
		made++
		ev, err := (&traefik.Format{}).Parse(out)
		if err != nil {
			t.Errorf("the edited text does not parse:\n%s\n%v", out, err)
			continue
		}
		reqs := append(generateReqs(r),
			exchange{method: "GET", origin: "https://new.example", status: 200},
			exchange{method: "OPTIONS", origin: "https://new.example", acrm: "PATCH", status: 404})
		for _, x := range reqs {
			compare(t, out, form, ev, x)
		}
	}
	if made < 50 {
		t.Fatalf("only %d edits made", made)
	}
	t.Logf("%d edited configurations read by Traefik and answered alike", made)
}
