package serverless_test

import (
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/formats/serverless"
)

// TestVariableBomb: variables that name each other twice at every level
// resolve in bounded time (maxVariables), left unresolved.
func TestVariableBomb(t *testing.T) {
	text := "service: s\ncustom:\n  x: '${self:custom.x}${self:custom.x}'\nfunctions:\n  f:\n    events:\n      - http: {path: a, method: get, cors: {origin: '${self:custom.x}'}}\n"
	start := time.Now()
	_, err := serverless.Parse(text)
	if err == nil || !strings.Contains(err.Error(), "unresolved") {
		t.Errorf("err %v, want the variable unresolved", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
