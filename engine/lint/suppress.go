package lint

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// Inline suppressions: a finding the user has judged and accepts is
// marked in the configuration itself, with the reason, next to what it is
// about:
//
//   - in a text with comments (nginx, JavaScript, YAML, HCL): a comment
//     "whycors:ignore CODE reason..." after "#" or "//"; it covers CODE
//     on its own line (a comment after the directive) or, alone on its
//     line, on the next line that is not blank or a comment;
//   - in JSON: a member "whycors:ignore" of the object the finding is in
//     (or an object around it): {"CODE": "reason", ...}. Lint reads the
//     text with the member blanked out, so the platform's reader never
//     sees it; the platform's own upload does, so keep such a file for
//     lint, or use a baseline (whycors lint --baseline).
//
// A suppression without a reason, or naming no known code, suppresses
// nothing and is itself a finding (suppression-invalid); one that covers
// no finding is reported too (suppression-unused), so they do not
// outlive what they were written for.

// suppressKey is the directive, in a comment or as a JSON key.
const suppressKey = "whycors:ignore"

// suppression is one directive: the code it covers and where.
type suppression struct {
	code, reason string
	at           Finding // where it is written (Line, Column, Path)
	line         int     // comment form: the line it covers
	scope        string  // JSON form: the path of the object it covers
	used         bool
}

// suppressions finds the directives of text and returns the text lint
// should read (JSON: with each directive member blanked, positions kept)
// and the directives, the invalid ones already reported as findings.
func suppressions(text string) (string, []*suppression, []Finding) {
	if !strings.Contains(text, suppressKey) {
		return text, nil, nil
	}
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return jsonSuppressions(text)
	}
	return text, commentSuppressions(text), nil
}

