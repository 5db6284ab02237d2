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

// requirement is one requirement of a requirements file naming dist:
// its specifiers as written ("==3.14.0", ">=3,<4", "" for none) and its
// line.
type requirement struct {
	spec string
	line int
}

// find is dist's requirement in text, a pip requirements file: a line
// (joined with the next where it ends in a backslash) holding a name,
// its extras in brackets, specifiers, "; markers", options such as
// --hash, and "#" comments.
func find(text, dist string) (requirement, bool) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		first := i
		line := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + " " + strings.TrimRight(lines[i], "\r")
		}
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, ";")
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		end := strings.IndexAny(line, "[=<>!~ \t\\")
		if end < 0 {
			end = len(line)
		}
		if line == "" || normalize(line[:end]) != normalize(dist) {
			continue
		}
		rest := line[end:]
		if j := strings.IndexByte(rest, ']'); strings.HasPrefix(strings.TrimSpace(rest), "[") && j >= 0 {
			rest = rest[j+1:]
		}
		// Options after the specifiers (--hash=..., a left backslash).
		for _, opt := range []string{" -", "\t-", "\\"} {
			if k := strings.Index(rest, opt); k >= 0 {
				rest = rest[:k]
			}
		}
		return requirement{spec: strings.TrimSpace(rest), line: first + 1}, true
	}
	return requirement{}, false
}

// Pins reports whether text, a requirements file, constrains dist's
// version (a policy.Companion's test: a file that names it without a
// specifier, a pip-compile .in file, says nothing of its version).
func Pins(text, dist string) bool {
	r, ok := find(text, dist)
	return ok && r.spec != ""
}

// isRequirements reports a requirements file by its name
// (requirements.txt, requirements-prod.txt, requirements/base.txt).
func isRequirements(name string) bool {
	name = strings.ReplaceAll(name, "\\", "/")
	base := path.Base(name)
	return strings.HasSuffix(base, ".txt") && (strings.HasPrefix(base, "requirements") || path.Base(path.Dir(name)) == "requirements")
}

// release is a PEP 440 version's release numbers ("v3.14.0rc1" is
// 3, 14, 0), false when it has none.
func release(v string) ([]int, bool) {
	v = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(v)), "v")
	var out []int
	for _, part := range strings.Split(v, ".") {
		j := 0
		for j < len(part) && part[j] >= '0' && part[j] <= '9' {
			j++
		}
		if j == 0 {
			break
		}
		n, _ := strconv.Atoi(part[:j])
		out = append(out, n)
		if j < len(part) {
			break // a pre-, post- or dev-release, or a local label, from here
		}
	}
	return out, len(out) > 0
}

