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
	"testing"
	"time"
)

// The CLI as a release would build it, for each platform a team runs it on:
// the executable format and the machine of each binary are checked, and
// the version set at link time is in it. Nothing is run.
func TestReleaseBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: six cross-compiles")
	}
	const version = "v9.8.7-releasetest"
	targets := []struct {
		goos, goarch string
		check        func(*testing.T, string)
	}{
		{"linux", "amd64", elfMachine(elf.EM_X86_64)},
		{"linux", "arm64", elfMachine(elf.EM_AARCH64)},
		{"darwin", "amd64", machoCPU(macho.CpuAmd64)},
		{"darwin", "arm64", machoCPU(macho.CpuArm64)},
		{"windows", "amd64", peMachine(pe.IMAGE_FILE_MACHINE_AMD64)},
		{"windows", "arm64", peMachine(pe.IMAGE_FILE_MACHINE_ARM64)},
	}
	root := repoRoot(t)
	dir := t.TempDir()
	t0 := time.Now()
	t.Cleanup(func() { t.Logf("six cross-compiles: %s", time.Since(t0).Round(100*time.Millisecond)) })
	for _, tc := range targets {
		t.Run(tc.goos+"-"+tc.goarch, func(t *testing.T) {
			t.Parallel()
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
