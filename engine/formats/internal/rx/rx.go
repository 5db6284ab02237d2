// Package rx matches the small subset of regular expressions people write
// in CORS configs (nginx `map`/`if` patterns, JavaScript RegExp literals in
// Express `cors()` options), such as ^https?://(www\.)?example\.com$.
//
// The engine may not import regexp (every import costs bytes in the wasm
// page), and PCRE and JavaScript differ from RE2 anyway, so this package
// implements only what both PCRE and ECMAScript agree on and rejects the
// rest with the offset of the construct, instead of guessing:
//
//	literals and escaped punctuation (\. \/ \- ...), . ^ $
//	\d \w \s \D \W \S, [classes] with ranges and negation
//	groups ( ) and (?: ), alternation |
//	lookahead (?= ) and (?! ), which both read alike (nginx configurations
//	write location ~ /\.(?!well-known) to hide dotfiles but one)
//	quantifiers ? * + {n} {n,} {n,m} (greedy or lazy: a yes/no match does not care)
//
// Matching is a search, as PCRE's and RegExp.prototype.test are: the
// pattern may match anywhere unless anchored. Both inputs are bytes;
// serialized origins are ASCII (hosts are in punycode).
package rx

import (
	"strconv"
	"strings"
)

// Bounds on what is compiled and matched, so that no input can make the
// backtracking matcher run for long.
const (
	MaxPattern = 1024   // bytes of pattern
	MaxInput   = 4096   // bytes of subject
	maxDepth   = 32     // nested groups
	maxRepeat  = 100    // n and m in {n,m}
	maxSteps   = 200000 // backtracking steps per match
)

// Error is a pattern this package cannot compile, with the byte offset of
// the construct in the pattern.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return "offset " + strconv.Itoa(e.Offset) + ": " + e.Msg }

type kind uint8

const (
	kChar kind = iota // one byte from set
	kBegin
	kEnd
	kGroup
	kLook // lookahead: alts must match (neg: must not) at the position
)

type set [4]uint64

func (s *set) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *set) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *set) addRange(a, b byte) {
	for c := int(a); c <= int(b); c++ {
		s.add(byte(c))
	}
}
func (s *set) union(t set) {
	for i := range s {
		s[i] |= t[i]
	}
}
func (s *set) negate() {
	for i := range s {
		s[i] = ^s[i]
	}
}

type node struct {
	kind     kind
	set      set
	alts     [][]node
	min, max int // max < 0: unbounded
	neg      bool
}

// Regexp is a compiled pattern.
type Regexp struct {
	prog []node
	src  string
}

// String returns the source pattern.
func (re *Regexp) String() string { return re.src }

// Compile compiles pattern; fold makes it case-insensitive (nginx `~*`,
// JavaScript flag i).
func Compile(pattern string, fold bool) (*Regexp, error) {
	if len(pattern) > MaxPattern {
		return nil, &Error{MaxPattern, "pattern longer than " + strconv.Itoa(MaxPattern) + " bytes"}
	}
	p := &parser{s: pattern, fold: fold}
	alts, err := p.alternation(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.s) {
		return nil, &Error{p.i, "unmatched )"}
	}
	return &Regexp{prog: []node{{kind: kGroup, alts: alts, min: 1, max: 1}}, src: pattern}, nil
}

type parser struct {
	s    string
	i    int
	fold bool
}

func (p *parser) alternation(depth int) ([][]node, error) {
	if depth > maxDepth {
		return nil, &Error{p.i, "groups nested too deeply"}
	}
	var alts [][]node
	for {
		seq, err := p.sequence(depth)
		if err != nil {
			return nil, err
		}
		alts = append(alts, seq)
		if p.i < len(p.s) && p.s[p.i] == '|' {
			p.i++
			continue
		}
		return alts, nil
	}
}

