package firebase

import (
	"regexp"
	"strconv"
	"strings"
)

// A "source" (or "glob") is matched as superstatic 9.2.0 matches it
// (lib/utils/patterns.js configMatcher): minimatch 6.2 with its default
// options against the request's path, both made absolute and normalized
// by glob-slasher (path.normalize(path.join("/", s))). Read from
// minimatch 6.2.3's dist/cjs/index.js and written here the same way:
// brace expansion ({a,b}, {1..3}), a leading "!" negating, "#" a
// comment matching nothing, segments split on runs of "/", "**" a
// globstar that crosses no segment starting with "."; in a segment "*",
// "?", [classes], the extglobs @(a|b), ?(...), *(...), +(...); a segment
// with any of those never matches an empty segment, nor one starting with
// "." unless the pattern's segment starts with "."; a path with one more
// empty segment (a trailing slash) than the pattern still matches.
// !(...) needs a lookahead that Go's regexp lacks: it is reported.

// glob is a compiled source.
type glob struct {
	negate  bool
	comment bool
	sets    [][]seg
}

// seg is one pattern segment: a globstar, a literal or a regexp.
type seg struct {
	star  bool
	lit   string
	re    *regexp.Regexp
	magic bool
	dot   bool // the segment starts with "." (may match dot files)
	never bool // an invalid class: matches nothing
}

// compileGlob reads a glob; superstatic passes a "source" through
// glob-slasher first (slash), a "glob" as written.
func compileGlob(src string) (*glob, string) {
	g := &glob{}
	if strings.HasPrefix(src, "#") {
		g.comment = true
		return g, ""
	}
	i := 0
	for i < len(src) && src[i] == '!' {
		g.negate = !g.negate
		i++
	}
	src = src[i:]
	for _, p := range braceExpand(src) {
		parts := splitSlashes(p)
		// "**/*" becomes "*/**" (minimatch's swap), repeated "**" and
		// "x/.." collapse.
		for swapped := true; swapped; {
			swapped = false
			for k := 1; k < len(parts)-1; k++ {
				if parts[k] == "*" && parts[k-1] == "**" {
					parts[k], parts[k-1] = "**", "*"
					swapped = true
				}
			}
		}
		var out []string
		for _, part := range parts {
			prev := ""
			if len(out) > 0 {
				prev = out[len(out)-1]
			}
			if part == "**" && prev == "**" {
				continue
			}
			if part == ".." && len(out) > 0 && prev != ".." && prev != "." && prev != "**" {
				out = out[:len(out)-1]
				continue
			}
			out = append(out, part)
		}
		if len(out) == 0 {
			out = []string{""}
		}
		var set []seg
		for _, part := range out {
			s, msg := compileSeg(part)
			if msg != "" {
				return nil, msg
			}
			set = append(set, s)
		}
		g.sets = append(g.sets, set)
	}
	return g, ""
}

// slash is glob-slasher: "!" kept in front, the rest made absolute and
// normalized as Node's path.normalize(path.join("/", s)).
func slash(s string) string {
	if strings.HasPrefix(s, "!") {
		return "!" + normalize(s[1:])
	}
	return normalize(s)
}

// normalize is path.normalize(path.join("/", s)) for POSIX.
func normalize(s string) string {
	trailing := strings.HasSuffix(s, "/") && s != ""
	var out []string
	for _, p := range strings.Split(s, "/") {
		switch p {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, p)
		}
	}
	r := "/" + strings.Join(out, "/")
	if trailing && r != "/" {
		r += "/"
	}
	return r
}

func splitSlashes(p string) []string {
	var out []string
	cur := strings.Builder{}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, cur.String())
			cur.Reset()
			for i+1 < len(p) && p[i+1] == '/' {
				i++
			}
			continue
		}
		cur.WriteByte(p[i])
	}
	return append(out, cur.String())
}

// braceExpand is brace-expansion 2.x for the forms sources use: {a,b}
// (nested), {1..3}, {a..c}; a brace pair without a comma or range stays.
func braceExpand(p string) []string {
	depth, start := 0, -1
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '{':
			if depth == 0 {
				start = i
			}
			depth++
		case '}':
			if depth == 0 {
				continue
			}
			depth--
			if depth != 0 {
				continue
			}
			body := p[start+1 : i]
			pre, post := p[:start], p[i+1:]
			alts := splitTop(body)
			if len(alts) < 2 {
				if r, ok := seqRange(body); ok {
					alts = r
				} else {
					// Not an expansion: keep it, expand what follows.
					var out []string
					for _, rest := range braceExpand(post) {
						for _, in := range braceExpand(body) {
							out = append(out, pre+"{"+in+"}"+rest)
						}
					}
					return out
				}
			}
			var out []string
			for _, a := range alts {
				for _, x := range braceExpand(pre + a + post) {
					out = append(out, x)
				}
			}
			return out
		}
	}
	return []string{p}
}

