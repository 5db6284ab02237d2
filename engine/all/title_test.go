package all_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/policy"
)

// TestEveryFormatHasATitle: each format names what it reads as a person
// does (policy.Titled), since the page's format choice and its
// conversion targets show the title, where they showed the registry's
// key ("s3-json", "r2-cli"; tried as a new user would). A title is one
// of a list: unique, and free of the separators internal/build passes
// the list to wasm/core with (a comma between formats, "=" between a
// name and its title) and of the quote its -ldflags value is written in.
func TestEveryFormatHasATitle(t *testing.T) {
	seen := map[string]string{}
	for _, f := range all.Formats() {
		tf, ok := f.(policy.Titled)
		if !ok {
			t.Errorf("%s: no Title (policy.Titled)", f.Name())
			continue
		}
		title := tf.Title()
		switch {
		case title == "" || title == f.Name():
			t.Errorf("%s: the title %q says no more than the name", f.Name(), title)
		case strings.ContainsAny(title, ",='\"\n"):
			t.Errorf("%s: the title %q holds a comma, '=', a quote or a newline", f.Name(), title)
		case seen[title] != "":
			t.Errorf("%s and %s have one title %q", seen[title], f.Name(), title)
		}
		seen[title] = f.Name()
	}
}
