package vercel

import (
	"regexp"
	"strconv"
	"strings"
)

// A source pattern is read as @vercel/routing-utils 6.6.0 reads it:
// path-to-regexp 6.1.0's pathToRegexp with strict, sensitive and
// delimiter "/" (dist/superstatic.js sourceToRegex), whose tokens and
// regular expression are built here the same way, step for step. The
// groups a source writes in parentheses are JavaScript regular
// expressions; Go's RE2 reads the common subset, and a source beyond it
// (a lookahead, a backreference) is reported rather than guessed.

type ptoken struct {
	kind  string // MODIFIER, ESCAPED_CHAR, OPEN, CLOSE, NAME, PATTERN, CHAR, END
	index int
	value string
}

// sourceError is a fault at byte index of a source.
type sourceError struct {
	index int
	msg   string
}

func lex(s string) ([]ptoken, *sourceError) {
	var toks []ptoken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '*' || c == '+' || c == '?':
			toks = append(toks, ptoken{"MODIFIER", i, s[i : i+1]})
			i++
		case c == '\\':
			if i+1 >= len(s) {
				// JavaScript reads str[i] past the end as undefined; the
				// token then never joins the path: a trailing backslash is
				// dropped.
				toks = append(toks, ptoken{"ESCAPED_CHAR", i, ""})
				i += 2
				continue
			}
			toks = append(toks, ptoken{"ESCAPED_CHAR", i, s[i+1 : i+2]})
			i += 2
		case c == '{':
			toks = append(toks, ptoken{"OPEN", i, "{"})
			i++
		case c == '}':
			toks = append(toks, ptoken{"CLOSE", i, "}"})
			i++
		case c == ':':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z' || s[j] == '_') {
				j++
			}
			if j == i+1 {
				return nil, &sourceError{i, "missing parameter name after \":\""}
			}
			toks = append(toks, ptoken{"NAME", i, s[i+1 : j]})
			i = j
		case c == '(':
			count := 1
			var pat strings.Builder
			j := i + 1
			if j < len(s) && s[j] == '?' {
				return nil, &sourceError{j, "a pattern cannot start with \"?\""}
			}
			for j < len(s) {
				if s[j] == '\\' {
					pat.WriteByte('\\')
					if j+1 < len(s) {
						pat.WriteByte(s[j+1])
					}
					j += 2
					continue
				}
				if s[j] == ')' {
					count--
					if count == 0 {
						j++
						break
					}
				} else if s[j] == '(' {
					count++
					if j+1 >= len(s) || s[j+1] != '?' {
						return nil, &sourceError{j, "capturing groups are not allowed inside a pattern (write (?:...))"}
					}
				}
				pat.WriteByte(s[j])
				j++
			}
			if count != 0 {
				return nil, &sourceError{i, "unbalanced pattern: a \"(\" is not closed"}
			}
			if pat.Len() == 0 {
				return nil, &sourceError{i, "missing pattern in \"()\""}
			}
			toks = append(toks, ptoken{"PATTERN", i, pat.String()})
			i = j
		default:
			toks = append(toks, ptoken{"CHAR", i, s[i : i+1]})
			i++
		}
	}
	return append(toks, ptoken{"END", i, ""}), nil
}

// key is a parameter of the source.
type key struct {
	name                    string
	prefix, suffix, pattern string
	modifier                string
}

// part is a literal (lit) or a parameter.
type part struct {
	lit   string
	isKey bool
	key   key
}

const defaultPattern = `[^\/]+?`

