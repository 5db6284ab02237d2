package pylit

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/rx"
	"github.com/whycors/whycors/engine/policy"
)

// Strs is a value a library treats as a sequence of str: a list, tuple
// or set of str, or a str itself, which Python iterates character by
// character and searches as a substring ("GE" in "GET" is True). The
// libraries take whatever they are given, so a str where a list was meant
// works as Python makes it work.
type Strs struct {
	IsStr bool
	S     string
	Items []string
	// Set: the value is a set, whose order of iteration Python does not
	// keep (str hashes change at each run).
	Set bool
}

// AsStrs reads v as a sequence of str; the error is at the first item
// that is not a str, or at v.
func AsStrs(v Value, path string) (Strs, *policy.Error) {
	switch {
	case v.Kind == Str:
		return Strs{IsStr: true, S: v.S}, nil
	case v.Seq():
		items, bad := v.Strings()
		if bad != nil {
			if bad.Kind == Invalid {
				return Strs{}, bad.Error(path, bad.S)
			}
			return Strs{}, bad.Error(path, "a "+bad.Kind.String()+" where a str is expected")
		}
		return Strs{Items: items, Set: v.Kind == Set}, nil
	case v.Kind == Invalid:
		return Strs{}, v.Error(path, v.S)
	case v.Kind == Name:
		return Strs{}, v.Error(path, v.S+" is not bound in this text")
	}
	return Strs{}, v.Error(path, "a "+v.Kind.String()+" where a sequence of str is expected")
}

// Contains is Python's "x in s".
func (s Strs) Contains(x string) bool {
	if s.IsStr {
		return strings.Contains(s.S, x)
	}
	for _, it := range s.Items {
		if it == x {
			return true
		}
	}
	return false
}

// Elems are the items Python iterates.
func (s Strs) Elems() []string {
	if !s.IsStr {
		return s.Items
	}
	var out []string
	for _, r := range s.S {
		out = append(out, string(r))
	}
	return out
}

// Join is Python's sep.join(s).
func (s Strs) Join(sep string) string { return strings.Join(s.Elems(), sep) }

// Len is Python's len(s).
func (s Strs) Len() int { return len(s.Elems()) }

// Regexp is a Python pattern compiled for re.match (anchored at the
// start) or re.fullmatch, with what the shared matcher (rx) supports:
// the constructs Python's re, PCRE and JavaScript agree on.
type Regexp struct {
	Source string
	re     *rx.Regexp
}

// Compile compiles the str (or re.compile'd str) v; full is fullmatch
// rather than match; fold is re.IGNORECASE. The error is positioned in v
// as well as the text allows (exactly for a raw string without
// concatenation).
func Compile(v Value, path string, full, fold bool) (*Regexp, *policy.Error) {
	if v.Kind != Str {
		if v.Kind == Invalid {
			return nil, v.Error(path, v.S)
		}
		return nil, v.Error(path, "a regular expression must be a str, not a "+v.Kind.String())
	}
	pre := "^(?:"
	pat := pre + v.S + ")"
	if full {
		pat += "$"
	}
	re, err := rx.Compile(pat, fold)
	if err != nil {
		e := err.(*rx.Error)
		off := e.Offset - len(pre)
		if off < 0 {
			off = 0
		}
		// The pattern's first character is one column after the quote,
		// and the r of a raw string (re.compile( or a u prefix shift it
		// further).
		col := v.Col + 1 + off
		if v.Raw {
			col++
		}
		return nil, &policy.Error{Line: v.Line, Column: col, Path: path, Msg: "unsupported regular expression: " + e.Msg}
	}
	return &Regexp{Source: v.S, re: re}, nil
}

// Anchored states pattern as the regular expression it is matched as:
// anchored at the start (re.match), and at the end too when full
// (re.fullmatch). A pattern without a top-level | needs no group, so it
// is written "^" + pattern (its own ^ and $ kept, once): its anchors
// and suffix stay where lint reads them; one with a top-level | is
// grouped, "^(?:a|b)".
func Anchored(pattern string, full bool) string {
	body := strings.TrimPrefix(pattern, "^")
	if topLevelAlt(body) {
		if full {
			return "^(?:" + body + ")$"
		}
		return "^(?:" + body + ")"
	}
	if full && !endAnchored(body) {
		body += "$"
	}
	return "^" + body
}

// topLevelAlt reports a | outside every group and character class.
func topLevelAlt(re string) bool {
	depth, class := 0, false
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
			if i+1 < len(re) && re[i+1] == '^' {
				i++
			}
			if i+1 < len(re) && re[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			return true
		}
	}
	return false
}

// endAnchored reports a final $ that is not escaped.
func endAnchored(re string) bool {
	n := 0
	for i := len(re) - 2; i >= 0 && re[i] == '\\'; i-- {
		n++
	}
	return strings.HasSuffix(re, "$") && n%2 == 0
}

// Match reports whether the pattern matches s (re.match or re.fullmatch,
// as compiled). A subject or pattern too costly for the matcher does not
// match.
func (r *Regexp) Match(s string) bool {
	ok, _ := r.re.Match(s)
	return ok
}
