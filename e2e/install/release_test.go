package install_test

import (
	"bytes"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The CLI as a release would build it, for each platform a team runs it on:
// the executable format and the machine of each binary are checked, and
// the version set at link time is in it. Nothing is run.
func TestReleaseBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the release cross-compiles")
	}
	const version = "v9.8.7-releasetest"
	// like names a target of the same OS that compiles the same files of
	// this module and its dependencies (no file of them is kept or left
	// out by a build constraint on the architecture): that target's
	// build stands for this one, whose only other code is Go's own
	// runtime and standard library. Each cross-compile costs about 30
	// CPU-seconds once this module changes, and the suite runs on 2
	// cores.
	targets := []struct {
		goos, goarch string
		check        func(*testing.T, string)
		like         string
	}{
		{"linux", "amd64", elfMachine(elf.EM_X86_64), ""},
		{"linux", "arm64", elfMachine(elf.EM_AARCH64), "linux/amd64"},
		{"darwin", "amd64", machoCPU(macho.CpuAmd64), "darwin/arm64"},
		{"darwin", "arm64", machoCPU(macho.CpuArm64), ""},
		{"windows", "amd64", peMachine(pe.IMAGE_FILE_MACHINE_AMD64), ""},
		{"windows", "arm64", peMachine(pe.IMAGE_FILE_MACHINE_ARM64), "windows/amd64"},
	}
	root := repoRoot(t)
	dir := t.TempDir()
	t0 := time.Now()
	t.Cleanup(func() { t.Logf("the release targets: %s", time.Since(t0).Round(100*time.Millisecond)) })
	for _, tc := range targets {
		t.Run(tc.goos+"-"+tc.goarch, func(t *testing.T) {
			t.Parallel()
			if tc.like != "" {
				goos, goarch, _ := strings.Cut(tc.like, "/")
				a, b := sources(t, root, tc.goos, tc.goarch), sources(t, root, goos, goarch)
				if a == b {
					t.Logf("the same files as %s, which is built", tc.like)
					return
				}
				t.Logf("files differ from %s's: built", tc.like)
			}
			out := filepath.Join(dir, "whycors-"+tc.goos+"-"+tc.goarch)
			ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w -X main.version="+version, "-o", out, "./cmd/whycors")
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS="+tc.goos, "GOARCH="+tc.goarch, "CGO_ENABLED=0")
			t1 := time.Now()
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, b)
			}
			t.Logf("built in %s", time.Since(t1).Round(100*time.Millisecond))
			tc.check(t, out)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(version)) {
				t.Errorf("the binary does not hold the version %s set with -X main.version", version)
			}
		})
	}
}

// sources lists the files cmd/whycors compiles for goos/goarch, but
// Go's standard library's: each package of this module and of its
// dependencies with its Go files (go list, no compile).
func sources(t *testing.T, root, goos, goarch string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{.GoFiles}} {{.SFiles}}{{end}}", "./cmd/whycors")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list for %s/%s: %v", goos, goarch, err)
	}
	if !bytes.Contains(b, []byte("github.com/whycors/whycors/cmd/whycors")) {
		t.Fatalf("go list for %s/%s names no cmd/whycors:\n%s", goos, goarch, b)
	}
	return string(b)
}

func elfMachine(want elf.Machine) func(*testing.T, string) {
	return func(t *testing.T, file string) {
		f, err := elf.Open(file)
		if err != nil {
			t.Fatalf("not an ELF executable: %v", err)
		}
		defer f.Close()
		if f.Machine != want || f.Type != elf.ET_EXEC {
			t.Errorf("ELF machine %v type %v, want %v ET_EXEC", f.Machine, f.Type, want)
		}
	}
}

func machoCPU(want macho.Cpu) func(*testing.T, string) {
	return func(t *testing.T, file string) {
		f, err := macho.Open(file)
		if err != nil {
			t.Fatalf("not a Mach-O executable: %v", err)
		}
		defer f.Close()
		if f.Cpu != want || f.Type != macho.TypeExec {
			t.Errorf("Mach-O CPU %v type %v, want %v executable", f.Cpu, f.Type, want)
		}
	}
}

func peMachine(want uint16) func(*testing.T, string) {
	return func(t *testing.T, file string) {
		f, err := pe.Open(file)
		if err != nil {
			t.Fatalf("not a PE executable: %v", err)
		}
		defer f.Close()
		if f.Machine != want || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
			t.Errorf("PE machine %#x characteristics %#x, want %#x and an executable image", f.Machine, f.Characteristics, want)
		}
	}
}
