package netlify

import (
	"regexp"
	"sort"
	"strings"
)

// jsSpace is JavaScript's white space and line terminators (String.prototype.trim, \s).
func jsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func jsTrim(s string) string { return strings.TrimFunc(s, jsSpace) }

// joinCommas writes the commas of a value as ", ", with the white space
// around each comma removed (the parser's normalizeMultipleValues).
func joinCommas(v string) string {
	if !strings.Contains(v, ",") {
		return v
	}
	parts := strings.Split(v, ",")
	for i := range parts {
		if i > 0 {
			parts[i] = strings.TrimLeftFunc(parts[i], jsSpace)
		}
		if i < len(parts)-1 {
			parts[i] = strings.TrimRightFunc(parts[i], jsSpace)
		}
	}
	return strings.Join(parts, ", ")
}

// pattern is a rule's path as a regular expression (the parser's
// getForRegExp): case-insensitive, an optional trailing slash, :name one
// segment, * alone any rest (the slash before it optional), * within a
// segment any characters.
type pattern struct{ re *regexp.Regexp }

// compile returns the path's pattern, or ok false when a segment with *
// is not a valid regular expression.
func compile(path string) (*pattern, bool) {
	var parts []string
	for _, p := range strings.Split(path, "/") {
		p = strings.TrimRightFunc(p, jsSpace)
		if p == "" {
			continue
		}
		switch {
		case strings.HasPrefix(p, ":"):
			parts = append(parts, "([^/]+)")
		case p == "*":
			parts = append(parts, "?(.*)")
		case strings.Contains(p, "*"):
			if strings.ContainsAny(p, "{}]\\") {
				return nil, false // a lone bracket or escape: JavaScript's u flag refuses them
			}
			parts = append(parts, strings.ReplaceAll(p, "*", "(.*)"))
		default:
			parts = append(parts, regexp.QuoteMeta(p))
		}
	}
	re, err := regexp.Compile(`(?i)^/` + strings.Join(parts, "/") + `/?$`)
	if err != nil {
		return nil, false
	}
	return &pattern{re}, true
}

func (p *pattern) match(path string) bool { return p != nil && p.re.MatchString(path) }

// key is what makes two rules identical for the parser's removeDuplicates.
func (r Rule) key() string {
	vs := make([]string, len(r.Values))
	for i, h := range r.Values {
		vs[i] = h.Name + "\x00" + h.Value
	}
	sort.Strings(vs)
	return r.For + "\x01" + strings.Join(vs, "\x01")
}

// dedupe keeps the last of identical rules, in order.
func dedupe(rs []Rule) []Rule {
	seen := map[string]bool{}
	var out []Rule
	for i := len(rs) - 1; i >= 0; i-- {
		k := rs[i].key()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, rs[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// setValue is the parser's mapObj over the values: the name trimmed, a
// later name equal once trimmed replacing the earlier's value in place.
func setValue(vs []Header, h Header) []Header {
	for i := range vs {
		if vs[i].Name == h.Name {
			vs[i].Value, vs[i].Line, vs[i].Column = h.Value, h.Line, h.Column
			return vs
		}
	}
	return append(vs, h)
}

// Matches reports whether the rule's path matches a request path, as
// the parser's forRegExp does.
func (r Rule) Matches(path string) bool { return r.re.match(path) }
