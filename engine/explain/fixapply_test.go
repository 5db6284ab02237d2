package explain_test

import (
	"maps"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/policy"
)

// TestFixApplied: a fix's files replace the policy's files of the same
// name, its params are set over the policy's, and the policy the fix was
// made for is left as it was.
func TestFixApplied(t *testing.T) {
	p := &explain.Policy{Format: "terraform", Resource: "r", Params: map[string]string{"a": "1", "b": "2"},
		Files: []policy.File{{Name: "main.tf", Text: "m"}, {Name: "terraform.tfvars", Text: "v"}}}
	tests := []struct {
		desc       string
		fix        explain.Fix
		wantFiles  []policy.File
		wantParams map[string]string
	}{
		{desc: "a .tfvars changed", fix: explain.Fix{Files: []explain.FileFix{{Name: "terraform.tfvars", Text: "v2"}}},
			wantFiles: []policy.File{{Name: "main.tf", Text: "m"}, {Name: "terraform.tfvars", Text: "v2"}}, wantParams: p.Params},
		{desc: "two files changed", fix: explain.Fix{Files: []explain.FileFix{{Name: "main.tf", Text: "m2"}, {Name: "terraform.tfvars", Text: "v2"}}},
			wantFiles: []policy.File{{Name: "main.tf", Text: "m2"}, {Name: "terraform.tfvars", Text: "v2"}}, wantParams: p.Params},
		{desc: "a parameter changed", fix: explain.Fix{Params: map[string]string{"b": "3"}},
			wantFiles: p.Files, wantParams: map[string]string{"a": "1", "b": "3"}},
		{desc: "a file the policy does not have is not added", fix: explain.Fix{Files: []explain.FileFix{{Name: "x.tf", Text: "x"}}},
			wantFiles: p.Files, wantParams: p.Params},
	}
	for _, tc := range tests {
		got := tc.fix.Applied(p)
		if len(got.Files) != len(tc.wantFiles) {
			t.Errorf("%s: files %v, want %v", tc.desc, got.Files, tc.wantFiles)
			continue
		}
		for i := range got.Files {
			if got.Files[i] != tc.wantFiles[i] {
				t.Errorf("%s: file %d %v, want %v", tc.desc, i, got.Files[i], tc.wantFiles[i])
			}
		}
		if !maps.Equal(got.Params, tc.wantParams) || got.Format != p.Format || got.Resource != p.Resource {
			t.Errorf("%s: %+v", tc.desc, got)
		}
	}
	if p.Files[1].Text != "v" || p.Params["b"] != "2" {
		t.Errorf("the policy itself changed: %+v", p)
	}

	// A policy of one text: a server fix gives its text (and the format
	// it was read as, for "auto"); a client or raw replies' fix none.
	one := &explain.Policy{Format: "auto", Text: "old"}
	for _, tc := range []struct {
		desc             string
		fix              explain.Fix
		wantText, format string
	}{
		{"a fix of the policy's text", explain.Fix{Where: "server", Format: "s3-json", Text: "new"}, "new", "s3-json"},
		{"a client fix", explain.Fix{Where: "client", Format: "fetch", Text: "fetch(u)"}, "old", "auto"},
		{"a fix of raw replies", explain.Fix{Where: "server", Format: "headers", Text: "Access-Control-Allow-Origin: *"}, "old", "auto"},
	} {
		if got := tc.fix.Applied(one); got.Text != tc.wantText || got.Format != tc.format {
			t.Errorf("%s: %q as %s, want %q as %s", tc.desc, got.Text, got.Format, tc.wantText, tc.format)
		}
	}
	if one.Text != "old" {
		t.Errorf("the one-text policy itself changed: %+v", one)
	}
}
