package convert

import (
	"errors"

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
func render(p portable.Policy, from []int, to string, target func(n *portable.Notes) (string, error)) (string, []Note, error) {
	if len(p.Rules) == 0 {
		return "", nil, &Error{Msg: "no rule is left to write: the target cannot express any rule of the source", Refused: true}
	}
	n := &portable.Notes{From: from}
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
		err = &Error{Msg: to + " refuses the converted policy: " + err.Error(), Refused: true}
	}
	return out, n.List(), err
}