func parse(s string) ([]part, *sourceError) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	var out []part
	n := 0
	i := 0
	path := ""
	try := func(kind string) (string, bool) {
		if i < len(toks) && toks[i].kind == kind {
			i++
			return toks[i-1].value, true
		}
		return "", false
	}
	text := func() string {
		r := ""
		for {
			if v, ok := try("CHAR"); ok {
				r += v
				continue
			}
			// JavaScript's || skips an ESCAPED_CHAR whose value is "".
			if v, ok := try("ESCAPED_CHAR"); ok && v != "" {
				r += v
				continue
			}
			return r
		}
	}
	for i < len(toks) {
		char, _ := try("CHAR")
		name, hasName := try("NAME")
		pat, hasPat := try("PATTERN")
		if hasName || hasPat {
			prefix := char
			if !strings.Contains("./", prefix) || prefix == "" {
				path += prefix
				prefix = ""
			}
			if path != "" {
				out = append(out, part{lit: path})
				path = ""
			}
			k := key{name: name, prefix: prefix, pattern: pat}
			if !hasName {
				k.name = strconv.Itoa(n)
				n++
			}
			if !hasPat {
				k.pattern = defaultPattern
			}
			k.modifier, _ = try("MODIFIER")
			out = append(out, part{isKey: true, key: k})
			continue
		}
		v := char
		if v == "" {
			v, _ = try("ESCAPED_CHAR")
		}
		if v != "" {
			path += v
			continue
		}
		if path != "" {
			out = append(out, part{lit: path})
			path = ""
		}
		if _, ok := try("OPEN"); ok {
			prefix := text()
			name, _ := try("NAME")
			pat, _ := try("PATTERN")
			suffix := text()
			if _, ok := try("CLOSE"); !ok {
				return nil, &sourceError{toks[i].index, "unexpected " + describe(toks[i]) + ", expected \"}\""}
			}
			k := key{name: name, pattern: pat, prefix: prefix, suffix: suffix}
			switch {
			case name != "" && pat == "":
				k.pattern = defaultPattern
			case name == "" && pat != "":
				k.name = strconv.Itoa(n)
				n++
			}
			k.modifier, _ = try("MODIFIER")
			out = append(out, part{isKey: true, key: k})
			continue
		}
		if _, ok := try("END"); !ok {
			return nil, &sourceError{toks[i].index, "unexpected " + describe(toks[i]) + " (escape it with \\\\ or put it after a parameter)"}
		}
	}
	return out, nil
}

func describe(t ptoken) string {
	switch t.kind {
	case "MODIFIER":
		return "\"" + t.value + "\""
	case "CLOSE":
		return "\"}\""
	case "OPEN":
		return "\"{\""
	case "END":
		return "end of the source"
	}
	return strings.ToLower(t.kind)
}

// escape is path-to-regexp's escapeString.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(".+*?=^!:${}()[]|/\\", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// toRegexp is tokensToRegexp with strict and end: anchored at both ends,
// no optional trailing slash.
func toRegexp(parts []part) string {
	route := "^"
	for _, p := range parts {
		if !p.isKey {
			route += escape(p.lit)
			continue
		}
		k := p.key
		prefix, suffix := escape(k.prefix), escape(k.suffix)
		switch {
		case k.pattern == "":
			route += "(?:" + prefix + suffix + ")" + k.modifier
		case prefix != "" || suffix != "":
			if k.modifier == "+" || k.modifier == "*" {
				mod := ""
				if k.modifier == "*" {
					mod = "?"
				}
				route += "(?:" + prefix + "((?:" + k.pattern + ")(?:" + suffix + prefix + "(?:" + k.pattern + "))*)" + suffix + ")" + mod
			} else {
				route += "(?:" + prefix + "(" + k.pattern + ")" + suffix + ")" + k.modifier
			}
		default:
			route += "(" + k.pattern + ")" + k.modifier
		}
	}
	return route + "$"
}

// compileSource turns a source into its route regular expression (the
// src @vercel/routing-utils writes) and compiles it.
func compileSource(s string) (string, *regexp.Regexp, *sourceError) {
	parts, err := parse(s)
	if err != nil {
		return "", nil, err
	}
	src := toRegexp(parts)
	re, cerr := regexp.Compile(src)
	if cerr != nil {
		return src, nil, &sourceError{0, "the source's regular expression " + src + " is beyond what this reader models (Go's RE2 refuses it: " + cerr.Error() + ")"}
	}
	return src, re, nil
}
