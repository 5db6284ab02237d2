package pageformats_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/formats/terraform/tfname"
	"github.com/whycors/whycors/internal/pageformats"
)

// TestSameAsAll: the page reads every format of engine/all but those it
// leaves out with a reason, so a format added to engine/all reaches the
// page too (or is listed in Left).
func TestSameAsAll(t *testing.T) {
	var want []string
	for _, n := range all.Registry().Names() {
		if _, left := pageformats.Left[n]; !left {
			want = append(want, n)
		}
	}
	got := pageformats.Registry().Names()
	if !slices.Equal(got, want) {
		t.Errorf("the page reads\n%v\nengine/all without Left is\n%v", got, want)
	}
	for n := range pageformats.Left {
		if _, ok := all.Registry().Lookup(n); !ok {
			t.Errorf("Left names %q, which engine/all does not list", n)
		}
	}
}

// TestLeftFor: each Terraform golden module of engine/formats/terraform
// (main.tf, variables.tf, plan.json) is named as left out, with Left's
// reason; a format chosen by name is too; every example of the
// repository (examples/, formats the page reads) is not, nor is text no
// format claims.
func TestLeftFor(t *testing.T) {
	dirs, err := filepath.Glob("../../engine/formats/terraform/testdata/*")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no terraform testdata:", err)
	}
	for _, dir := range dirs {
		for file, want := range map[string]string{"main.tf": tfname.HCL, "plan.json": tfname.Plan} {
			b, err := os.ReadFile(filepath.Join(dir, file))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			name, why := pageformats.LeftFor(string(b), "auto")
			if name != want || why != pageformats.Left[want] || !strings.Contains(why, "whycors explain --policy main.tf") {
				t.Errorf("%s/%s: LeftFor = %q, %q; want %q with its reason", dir, file, name, why, want)
			}
		}
	}
	if name, why := pageformats.LeftFor("", tfname.HCL); name != tfname.HCL || why == "" {
		t.Errorf("terraform chosen by name: %q %q", name, why)
	}
	if name, _ := pageformats.LeftFor("resource \"x\" {}", "s3-json"); name != "" {
		t.Errorf("a format the page reads, chosen by name: %q", name)
	}
	examples, err := filepath.Glob("../../examples/*")
	if err != nil || len(examples) == 0 {
		t.Fatal("no examples:", err)
	}
	// And the golden inputs of the formats the page reads.
	for _, f := range []string{"nginx", "caddy", "apache", "express", "cloudformation", "serverless", "starlette", "djangocors", "flaskcors", "rackcors"} {
		m, _ := filepath.Glob("../../engine/formats/" + f + "/testdata/*")
		examples = append(examples, m...)
	}
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a directory
		}
		if name, _ := pageformats.LeftFor(string(b), "auto"); name != "" {
			t.Errorf("%s: LeftFor names %q", f, name)
		}
	}
	for _, text := range []string{"", "hello", "data: [1, 2]", "location / {\n  add_header X 1;\n}", `{"CORSRules": []}`, "module.exports = {}"} {
		if name, _ := pageformats.LeftFor(text, "auto"); name != "" {
			t.Errorf("%q: LeftFor names %q", text, name)
		}
	}
}
