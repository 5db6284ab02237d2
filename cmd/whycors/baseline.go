package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/whycors/whycors/engine/lint"
)

// A baseline holds the findings a team has accepted for now, so that
// `whycors lint --baseline FILE` reports only new ones (issue "whycors in
// every terminal and pipeline"). `--write-baseline FILE` writes the
// current findings. A finding is the same one when its file, code and
// JSON path (or, without a path, its message) are: its line may move as
// the file is edited around it.

// baselineVersion is the form of the file this release writes and reads.
const baselineVersion = 1

type baselineFile struct {
	Version  int             `json:"version"`
	Findings []baselineEntry `json:"findings"`
}

type baselineEntry struct {
	File    string `json:"file"`
	Code    string `json:"code"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message,omitempty"`
	Line    int    `json:"line,omitempty"` // where it was when written; not compared
}

// baselineKey identifies a finding of file across edits.
func baselineKey(file, code, path, message string) string {
	where := path
	if where == "" {
		where = "\x00" + message
	}
	return filepath.ToSlash(file) + "\x00" + code + "\x00" + where
}

// readBaseline reads a baseline file into the set of its findings.
func readBaseline(name string) (map[string]bool, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var f baselineFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: not a whycors baseline: %v", name, err)
	}
	if f.Version != baselineVersion {
		return nil, fmt.Errorf("%s: baseline version %d; this whycors reads version %d (write it again with --write-baseline)", name, f.Version, baselineVersion)
	}
	set := map[string]bool{}
	for _, e := range f.Findings {
		if e.File == "" || e.Code == "" {
			return nil, errors.New(name + ": a baseline entry needs a file and a code")
		}
		set[baselineKey(e.File, e.Code, e.Path, e.Message)] = true
	}
	return set, nil
}

// withoutBaseline returns the findings of file that the baseline does not
// hold.
func withoutBaseline(set map[string]bool, file string, fs []lint.Finding) []lint.Finding {
	var out []lint.Finding
	for _, f := range fs {
		in := file
		if f.File != "" {
			in = f.File // a module's file
		}
		if !set[baselineKey(in, f.Code, f.Path, f.Message)] {
			out = append(out, f)
		}
	}
	return out
}

// writeBaseline writes the findings of every file as a baseline, in a
// stable order so that the file diffs well.
func writeBaseline(name string, runs []fileFindings) error {
	out := baselineFile{Version: baselineVersion, Findings: []baselineEntry{}}
	for _, r := range runs {
		for _, f := range r.findings {
			e := baselineEntry{File: filepath.ToSlash(r.fileOf(f)), Code: f.Code, Path: f.Path, Line: f.Line}
			if f.Path == "" {
				e.Message = f.Message
			}
			out.Findings = append(out.Findings, e)
		}
	}
	sort.SliceStable(out.Findings, func(i, j int) bool {
		a, b := out.Findings[i], out.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Path+a.Message < b.Path+b.Message
	})
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(name, append(b, '\n'), 0o644)
}
