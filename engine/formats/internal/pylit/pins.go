package pylit

import (
	"path"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Major is a version's first number; 0 when it has none.
func Major(version string) int {
	n, _ := strconv.Atoi(strings.SplitN(version, ".", 2)[0])
	return n
}

// normalize is a distribution's name as PEP 503 compares it: lower
// case, each run of "-", "_" and "." one "-".
func normalize(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c == '-' || c == '_' || c == '.' {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(c)
	}
	return b.String()
}

// requirement is one line of a requirements file naming dist: the
// version it pins with == or === ("" for another specifier, or none),
// its specifier as written, and its line.
type requirement struct {
	pin, spec string
	line      int
}

// find is dist's requirement in text (pip's requirements file format:
// a name, its extras in brackets, specifiers, "; markers" and "#"
// comments), or false.
func find(text, dist string) (requirement, bool) {
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, ";")
		line = strings.TrimSpace(line)
		end := strings.IndexAny(line, "[=<>!~ \t")
		if end < 0 {
			end = len(line)
		}
		if line == "" || normalize(line[:end]) != normalize(dist) {
			continue
		}
		rest := line[end:]
		if j := strings.IndexByte(rest, ']'); strings.HasPrefix(rest, "[") && j >= 0 {
			rest = rest[j+1:]
		}
		spec := strings.TrimSpace(rest)
		r := requirement{spec: spec, line: i + 1}
		if v, ok := strings.CutPrefix(spec, "==="); ok {
			r.pin = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(spec, "=="); ok && !strings.ContainsAny(v, ",*") {
			r.pin = strings.TrimSpace(v)
		}
		return r, true
	}
	return requirement{}, false
}

// Pins reports whether text, a requirements file, names dist (a
// policy.Companion's test).
func Pins(text, dist string) bool {
	_, ok := find(text, dist)
	return ok
}

// isRequirements reports a requirements file by its name
// (requirements.txt, requirements-prod.txt, requirements/base.txt).
func isRequirements(name string) bool {
	name = strings.ReplaceAll(name, "\\", "/")
	base := path.Base(name)
	return strings.HasSuffix(base, ".txt") && (strings.HasPrefix(base, "requirements") || path.Base(path.Dir(name)) == "requirements")
}

// PinnedVersion is the version of dist the requirements file after
// src's Python pins ("" without one, or when it names dist without
// "=="); a requirements file out of place, a third file, or one that
// does not name dist is a fault at its file.
func PinnedVersion(src policy.Source, dist string) (string, error) {
	if src.Text != "" || len(src.Files) < 2 {
		return "", nil
	}
	if isRequirements(src.Files[0].Name) || Pins(src.Files[0].Text, dist) {
		return "", policy.Errors{{File: src.Files[0].Name, Line: 1, Column: 1, Msg: "the Python that configures " + dist + " comes first, then the requirements file that pins its version: give " + src.Files[1].Name + " before " + src.Files[0].Name}}
	}
	req := src.Files[1]
	if len(src.Files) > 2 || !isRequirements(req.Name) && !Pins(req.Text, dist) {
		f := src.Files[len(src.Files)-1]
		if !isRequirements(req.Name) && !Pins(req.Text, dist) {
			f = req
		}
		return "", policy.Errors{{File: f.Name, Line: 1, Column: 1, Msg: dist + " is read from one Python file and the requirements file that pins its version: " + f.Name + " would be left unread; give each configuration to its own explain"}}
	}
	r, ok := find(req.Text, dist)
	if !ok {
		return "", policy.Errors{{File: req.Name, Line: 1, Column: 1, Msg: "this requirements file does not name " + dist + " (a line " + dist + "==X.Y.Z): is it the project's?"}}
	}
	if r.pin != "" && Major(r.pin) == 0 && !strings.HasPrefix(r.pin, "0.") {
		return "", policy.Errors{{File: req.Name, Line: r.line, Column: 1, Msg: dist + r.spec + ": not a version whycors can read"}}
	}
	return r.pin, nil
}

// VersionNote says which code a configuration answers as when its
// requirements file pins a version that is neither old's nor latest's
// ("" when it is one of them, or pins none).
func VersionNote(dist, version, old, latest string) string {
	switch {
	case version == "" || version == old || version == latest:
		return ""
	case Major(version) < Major(latest):
		return dist + " " + version + " (the requirements file's) is answered as " + old + "'s code"
	case Major(version) > Major(latest):
		return dist + " " + version + " (the requirements file's) is newer than whycors knows: answered as " + latest + "'s code"
	}
	return dist + " " + version + " (the requirements file's) is answered as " + latest + "'s code"
}
