package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestServeDirWithoutSite: --dir naming a folder with no built page is
// refused, exit 2, where serve printed its address and answered every
// request 404 (found as a new user would).
func TestServeDirWithoutSite(t *testing.T) {
	var out, errOut bytes.Buffer
	code := runServe([]string{"--dir", t.TempDir(), "--port", "0"}, nil, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "holds no built simulator (no index.html)") || out.Len() > 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and the folder's fault", code, out.String(), errOut.String())
	}
}