func splitTop(s string) []string {
	var out []string
	depth, last := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
	}
	return append(out, s[last:])
}

func seqRange(s string) ([]string, bool) {
	a, b, ok := strings.Cut(s, "..")
	if !ok || strings.Contains(b, "..") {
		return nil, false
	}
	x, e1 := strconv.Atoi(a)
	y, e2 := strconv.Atoi(b)
	if e1 == nil && e2 == nil {
		var out []string
		step := 1
		if y < x {
			step = -1
		}
		for i := x; ; i += step {
			out = append(out, strconv.Itoa(i))
			if i == y || len(out) > 1000 {
				break
			}
		}
		return out, true
	}
	if len(a) == 1 && len(b) == 1 {
		var out []string
		step := 1
		if b[0] < a[0] {
			step = -1
		}
		for c := int(a[0]); ; c += step {
			out = append(out, string(rune(c)))
			if c == int(b[0]) {
				break
			}
		}
		return out, true
	}
	return nil, false
}

// compileSeg is minimatch's parse of one segment.
func compileSeg(p string) (seg, string) {
	if p == "**" {
		return seg{star: true}, ""
	}
	if p == "" {
		return seg{lit: ""}, ""
	}
	var re strings.Builder
	magic := false
	type open struct{ kind byte }
	var stack []open
	state := byte(0)
	flush := func() {
		switch state {
		case '*':
			re.WriteString(`[^/]*?`)
			magic = true
		case '?':
			re.WriteString(`[^/]`)
			magic = true
		case 0:
		default:
			re.WriteString(regexp.QuoteMeta(string(state)))
		}
		state = 0
	}
	never := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\\':
			flush()
			if i+1 < len(p) {
				i++
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			} else {
				re.WriteString(`\\`)
			}
		case '?', '*', '+', '@', '!':
			if c == '*' && state == '*' {
				continue
			}
			flush()
			state = c
		case '(':
			if state == 0 {
				re.WriteString(`\(`)
				continue
			}
			if state == '!' {
				return seg{}, "the extglob !(...) needs a lookahead this reader does not model; write the paths it should match instead"
			}
			stack = append(stack, open{state})
			re.WriteString("(?:")
			state = 0
		case ')':
			if len(stack) == 0 {
				flush()
				re.WriteString(`\)`)
				continue
			}
			flush()
			k := stack[len(stack)-1].kind
			stack = stack[:len(stack)-1]
			magic = true
			switch k {
			case '?':
				re.WriteString(")?")
			case '+':
				re.WriteString(")+")
			case '*':
				re.WriteString(")*")
			default:
				re.WriteString(")")
			}
		case '|':
			flush()
			if len(stack) == 0 {
				re.WriteString(`\|`)
				continue
			}
			re.WriteString("|")
		case '[':
			flush()
			end := classEnd(p, i)
			if end < 0 {
				re.WriteString(`\[`)
				continue
			}
			body := p[i+1 : end]
			if strings.HasPrefix(body, "!") {
				body = "^" + body[1:]
			}
			cls := "[" + strings.ReplaceAll(body, "[", `\[`) + "]"
			if _, err := regexp.Compile(cls); err != nil {
				never = true
			} else {
				re.WriteString(cls)
			}
			magic = true
			i = end
		default:
			flush()
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	flush()
	if len(stack) > 0 {
		return seg{}, "an extglob's \"(\" is not closed"
	}
	if !magic {
		return seg{lit: unescapeGlob(p)}, ""
	}
	s := seg{magic: true, dot: strings.HasPrefix(p, "."), never: never}
	if !never {
		r, err := regexp.Compile("^(?:" + re.String() + ")$")
		if err != nil {
			return seg{}, "the segment " + strconv.Quote(p) + " is beyond what this reader models: " + err.Error()
		}
		s.re = r
	}
	return s, ""
}