func (p *parser) sequence(depth int) ([]node, error) {
	var seq []node
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '|' || c == ')' {
			break
		}
		start := p.i
		var n node
		switch c {
		case '^':
			p.i++
			seq = append(seq, node{kind: kBegin})
			continue
		case '$':
			p.i++
			seq = append(seq, node{kind: kEnd})
			continue
		case '(':
			p.i++
			look, neg := false, false
			if p.i < len(p.s) && p.s[p.i] == '?' {
				switch {
				case p.i+1 < len(p.s) && p.s[p.i+1] == ':':
				case p.i+1 < len(p.s) && (p.s[p.i+1] == '=' || p.s[p.i+1] == '!'):
					look, neg = true, p.s[p.i+1] == '!'
				default:
					return nil, &Error{start, "lookbehind, named groups and inline flags are not supported"}
				}
				p.i += 2
			}
			alts, err := p.alternation(depth + 1)
			if err != nil {
				return nil, err
			}
			if p.i >= len(p.s) || p.s[p.i] != ')' {
				return nil, &Error{start, "unclosed ("}
			}
			p.i++
			if look {
				if p.i < len(p.s) && strings.IndexByte("*+?{", p.s[p.i]) >= 0 {
					return nil, &Error{p.i, "a quantifier after a lookahead is not supported"}
				}
				seq = append(seq, node{kind: kLook, alts: alts, neg: neg})
				continue
			}
			n = node{kind: kGroup, alts: alts}
		case '[':
			s, err := p.class()
			if err != nil {
				return nil, err
			}
			n = node{kind: kChar, set: s}
		case '.':
			p.i++
			n = node{kind: kChar}
			n.set.negate()
			// '.' matches anything but line terminators in both PCRE and JS.
			n.set[0] &^= 1<<'\n' | 1<<'\r'
		case '\\':
			s, err := p.escape(false)
			if err != nil {
				return nil, err
			}
			n = node{kind: kChar, set: s}
		case '*', '+', '?', '{':
			return nil, &Error{start, "quantifier " + strconv.Quote(string(c)) + " with nothing to repeat"}
		case ']', '}':
			// Literal in JavaScript's legacy mode but an error in some
			// engines: reject rather than guess.
			return nil, &Error{start, "unescaped " + string(c)}
		default:
			p.i++
			n = node{kind: kChar}
			p.addLit(&n.set, c)
		}
		n.min, n.max = 1, 1
		if err := p.quantifier(&n); err != nil {
			return nil, err
		}
		seq = append(seq, n)
	}
	return seq, nil
}

func (p *parser) addLit(s *set, c byte) {
	s.add(c)
	if p.fold {
		switch {
		case 'a' <= c && c <= 'z':
			s.add(c - 32)
		case 'A' <= c && c <= 'Z':
			s.add(c + 32)
		}
	}
}

func (p *parser) quantifier(n *node) error {
	if p.i >= len(p.s) {
		return nil
	}
	start := p.i
	switch p.s[p.i] {
	case '?':
		n.min, n.max = 0, 1
	case '*':
		n.min, n.max = 0, -1
	case '+':
		n.min, n.max = 1, -1
	case '{':
		j := p.i + 1
		lo, j2 := digits(p.s, j)
		if j2 == j {
			return &Error{start, "{ must start a {n,m} repetition; escape it as \\{"}
		}
		hi := lo
		j = j2
		if j < len(p.s) && p.s[j] == ',' {
			j++
			var j3 int
			hi, j3 = digits(p.s, j)
			if j3 == j {
				hi = -1
			}
			j = j3
		}
		if j >= len(p.s) || p.s[j] != '}' {
			return &Error{start, "unclosed {n,m} repetition"}
		}
		if lo > maxRepeat || hi > maxRepeat || (hi >= 0 && hi < lo) {
			return &Error{start, "repetition count out of range (at most " + strconv.Itoa(maxRepeat) + ")"}
		}
		n.min, n.max = lo, hi
		p.i = j
	default:
		return nil
	}
	p.i++
	if p.i < len(p.s) && p.s[p.i] == '?' { // lazy: same yes/no answer
		p.i++
	}
	if p.i < len(p.s) && (p.s[p.i] == '*' || p.s[p.i] == '+' || p.s[p.i] == '?' || p.s[p.i] == '{') {
		return &Error{p.i, "possessive or doubled quantifier is not supported"}
	}
	return nil
}

func digits(s string, i int) (int, int) {
	n := 0
	j := i
	for j < len(s) && '0' <= s[j] && s[j] <= '9' && j-i < 4 {
		n = n*10 + int(s[j]-'0')
		j++
	}
	return n, j
}

func (p *parser) escape(inClass bool) (set, error) {
	var s set
	start := p.i
	p.i++ // backslash
	if p.i >= len(p.s) {
		return s, &Error{start, "trailing backslash"}
	}
	c := p.s[p.i]
	p.i++
	switch c {
	case 'd', 'D':
		s.addRange('0', '9')
	case 'w', 'W':
		s.addRange('0', '9')
		s.addRange('a', 'z')
		s.addRange('A', 'Z')
		s.add('_')
	case 's', 'S':
		for _, b := range []byte(" \t\n\r\f\v") {
			s.add(b)
		}
	case 'n':
		s.add('\n')
	case 't':
		s.add('\t')
	case 'r':
		s.add('\r')
	default:
		isPunct := c < 0x80 && !('0' <= c && c <= '9') && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z')
		if !isPunct {
			// \b, \1, \x41, \u0041, \p{..}: assertions, backreferences and
			// code escapes differ between PCRE and JS or need more than bytes.
			return s, &Error{start, "escape \\" + string(c) + " is not supported"}
		}
		p.addLit(&s, c)
		return s, nil
	}
	if c == 'D' || c == 'W' || c == 'S' {
		if inClass {
			return s, &Error{start, "negated class escape inside [ ] is not supported"}
		}
		s.negate()
	}
	return s, nil
}

