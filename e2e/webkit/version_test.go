package webkit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/chromium"
)

// series is the WebKitGTK release series of a version, "2.50" of
// "2.50.6". WebKitGTK numbers its stable series 2.<even> (2.48, 2.50) and
// ships a new WebCore with each; a point release (2.50.5 to 2.50.6) brings
// fixes only. The series is what a recording names as the others name a
// browser's major version (chromium.CheckVersion).
func series(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return version
	}
	return parts[0] + "." + parts[1]
}

// checkVersion returns nil when running, WebKitGTK's version as
// MiniBrowser --version prints it, is of the release series of the
// recording at path, and otherwise an error naming both versions and
// reRecord, the command that re-records with the running WebKitGTK.
func checkVersion(recording, running string) error {
	recorded, err := chromium.RecordedVersion(recording)
	if err != nil {
		return fmt.Errorf("%v (webkitgtk %s is running); re-record with: %s", err, running, reRecord)
	}
	if series(recorded) != series(running) {
		return fmt.Errorf("webkitgtk %s is running, but %s was recorded with webkitgtk %s (%s): WebKitGTK moved to another release series; re-record with: %s",
			running, recording, recorded, chromium.VersionPath(recording), reRecord)
	}
	return nil
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		desc    string
		file    string // the version file's content; "-" for no file
		running string
		// want holds what the error must say, all of it; none for no error.
		want []string
	}{
		{desc: "a point release of the series", file: "2.50.6\n", running: "2.50.7"},
		{desc: "the same version", file: "2.50.6\n", running: "2.50.6"},
		{desc: "the next stable series (a new WebCore)", file: "2.50.6\n", running: "2.52.1",
			want: []string{"webkitgtk 2.52.1 is running", "recorded with webkitgtk 2.50.6", "rec.version", "re-record with: " + reRecord}},
		{desc: "an older series", file: "2.50.6\n", running: "2.48.3",
			want: []string{"webkitgtk 2.48.3 is running", "recorded with webkitgtk 2.50.6", reRecord}},
		{desc: "no version file", file: "-", running: "2.50.6",
			want: []string{"rec.version: a recording names the browser version", "webkitgtk 2.50.6 is running", reRecord}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			rec := filepath.Join(t.TempDir(), "rec.json")
			if tc.file != "-" {
				if err := os.WriteFile(chromium.VersionPath(rec), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := checkVersion(rec, tc.running)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("checkVersion: %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkVersion: nil, want an error saying %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
