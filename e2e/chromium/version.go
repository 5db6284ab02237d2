package chromium

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A recording (testdata/observed-chromium.json, e2e/firefox's
// testdata/observed-firefox.json) has a version file beside it: the same
// name ending in .version instead of .json, holding one line, the version
// of the browser that made the recording as that browser reports it (CDP
// Browser.getVersion's product without its name, BiDi session.new's
// browserVersion). Debian moves Chromium and Firefox to new major
// versions; a harness that runs a browser whose major version is not the
// recording's fails and names the command that re-records, so that the
// offline replay never checks explain against a browser nobody runs any
// more without saying so. The number lives only in this file.

// VersionPath returns the version file of the recording at path.
func VersionPath(recording string) string {
	return strings.TrimSuffix(recording, filepath.Ext(recording)) + ".version"
}

// RecordedVersion returns the browser version the recording at path was
// made with (VersionPath).
func RecordedVersion(recording string) (string, error) {
	p := VersionPath(recording)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no %s: a recording names the browser version it was made with", p)
	}
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if _, ok := Major(v); !ok {
		return "", fmt.Errorf("%s: %q is not a browser version (want a major version number, then optionally .minor and more)", p, v)
	}
	return v, nil
}

// WriteVersion writes the version file of the recording at path.
func WriteVersion(recording, version string) error {
	if _, ok := Major(version); !ok {
		return fmt.Errorf("%q is not a browser version", version)
	}
	return os.WriteFile(VersionPath(recording), []byte(version+"\n"), 0o644)
}

// Major returns the major version of a browser version ("156" of
// "156.0.8078.114", "153" of "153.8.0esr"), false when the version does
// not start with one.
func Major(version string) (string, bool) {
	major, _, _ := strings.Cut(version, ".")
	if major == "" || strings.Trim(major, "0123456789") != "" {
		return "", false
	}
	return major, true
}

// Rewrites reports whether a harness run that records to record (its
// WHYCORS_RECORD value, "" when it does not record) rewrites recording:
// then the running browser's version is the one the recording will hold,
// and there is nothing for CheckVersion to compare.
func Rewrites(record, recording string) bool {
	if record == "" {
		return false
	}
	a, err1 := filepath.Abs(record)
	b, err2 := filepath.Abs(recording)
	return err1 == nil && err2 == nil && a == b
}

// CheckVersion returns nil when the running browser (its version as the
// browser reports it) has the major version of the recording at path, and
// otherwise an error naming both versions and reRecord, the command that
// re-records from the running browser. A recording without a readable
// version file fails the same way.
func CheckVersion(browser, recording, running, reRecord string) error {
	recorded, err := RecordedVersion(recording)
	if err != nil {
		return fmt.Errorf("%v (%s %s is running); re-record with: %s", err, browser, running, reRecord)
	}
	have, ok := Major(running)
	if !ok {
		return fmt.Errorf("%s reports version %q, which has no major version to compare with %s's %s", browser, running, recording, recorded)
	}
	if want, _ := Major(recorded); have != want {
		return fmt.Errorf("%s %s is running, but %s was recorded with %s %s (%s): the browser moved to another major version; re-record with: %s",
			browser, running, recording, browser, recorded, VersionPath(recording), reRecord)
	}
	return nil
}
