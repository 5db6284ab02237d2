//go:build !(js && wasm)

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployCheck: `worker check` accepts a valid deployment and places
// every fault of an invalid one at its line and column in the file the
// user wrote. Expected positions are counted in the inputs below (the
// fault is at the token named in each comment).
func TestDeployCheck(t *testing.T) {
	tests := []struct {
		desc   string
		toml   string
		policy string // the policy file; "" for none
		ok     bool
		want   []string
	}{
		{desc: "a native policy in a ''' string: valid", ok: true,
			toml: "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\nWHYCORS_POLICY = '''\n{\"origins\": [\"https://a.example\"]}\n'''\n",
			want: []string{"native policy from [vars] WHYCORS_POLICY, upstream https://api.example: valid"}},
		{desc: "a fault on the second line of a ''' string: the file's line, the policy's column",
			// "x" on line 5, column 13.
			toml: "name = \"w\"\n[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\nWHYCORS_POLICY = '''\n{\"origins\": \"x\"}\n'''\n",
			want: []string{"wrangler.toml:5:13: WHYCORS_POLICY (native) $.origins: type:"}},
		{desc: "a fault on the first line of a one-line literal string: moved by the string's column",
			// "x" at column 31 of line 3.
			toml: "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\nWHYCORS_POLICY = '{\"origins\": \"x\"}'\n",
			want: []string{"wrangler.toml:3:31: WHYCORS_POLICY (native) $.origins"}},
		{desc: "a basic string with escapes: the value's start and the position inside it",
			toml: "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\nWHYCORS_POLICY = \"{\\\"origins\\\": \\\"x\\\"}\"\n",
			want: []string{"wrangler.toml:3:19: WHYCORS_POLICY (native) $.origins", "(line 1, column 13 of the value)"}},
		{desc: "every variable's fault at its value, a missing one at the file",
			toml: "[vars]\nWHYCORS_DEBUG = \"maybe\"\nWHYCORS_UPSTREAM_TIMEOUT_MS = \"0\"\n",
			want: []string{"wrangler.toml:2:18: WHYCORS_DEBUG: want true or false", "wrangler.toml:3:32: WHYCORS_UPSTREAM_TIMEOUT_MS", "wrangler.toml: [vars] WHYCORS_UPSTREAM: missing", "wrangler.toml: [vars] WHYCORS_POLICY: missing", "4 fault(s)"}},
		{desc: "a policy file's fault at its place in the file",
			toml: "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\n",
			// "FROB" at line 2, column 22.
			policy: "[{\"AllowedOrigins\": [\"*\"],\n  \"AllowedMethods\": [\"FROB\"]}]",
			want:   []string{"cors.json:2:22: cors.json (s3-json) $[0].AllowedMethods[0]: InvalidRequest"}},
		{desc: "a policy file that is valid", ok: true,
			toml:   "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\n",
			policy: "[{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}]",
			want:   []string{"s3-json policy from cors.json"}},
		{desc: "a policy in both places is a fault, as at run time",
			toml:   "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\"\nWHYCORS_POLICY = '{\"origins\": [\"*\"]}'\n",
			policy: "[{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}]",
			want:   []string{"wrangler.toml:3:19: WHYCORS_POLICY: set twice"}},
		{desc: "wrangler.toml that is no TOML: its own position",
			toml: "[vars]\nWHYCORS_UPSTREAM = \"https://api.example\n",
			want: []string{"wrangler.toml:2:"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			dir := t.TempDir()
			wd, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(wd)
			os.WriteFile(filepath.Join(dir, "wrangler.toml"), []byte(tc.toml), 0o644)
			args := []string{}
			if tc.policy != "" {
				os.WriteFile(filepath.Join(dir, "cors.json"), []byte(tc.policy), 0o644)
				args = append(args, "-policy", "cors.json")
			}
			var out, errb bytes.Buffer
			code := deployCheck(args, &out, &errb)
			if (code == 0) != tc.ok {
				t.Fatalf("exit %d, want ok %v\nstdout: %s\nstderr: %s", code, tc.ok, out.String(), errb.String())
			}
			got := out.String() + errb.String()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
