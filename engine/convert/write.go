package convert

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Targets lists the format names of reg that Convert writes.
func Targets(reg *policy.Registry) []string {
	var out []string
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		if _, ok := f.(Writer); ok || n == native.FormatName {
			out = append(out, n)
		}
	}
	return out
}

// render runs the checks every target shares, then target's writer (in
// a function of its own so that ToNative links only native's).
func render(p portable.Policy, from []int, to string, srcNotes []Note, target func(n *portable.Notes) (string, error)) (string, []Note, error) {
	if len(p.Rules) == 0 {
		return "", nil, &Error{Msg: "no rule is left to write: the target cannot express any rule of the source", Refused: true}
	}
	n := &portable.Notes{From: from}
	for _, s := range srcNotes {
		if s.Literal && s.Effect == Wider {
			if n.LiteralStar == nil {
				n.LiteralStar = map[int]bool{}
			}
			n.LiteralStar[s.Rule] = true
		}
	}
	var out string
	err := p.Validate()
	if err == nil {
		out, err = target(n)
	}
	var refusal *portable.Refusal
	var ce *Error
	switch {
	case err == nil:
	case errors.As(err, &refusal):
		err = &Error{Msg: refusal.Msg, Refused: true}
	case !errors.As(err, &ce):
		// The target's own writer or validation refuses the result
		// (Azure's five rules, R2's limits, nginx's one location per
		// path): the source is fine, the target cannot hold it.
		err = &Error{Msg: to + " refuses the converted policy: " + ruleWords(err.Error()), Refused: true, written: true}
	}
	return out, n.List(), err
}

// ruleWords words a target's validation of the converted policy for the
// user, whose policy has neither its JSON paths nor its field names:
// "rules[0].paths: empty" is "rule 1 paths: empty", as the notes number
// rules from 1 (tried as a new user would, "rules[0].allow_headers" named
// nothing in an S3 bucket's configuration).
func ruleWords(msg string) string {
	const open = "rules["
	var b strings.Builder
	for {
		i := strings.Index(msg, open)
		if i < 0 {
			break
		}
		rest := msg[i+len(open):]
		j := strings.IndexByte(rest, ']')
		n, err := 0, error(nil)
		if j >= 0 {
			n, err = strconv.Atoi(rest[:j])
		}
		if j < 0 || err != nil {
			b.WriteString(msg[:i+len(open)])
			msg = rest
			continue
		}
		b.WriteString(msg[:i])
		b.WriteString("rule " + strconv.Itoa(n+1))
		msg = rest[j+1:]
		if strings.HasPrefix(msg, ".") {
			msg = " " + msg[1:]
		}
	}
	b.WriteString(msg)
	return b.String()
}
