package simulator_test

import (
	"strings"
	"testing"
)

// TestLoad opens the page with its defaults: the engine loads, a verdict
// (or a graceful engine error) is on screen, and nothing was reported on
// the console.
func TestLoad(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	state := eval[string](p, `document.getElementById("summary").dataset.state`)
	if state != "allowed" && state != "blocked" && state != "error" {
		t.Fatalf("summary state = %q, want allowed, blocked or error", state)
	}
	settled(p) // the core engine's own verdict follows the build's
	status := eval[string](p, `document.getElementById("status").textContent`)
	if !strings.HasPrefix(status, "Engine ready: whycors ") {
		t.Errorf("status = %q, want the engine's version", status)
	}
	rows := eval[int](p, `document.querySelectorAll("#browsers tbody tr").length`)
	if rows != 3 {
		t.Errorf("browser rows = %d, want 3 (Chrome, Firefox, Safari)", rows)
	}
	p.screenshot("simulator-load.png")
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.problems) > 0 {
		t.Errorf("the page reported errors on load: %v", p.problems)
	}
}