// classEnd returns the index of the "]" closing the class at i, or -1.
func classEnd(p string, i int) int {
	for j := i + 1; j < len(p); j++ {
		if p[j] == '\\' {
			j++
			continue
		}
		if p[j] == ']' && j > i+1 {
			return j
		}
	}
	return -1
}

func unescapeGlob(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// test is one segment against one path segment.
func (s seg) test(f string) bool {
	if !s.magic {
		return f == s.lit
	}
	if s.never || f == "" || !s.dot && strings.HasPrefix(f, ".") {
		return false
	}
	return s.re.MatchString(f)
}

// match is Minimatch.match of a normalized path.
func (g *glob) match(path string) bool {
	if g.comment {
		return false
	}
	file := splitSlashes(path)
	for _, set := range g.sets {
		if matchSet(file, set) {
			return !g.negate
		}
	}
	return g.negate
}

func dotSeg(f string) bool { return f == "." || f == ".." || strings.HasPrefix(f, ".") }

func matchSet(file []string, pat []seg) bool {
	for _, s := range pat {
		if s.star {
			return matchGlobstar(file, pat)
		}
	}
	return matchOne(file, pat, 0)
}

// matchOne is _matchOne: pattern and file segment by segment from fi.
func matchOne(file []string, pat []seg, fi int) bool {
	pi := 0
	for ; fi < len(file) && pi < len(pat); fi, pi = fi+1, pi+1 {
		if pat[pi].star || !pat[pi].test(file[fi]) {
			return false
		}
	}
	switch {
	case fi == len(file) && pi == len(pat):
		return true
	case fi == len(file):
		return false
	case pi == len(pat):
		return fi == len(file)-1 && file[fi] == ""
	}
	return false
}

// matchGlobstar is _matchGlobstar: the head before the first "**", the
// tail after the last, and the body sections between.
func matchGlobstar(file []string, pat []seg) bool {
	first, last := -1, -1
	for i, s := range pat {
		if s.star {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	head, tail := pat[:first], pat[last+1:]
	var body []seg
	if last > first {
		body = pat[first+1 : last]
	}
	fi := 0
	if len(head) > 0 {
		n := len(head)
		if n > len(file) {
			n = len(file)
		}
		if !matchOne(file[:n], head, 0) {
			return false
		}
		fi += len(head)
	}
	tailMatch := 0
	if len(tail) > 0 {
		if len(tail)+fi > len(file) {
			return false
		}
		ts := len(file) - len(tail)
		if matchOne(file, tail, ts) {
			tailMatch = len(tail)
		} else {
			if file[len(file)-1] != "" || fi+len(tail) == len(file) {
				return false
			}
			if !matchOne(file, tail, ts-1) {
				return false
			}
			tailMatch = len(tail) + 1
		}
	}
	if len(body) == 0 {
		saw := tailMatch > 0
		for i := fi; i < len(file)-tailMatch; i++ {
			saw = true
			if dotSeg(file[i]) {
				return false
			}
		}
		return saw
	}
	type section struct {
		segs  []seg
		after int
	}
	sections := []section{{}}
	sums := []int{0}
	nonGs := 0
	for _, b := range body {
		if b.star {
			sums = append(sums, nonGs)
			sections = append(sections, section{})
			continue
		}
		sections[len(sections)-1].segs = append(sections[len(sections)-1].segs, b)
		nonGs++
	}
	idx := len(sections) - 1
	flen := len(file) - tailMatch
	for i := range sections {
		sections[i].after = flen - (sums[idx] + len(sections[i].segs))
		idx--
	}
	var walk func(fi, bi, depth int, sawTail bool) int // 1 true, 0 false, -1 null
	walk = func(fi, bi, depth int, sawTail bool) int {
		if bi >= len(sections) {
			for i := fi; i < len(file); i++ {
				sawTail = true
				if dotSeg(file[i]) {
					return 0
				}
			}
			if sawTail {
				return 1
			}
			return 0
		}
		b := sections[bi]
		for fi <= b.after {
			end := fi + len(b.segs)
			if end > len(file) {
				end = len(file)
			}
			if matchOne(file[:end], b.segs, fi) && depth < 200 {
				if sub := walk(fi+len(b.segs), bi+1, depth+1, sawTail); sub != 0 {
					return sub
				}
			}
			if fi >= len(file) || dotSeg(file[fi]) {
				return 0
			}
			fi++
		}
		return -1
	}
	return walk(fi, 0, 0, tailMatch > 0) == 1
}