// commentSuppressions reads "whycors:ignore CODE reason" comments.
func commentSuppressions(text string) []*suppression {
	lines := strings.Split(text, "\n")
	var out []*suppression
	for i, l := range lines {
		k := strings.Index(l, suppressKey)
		if k < 0 {
			continue
		}
		before := strings.TrimRight(l[:k], " \t")
		var code string
		switch {
		case strings.HasSuffix(before, "#"):
			code = strings.TrimSpace(strings.TrimSuffix(before, "#"))
		case strings.HasSuffix(before, "//"):
			code = strings.TrimSpace(strings.TrimSuffix(before, "//"))
		default:
			continue // the word in a value, not a comment
		}
		s := &suppression{at: Finding{Line: i + 1, Column: k + 1}, line: i + 1}
		s.code, s.reason, _ = strings.Cut(strings.TrimSpace(l[k+len(suppressKey):]), " ")
		s.reason = strings.TrimSpace(s.reason)
		if code == "" {
			// Alone on its line: it covers the next line of text.
			for j := i + 1; j < len(lines); j++ {
				n := strings.TrimSpace(lines[j])
				if n != "" && !strings.HasPrefix(n, "#") && !strings.HasPrefix(n, "//") {
					s.line = j + 1
					break
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// jsonSuppressions reads "whycors:ignore" members and blanks them.
func jsonSuppressions(text string) (string, []*suppression, []Finding) {
	root, err := jsontext.ParseString(text, jsontext.MaxDepth)
	if err != nil {
		return text, nil, nil // the reader reports the syntax error
	}
	b := []byte(text)
	var out []*suppression
	var bad []Finding
	var walk func(v *jsontext.Value, path string)
	walk = func(v *jsontext.Value, path string) {
		for i, it := range v.Items {
			walk(it, jsontext.Index(path, i))
		}
		for i, k := range v.Keys {
			if k != suppressKey {
				walk(v.Fields[i], jsontext.Key(path, k))
				continue
			}
			val := v.Fields[i]
			at := Finding{Path: jsontext.Key(path, k)}
			at.Line, at.Column = policy.LineCol(text, int(val.Off))
			if !blankMember(b, int(val.Off)) {
				bad = append(bad, Finding{Severity: Warning, Code: "suppression-invalid", Message: `the "` + suppressKey + `" key could not be read out of the text (write it plainly, without escapes)`, Path: at.Path, Line: at.Line, Column: at.Column})
				continue
			}
			switch val.Kind {
			case jsontext.Object:
				for j, code := range val.Keys {
					reason := ""
					if val.Fields[j].Kind == jsontext.String {
						reason = val.Fields[j].Str
					}
					out = append(out, &suppression{code: code, reason: strings.TrimSpace(reason), at: at, scope: path})
				}
			case jsontext.String:
				s := &suppression{at: at, scope: path}
				s.code, s.reason, _ = strings.Cut(strings.TrimSpace(val.Str), " ")
				s.reason = strings.TrimSpace(s.reason)
				out = append(out, s)
			default:
				bad = append(bad, Finding{Severity: Warning, Code: "suppression-invalid", Message: `want {"CODE": "reason"} or "CODE reason"`, Path: at.Path, Line: at.Line, Column: at.Column})
			}
		}
	}
	walk(root, "$")
	return string(b), out, bad
}

// blankMember replaces the member whose value starts at off (its key, the
// colon, the value and one comma beside it) with spaces, keeping line
// breaks, so that every other value keeps its line and column. It
// reports false when the key is not written plainly before the value.
func blankMember(b []byte, off int) bool {
	end, ok := skipValue(b, off)
	if !ok {
		return false
	}
	i := off - 1
	for i >= 0 && isSpace(b[i]) {
		i--
	}
	if i < 0 || b[i] != ':' {
		return false
	}
	i--
	for i >= 0 && isSpace(b[i]) {
		i--
	}
	key := `"` + suppressKey + `"`
	start := i + 1 - len(key)
	if start < 0 || string(b[start:i+1]) != key {
		return false
	}
	// One comma goes too: the one after the member, else the one before.
	j := end
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j < len(b) && b[j] == ',' {
		end = j + 1
	} else {
		k := start - 1
		for k >= 0 && isSpace(b[k]) {
			k--
		}
		if k >= 0 && b[k] == ',' {
			start = k
		}
	}
	for x := start; x < end; x++ {
		if b[x] != '\n' && b[x] != '\r' {
			b[x] = ' '
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipValue returns the offset just past the JSON value starting at off
// (the text parsed already, so it is well formed).
func skipValue(b []byte, off int) (int, bool) {
	depth := 0
	for i := off; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1, i < len(b)
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
			if depth < 0 {
				return i, true
			}
		case ',':
			if depth == 0 {
				return i, true
			}
		default:
			if depth == 0 && (isSpace(c)) {
				return i, true
			}
		}
	}
	return len(b), depth == 0
}

// covers reports whether s covers finding f.
func (s *suppression) covers(f Finding) bool {
	if f.Code != s.code {
		return false
	}
	if s.scope != "" {
		return f.Path == s.scope || strings.HasPrefix(f.Path, s.scope+".") || strings.HasPrefix(f.Path, s.scope+"[") || s.scope == "$" && f.Path == ""
	}
	return f.Line == s.line
}

// applySuppressions drops the findings valid suppressions cover and adds
// findings for the invalid and unused suppressions.
// known holds the codes a directive may name (the text format's and
// lint's own).
func applySuppressions(findings []Finding, sups []*suppression, known map[string]bool) []Finding {
	var valid []*suppression
	var extra []Finding
	for _, s := range sups {
		at := s.at
		at.Severity, at.Code = Warning, "suppression-invalid"
		switch {
		case !known[s.code]:
			at.Message = strconv.Quote(s.code) + " is not a lint code of this format; write " + suppressKey + " CODE reason (whycors lint --codes lists them)"
			extra = append(extra, at)
		case s.reason == "":
			at.Message = suppressKey + " " + s.code + " has no reason: say why the finding is accepted"
			extra = append(extra, at)
		default:
			valid = append(valid, s)
		}
	}
	out := findings[:0:0]
	for _, f := range findings {
		covered := false
		for _, s := range valid {
			if s.covers(f) {
				s.used, covered = true, true
			}
		}
		if !covered {
			out = append(out, f)
		}
	}
	for _, s := range valid {
		if !s.used {
			at := s.at
			at.Severity, at.Code = Info, "suppression-unused"
			at.Message = suppressKey + " " + s.code + " covers no finding here: remove it"
			extra = append(extra, at)
		}
	}
	return append(out, extra...)
}
