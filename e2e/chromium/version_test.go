package chromium_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/chromium"
)

func TestMajor(t *testing.T) {
	// Versions as the browsers report them: `chromium --version` and CDP
	// Browser.getVersion ("156.0.8078.114"), `firefox-esr --version`
	// ("153.8.0esr"), BiDi's browserVersion; and the major alone, which is
	// all a recorded User-Agent shows ("HeadlessChrome/156.0.0.0").
	tests := []struct {
		desc, in, want string
		ok             bool
	}{
		{desc: "chromium", in: "156.0.8078.114", want: "156", ok: true},
		{desc: "firefox esr", in: "153.8.0esr", want: "153", ok: true},
		{desc: "major alone", in: "153", want: "153", ok: true},
		{desc: "product name left in", in: "HeadlessChrome/156.0.8078.114"},
		{desc: "empty", in: ""},
		{desc: "no number", in: "esr"},
	}
	for _, tc := range tests {
		got, ok := chromium.Major(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: Major(%q) = %q, %v; want %q, %v", tc.desc, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	const reRecord = "WHYCORS_RECORD=rec.json go test -run '^TestChromium$' ./e2e/chromium"
	tests := []struct {
		desc    string
		file    string // the version file's content; "-" for no file
		running string
		// want holds what the error must say, all of it; none for no error.
		want []string
	}{
		{desc: "same major, other minor", file: "156\n", running: "156.0.8078.114"},
		{desc: "same full version", file: "153.8.0\n", running: "153.8.0"},
		{desc: "new major", file: "156\n", running: "157.0.8123.4",
			want: []string{"chromium 157.0.8123.4 is running", "recorded with chromium 156", "rec.version", "re-record with: " + reRecord}},
		{desc: "older major", file: "156.0.8078.114\n", running: "155.0.1.2",
			want: []string{"chromium 155.0.1.2 is running", "recorded with chromium 156.0.8078.114", reRecord}},
		{desc: "no version file", file: "-", running: "156.0.8078.114",
			want: []string{"rec.version: a recording names the browser version", "chromium 156.0.8078.114 is running", reRecord}},
		{desc: "not a version", file: "HeadlessChrome/156\n", running: "156.0.8078.114",
			want: []string{`"HeadlessChrome/156" is not a browser version`, reRecord}},
		{desc: "browser reports no version", file: "156\n", running: "",
			want: []string{`reports version ""`, "156"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			rec := filepath.Join(t.TempDir(), "rec.json")
			if tc.file != "-" {
				if err := os.WriteFile(chromium.VersionPath(rec), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := chromium.CheckVersion("chromium", rec, tc.running, reRecord)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("CheckVersion: %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckVersion: nil, want an error saying %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CheckVersion: %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestWriteVersion(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "observed.json")
	if err := chromium.WriteVersion(rec, "156.0.8078.114"); err != nil {
		t.Fatal(err)
	}
	if got, err := chromium.RecordedVersion(rec); err != nil || got != "156.0.8078.114" {
		t.Errorf("RecordedVersion after WriteVersion = %q, %v; want 156.0.8078.114", got, err)
	}
	if err := chromium.WriteVersion(rec, ""); err == nil {
		t.Error("WriteVersion of an empty version: nil error")
	}
}

func TestRewrites(t *testing.T) {
	tests := []struct {
		desc, record, recording string
		want                    bool
	}{
		{desc: "not recording", record: "", recording: "testdata/observed-chromium.json"},
		{desc: "the recording", record: "testdata/observed-chromium.json", recording: "testdata/observed-chromium.json", want: true},
		{desc: "the recording, spelled another way", record: "./testdata/../testdata/observed-chromium.json", recording: "testdata/observed-chromium.json", want: true},
		{desc: "another file", record: "/tmp/out.json", recording: "testdata/observed-chromium.json"},
	}
	for _, tc := range tests {
		if got := chromium.Rewrites(tc.record, tc.recording); got != tc.want {
			t.Errorf("%s: Rewrites(%q, %q) = %v, want %v", tc.desc, tc.record, tc.recording, got, tc.want)
		}
	}
}
