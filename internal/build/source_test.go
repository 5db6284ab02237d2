package build

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestLocate(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := FindRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, dir string
	}{
		{desc: "inside the clone: its dist/site", dir: wd},
		// A test binary is built without -trimpath and is no released
		// version ((devel)): the folder it was compiled from.
		{desc: "outside any clone, a binary built from this clone: the clone it was built from", dir: t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			p, err := Locate(context.Background(), tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			if p.Root != root || p.Out != filepath.Join(root, "dist", "site") || p.Released || p.Env != nil {
				t.Errorf("Locate(%s) = %+v, want the clone %s and its dist/site", tc.dir, p, root)
			}
		})
	}
}

// released: what go install records in the binary's build information
// (runtime/debug.BuildInfo.Main.Version, https://go.dev/ref/mod#versions).
func TestReleased(t *testing.T) {
	tests := []struct {
		desc, version string
		want          bool
	}{
		{desc: "a tag", version: "v0.3.0", want: true},
		{desc: "a prerelease", version: "v0.99.0-installtest", want: true},
		{desc: "a pseudo-version (go install ...@main or a commit)", version: "v0.0.0-20261203120000-abcdefabcdef", want: true},
		{desc: "go build or go run in a checkout without VCS stamping", version: "(devel)"},
		{desc: "a checkout with uncommitted changes", version: "v0.3.1-0.20261203120000-abcdefabcdef+dirty"},
		{desc: "none", version: ""},
	}
	for _, tc := range tests {
		if got := released(tc.version); got != tc.want {
			t.Errorf("%s: released(%q) = %v, want %v", tc.desc, tc.version, got, tc.want)
		}
	}
}