func (p *parser) class() (set, error) {
	var s set
	start := p.i
	p.i++ // [
	neg := false
	if p.i < len(p.s) && p.s[p.i] == '^' {
		neg = true
		p.i++
	}
	first := true
	for {
		if p.i >= len(p.s) {
			return s, &Error{start, "unclosed ["}
		}
		c := p.s[p.i]
		if c == ']' && !first {
			p.i++
			break
		}
		if c == ']' {
			// "[]" is an empty class in JS and a literal ] in PCRE.
			return s, &Error{p.i, "] first in a class differs between PCRE and JavaScript; escape it"}
		}
		first = false
		if c == '[' && p.i+1 < len(p.s) && (p.s[p.i+1] == ':' || p.s[p.i+1] == '=' || p.s[p.i+1] == '.') {
			return s, &Error{p.i, "POSIX classes are not supported"}
		}
		var lo byte
		single := true
		if c == '\\' {
			es, err := p.escape(true)
			if err != nil {
				return s, err
			}
			// a lone escaped byte may start a range; a class escape may not
			n, b := count(es)
			if n != 1 {
				s.union(es)
				single = false
			} else {
				lo = b
			}
		} else {
			lo = c
			p.i++
		}
		if !single {
			continue
		}
		if p.i+1 < len(p.s) && p.s[p.i] == '-' && p.s[p.i+1] != ']' {
			p.i++
			hc := p.s[p.i]
			var hi byte
			if hc == '\\' {
				es, err := p.escape(true)
				if err != nil {
					return s, err
				}
				n, b := count(es)
				if n != 1 {
					return s, &Error{p.i, "class escape cannot end a range"}
				}
				hi = b
			} else {
				hi = hc
				p.i++
			}
			if hi < lo {
				return s, &Error{p.i - 1, "range out of order"}
			}
			for b := int(lo); b <= int(hi); b++ {
				p.addLit(&s, byte(b))
			}
			continue
		}
		p.addLit(&s, lo)
	}
	if neg {
		s.negate()
	}
	return s, nil
}

// count returns how many bytes s holds and the lowest of them; a folded
// letter holds two, which is fine for a range end only when unfolded.
func count(s set) (int, byte) {
	n := 0
	var first byte
	for c := 255; c >= 0; c-- {
		if s.has(byte(c)) {
			n++
			first = byte(c)
		}
	}
	if n == 2 && first >= 'A' && first <= 'Z' && s.has(first+32) {
		return 1, first + 32
	}
	return n, first
}

// Match reports whether the pattern matches somewhere in s. ok is false
// when s is longer than MaxInput or matching needed more than the step
// budget; the caller should then report the pattern as unsupported for
// that input rather than treat it as a mismatch.
func (re *Regexp) Match(s string) (matched, ok bool) {
	if len(s) > MaxInput {
		return false, false
	}
	m := &matcher{s: s}
	for start := 0; start <= len(s); start++ {
		if m.seq(re.prog, start, func(int) bool { return true }) {
			return true, true
		}
		if m.steps > maxSteps {
			return false, false
		}
	}
	return false, true
}

type matcher struct {
	s     string
	steps int
}

func (m *matcher) seq(nodes []node, pos int, k func(int) bool) bool {
	m.steps++
	if m.steps > maxSteps {
		return false
	}
	if len(nodes) == 0 {
		return k(pos)
	}
	n := &nodes[0]
	rest := nodes[1:]
	switch n.kind {
	case kBegin:
		return pos == 0 && m.seq(rest, pos, k)
	case kEnd:
		return pos == len(m.s) && m.seq(rest, pos, k)
	case kLook:
		// The assertion consumes nothing: its alternatives are tried at
		// pos on their own, and the rest goes on from pos.
		found := false
		for _, alt := range n.alts {
			if m.seq(alt, pos, func(int) bool { return true }) {
				found = true
				break
			}
		}
		return found != n.neg && m.seq(rest, pos, k)
	}
	return m.rep(n, rest, pos, 0, k)
}

// rep matches n greedily between n.min and n.max times, then rest.
func (m *matcher) rep(n *node, rest []node, pos, count int, k func(int) bool) bool {
	if n.max < 0 || count < n.max {
		more := m.one(n, pos, func(p int) bool {
			if p == pos && count >= n.min {
				return false // an empty iteration cannot help and would loop
			}
			return m.rep(n, rest, p, count+1, k)
		})
		if more {
			return true
		}
	}
	return count >= n.min && m.seq(rest, pos, k)
}

func (m *matcher) one(n *node, pos int, k func(int) bool) bool {
	m.steps++
	if m.steps > maxSteps {
		return false
	}
	if n.kind == kChar {
		return pos < len(m.s) && n.set.has(m.s[pos]) && k(pos+1)
	}
	for _, alt := range n.alts {
		if m.seq(alt, pos, k) {
			return true
		}
	}
	return false
}
