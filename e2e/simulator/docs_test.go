package simulator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestDocsScreenshot writes docs/simulator.png, the picture in the README:
// the page as it opens (a preflighted JSON POST with a bearer token that
// the server's Access-Control-Allow-Headers does not cover), light theme,
// 1280 by 1300 px; and docs/simulator-phone.png, the same at 390 by 844
// px, where the verdict comes first. It runs only when
// WHYCORS_DOCS_SCREENSHOT is set.
func TestDocsScreenshot(t *testing.T) {
	if os.Getenv("WHYCORS_DOCS_SCREENSHOT") == "" {
		t.Skip("set WHYCORS_DOCS_SCREENSHOT=1 to rewrite docs/simulator.png")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, shot := range []struct {
		name          string
		width, height int64
	}{{"simulator.png", 1280, 1300}, {"simulator-phone.png", 390, 844}} {
		p.do(chromedp.EmulateViewport(shot.width, shot.height))
		p.open("")
		settled(p)
		b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "docs", shot.name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
