// Package wrangler_test deploys the edge worker with wrangler as
// worker/wrangler.toml documents it, `npx -p node@N -p wrangler@W wrangler
// deploy`, in dry-run mode (--dry-run --outdir: everything but the
// upload): wrangler runs the [build] command
// (scripts/worker-wrangler-build.sh), which checks the configuration with
// the worker's own reader before building, then bundles the worker. Node
// and wrangler come from the npm registry at the exact versions below
// (npm ships Node's binary as the node package, which npx puts first on
// the PATH, so wrangler runs on Node 22 whatever Node npm itself runs on).
package wrangler_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The versions worker/wrangler.toml and worker/README.md tell users to
// deploy with (TestDocumentedVersions keeps them the same).
const (
	nodeVersion     = "22.23.3"
	wranglerVersion = "4.164.0"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// npx runs wrangler with args in dir through npx, Node and wrangler at the
// pinned versions; it returns the combined output and the error.
func npx(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	a := append([]string{"--yes", "-p", "node@" + nodeVersion, "-p", "wrangler@" + wranglerVersion, "--", "wrangler"}, args...)
	cmd := exec.CommandContext(ctx, "npx", a...)
	cmd.Dir = dir
	// No telemetry, no prompt; CI=true is what wrangler reads for a
	// non-interactive run.
	cmd.Env = append(os.Environ(), append([]string{"WRANGLER_SEND_METRICS=false", "CI=true"}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// ready fetches Node and wrangler (once; npm caches them) or skips.
func ready(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs wrangler (npm); skipped with -short")
	}
	skip := func(why string) {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if _, err := exec.LookPath("npx"); err != nil {
		skip("npx not installed: " + err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := npx(ctx, t.TempDir(), nil, "--version")
	if err != nil || !strings.Contains(out, wranglerVersion) {
		skip(fmt.Sprintf("npm could not fetch node@%s and wrangler@%s: %v\n%s", nodeVersion, wranglerVersion, err, out))
	}
	t.Logf("node@%s and wrangler@%s ready in %v", nodeVersion, wranglerVersion, time.Since(start).Round(time.Millisecond))
}

// issue19Bucket is the S3 bucket configuration of issue 19 (one rule per
// origin), as a user has it.
const issue19Bucket = `[
  {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]},
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "POST", "HEAD"], "AllowedHeaders": ["*"]}
]
`

// badBucket has one method S3 refuses (PutBucketCors answers
// InvalidRequest, "Found unsupported HTTP method in CORS config",
// shared/reference cloud-policies.md §1) on its third line.
const badBucket = `[
  {"AllowedOrigins": ["https://www.example.com"],
   "AllowedMethods": ["GET", "FETCH"]}
]
`

// position is the 1-based line and column of the first occurrence of
// needle in text, as the check must print it.
func position(t *testing.T, text, needle string) string {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in the text", needle)
	}
	line := strings.Count(text[:i], "\n") + 1
	col := i - (strings.LastIndex(text[:i], "\n") + 1) + 1
	return fmt.Sprintf("%d:%d", line, col)
}

// TestDryRunDeploy runs `wrangler deploy --dry-run --outdir` on copies of
// worker/wrangler.toml: valid configurations are built and bundled (the
// wasm, the entry module, the policy file as a Text module); invalid ones
// stop the deploy before the Go build, with each fault at its line and
// column in the file the user wrote.
func TestDryRunDeploy(t *testing.T) {
	ready(t)
	root := repoRoot()
	shipped, err := os.ReadFile(filepath.Join(root, "worker", "wrangler.toml"))
	if err != nil {
		t.Fatal(err)
	}
	const build = `command = "sh ../scripts/worker-wrangler-build.sh"`
	if !bytes.Contains(shipped, []byte(build)) {
		t.Fatalf("worker/wrangler.toml no longer runs %s", build)
	}
	// The copy runs the repository's build script by its absolute path.
	base := strings.Replace(string(shipped), build, `command = "sh `+filepath.Join(root, "scripts", "worker-wrangler-build.sh")+`"`, 1)
	// Without the WHYCORS_POLICY var (a policy file instead).
	i := strings.Index(base, "WHYCORS_POLICY = '''")
	if i < 0 {
		t.Fatal("worker/wrangler.toml has no WHYCORS_POLICY = ''' var")
	}
	end := strings.Index(base[i+20:], "'''") + i + 20 + 3
	noVar := base[:i] + base[end:]
	badVar := strings.Replace(base, `"origins": ["https://app.example.com"]`, `"origins": "https://app.example.com"`, 1)
	if badVar == base {
		t.Fatal("the shipped policy changed; update the invalid variant")
	}

	ftp := strings.Replace(base, `WHYCORS_UPSTREAM = "https://api.example.com"`, `WHYCORS_UPSTREAM = "ftp://api.example.com"`, 1)
	cases := []struct {
		desc   string
		toml   string
		file   string // the policy file, named cors.json; "" for none
		ok     bool
		output []string // in wrangler's output: positions as FILE:LINE:COLUMN
		bundle string   // the bundled policy.txt's content, when ok
	}{
		{desc: "the shipped configuration (a native policy in [vars]) deploys", toml: base, ok: true, bundle: ""},
		{desc: "issue 19's S3 bucket as a policy file deploys, bundled as it is", toml: noVar, file: issue19Bucket, ok: true, bundle: issue19Bucket},
		{desc: "a native policy in [vars] with origins as a string stops the deploy at its place in wrangler.toml",
			toml: badVar, output: []string{"wrangler.toml:" + position(t, badVar, `"https://app.example.com"`) + ": WHYCORS_POLICY (native) $.rules[0].origins"}},
		{desc: "an S3 method the platform refuses stops the deploy at its place in the policy file",
			toml: noVar, file: badBucket, output: []string{"cors.json:" + position(t, badBucket, `"FETCH"`) + ":", "Unsupported method is FETCH"}},
		{desc: "a policy both in [vars] and as a file is refused, as the worker refuses it, with every other fault",
			toml: ftp, file: issue19Bucket, output: []string{
				"wrangler.toml:" + position(t, base, "{\n  \"rules\"") + ": WHYCORS_POLICY: set twice",
				"wrangler.toml:" + position(t, base, `https://api.example.com"`) + ": WHYCORS_UPSTREAM: want an http or https URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "wrangler.toml"), []byte(tc.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			var env []string
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "cors.json"), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
				env = append(env, "WHYCORS_POLICY_FILE=cors.json")
			}
			out := filepath.Join(dir, "out")
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			start := time.Now()
			log, err := npx(ctx, dir, env, "deploy", "--dry-run", "--outdir", out)
			t.Logf("wrangler deploy --dry-run: %v, %v", err, time.Since(start).Round(time.Millisecond))
			if tc.ok != (err == nil) {
				t.Fatalf("want success %v, got %v\n%s", tc.ok, err, log)
			}
			for _, w := range tc.output {
				if !strings.Contains(log, w) {
					t.Errorf("output lacks %q:\n%s", w, log)
				}
			}
			if !tc.ok {
				// Stopped before the Go build and the bundle.
				if _, err := os.Stat(filepath.Join(dir, "build", "app.wasm")); err == nil {
					t.Error("the worker was built despite the fault")
				}
				if _, err := os.Stat(out); err == nil {
					t.Error("a bundle was written despite the fault")
				}
				return
			}
			bundled := map[string]string{}
			ents, err := os.ReadDir(out)
			if err != nil {
				t.Fatalf("no bundle: %v\n%s", err, log)
			}
			for _, e := range ents {
				for _, suf := range []string{"app.wasm", "policy.txt", "worker.js"} {
					if strings.HasSuffix(e.Name(), suf) {
						bundled[suf] = filepath.Join(out, e.Name())
					}
				}
			}
			if len(bundled) != 3 {
				t.Fatalf("bundle %v lacks the wasm, the policy file or the entry module\n%s", ents, log)
			}
			w, _ := os.ReadFile(bundled["app.wasm"])
			if !bytes.HasPrefix(w, []byte("\x00asm")) {
				t.Error("app.wasm is not WebAssembly")
			}
			if p, _ := os.ReadFile(bundled["policy.txt"]); string(p) != tc.bundle {
				t.Errorf("bundled policy.txt = %q, want %q", p, tc.bundle)
			}
			if js, _ := os.ReadFile(bundled["worker.js"]); !bytes.Contains(js, []byte("policy.txt")) {
				t.Error("the entry module does not import policy.txt")
			}
		})
	}
}

// TestDocumentedVersions: the versions users are told to deploy with are
// the ones tested here.
func TestDocumentedVersions(t *testing.T) {
	root := repoRoot()
	for _, f := range []string{"worker/wrangler.toml", "worker/README.md"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"node@" + nodeVersion, "wrangler@" + wranglerVersion} {
			if !bytes.Contains(b, []byte(v)) {
				t.Errorf("%s does not name %s", f, v)
			}
		}
	}
}