// compare orders two releases, the shorter padded with zeros.
func compare(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		x, y := 0, 0
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// satisfies reports whether version meets spec, comma-separated PEP 440
// clauses (==, with a trailing .* too, !=, ~=, <, <=, >, >=, ===),
// comparing release numbers; false for a clause it cannot read.
func satisfies(version, spec string) bool {
	v, _ := release(version)
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		op := ""
		for _, o := range []string{"===", "==", "!=", "~=", "<=", ">=", "<", ">"} {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		arg := strings.TrimSpace(clause[len(op):])
		if op == "===" {
			if arg != version {
				return false
			}
			continue
		}
		prefix := strings.HasSuffix(arg, ".*")
		w, ok := release(strings.TrimSuffix(arg, ".*"))
		if op == "" || !ok {
			return false
		}
		c := compare(v, w)
		if prefix {
			c = compare(v[:min(len(v), len(w))], w)
		}
		var holds bool
		switch op {
		case "==":
			holds = c == 0
		case "!=":
			holds = c != 0
		case "<":
			holds = c < 0
		case "<=":
			holds = c <= 0
		case ">":
			holds = c > 0
		case ">=":
			holds = c >= 0
		case "~=":
			// ~=3.14.0 is >=3.14.0 and ==3.14.*.
			holds = c >= 0 && len(w) > 1 && compare(v[:min(len(v), len(w)-1)], w[:len(w)-1]) == 0
		}
		if !holds {
			return false
		}
	}
	return true
}

// PinnedVersion is the version of dist to answer as, from the
// requirements file after src's Python: "" without one, or where it
// names dist without a specifier or allows latest; its exact pin (==X,
// ===X); else old where the specifiers allow old's major version and
// not latest (<4, ~=3.14, ==3.*). note says which code answers a
// version that is neither's. A requirements file out of place, a third
// file, one that does not name dist, or a pin that is no version is a
// fault at its file.
func PinnedVersion(src policy.Source, dist, latest, old string) (version, note string, err error) {
	is := func(f policy.File) bool { return isRequirements(f.Name) || Pins(f.Text, dist) }
	req, err := src.Beside(is, "the Python that configures "+dist+" comes first, then the requirements file that pins its version", dist+" is read from one Python file and the requirements file that pins its version")
	if req == nil || err != nil {
		return "", "", err
	}
	r, ok := find(req.Text, dist)
	if !ok {
		return "", "", policy.Errors{{File: req.Name, Line: 1, Column: 1, Msg: "this requirements file does not name " + dist + " (a line " + dist + "==X.Y.Z): is it the project's?"}}
	}
	if r.spec == "" {
		return "", "", nil
	}
	exact := ""
	if v, ok := strings.CutPrefix(r.spec, "==="); ok {
		exact = strings.TrimSpace(v)
	} else if v, ok := strings.CutPrefix(r.spec, "=="); ok && !strings.ContainsAny(v, ",*") {
		exact = strings.TrimSpace(v)
	}
	if exact != "" || strings.HasPrefix(r.spec, "==") && !strings.ContainsAny(r.spec, ",*") {
		rel, ok := release(exact)
		if !ok {
			return "", "", policy.Errors{{File: req.Name, Line: r.line, Column: 1, Msg: dist + r.spec + ": not a version whycors can read"}}
		}
		v := strconv.Itoa(rel[0])
		for _, n := range rel[1:] {
			v += "." + strconv.Itoa(n)
		}
		return v, versionNote(dist, v, old, latest), nil
	}
	switch top := topMajor(r.spec); {
	case satisfies(latest, r.spec):
		return "", "", nil
	case satisfies(old, r.spec) || top >= 0 && top < Major(latest):
		if satisfies(old, r.spec) {
			return old, "", nil
		}
		return old, dist + r.spec + " (the requirements file's) is answered as " + old + "'s code", nil
	}
	return "", dist + r.spec + " (the requirements file's) is answered as " + latest + "'s code", nil
}

// topMajor is the major version of the newest release an upper-bounded
// spec allows (<4 and <=3.9 allow 3.x at most), -1 without an upper
// bound.
func topMajor(spec string) int {
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		if v, ok := strings.CutPrefix(clause, "<="); ok {
			if r, ok := release(v); ok {
				return r[0]
			}
		} else if v, ok := strings.CutPrefix(clause, "<"); ok {
			if r, ok := release(v); ok {
				if len(r) == 1 || compare(r[1:], nil) == 0 {
					return r[0] - 1
				}
				return r[0]
			}
		}
	}
	return -1
}

// versionNote says which code answers an exact pin that is neither
// old's nor latest's ("" when it is one of them).
func versionNote(dist, version, old, latest string) string {
	switch {
	case version == old || version == latest:
		return ""
	case Major(version) < Major(latest):
		return dist + " " + version + " (the requirements file's) is answered as " + old + "'s code"
	case Major(version) > Major(latest):
		return dist + " " + version + " (the requirements file's) is newer than whycors knows: answered as " + latest + "'s code"
	}
	return dist + " " + version + " (the requirements file's) is answered as " + latest + "'s code"
}
