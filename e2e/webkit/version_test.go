package webkit

import (
	"fmt"
	"strings"

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
