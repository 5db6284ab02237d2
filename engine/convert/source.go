package convert

import (
	"strconv"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// MaxText bounds the text Read and Convert accept (limits.PolicyText; the
// platform readers bound it again).
const MaxText = limits.PolicyText

// The neutral model of a configuration as read, defined in
// engine/portable so that each format package can fill it.
type (
	// Pos is where a value is in the user's text.
	Pos = portable.Pos
	// Value is one list entry as the user wrote it, with its position.
	Value = portable.Value
	// Semantics are the platform rules a Source carries.
	Semantics = portable.Semantics
	// Rule is one rule of a configuration as its platform states it.
	Rule = portable.ConfigRule
	// Source is a configuration read from one format.
	Source = portable.Config
)

// Error is a conversion this package refuses: a format with no rules to
// read (captured replies, nginx), or a rule and field the target cannot
// express without allowing more.
type Error struct {
	Msg string
	// Refused is true when the source is fine but the target cannot
	// express it without allowing more (or at all).
	Refused bool
	// written: the target's validation refused what was written, which
	// a wider rule may cause (noWider says the rule instead).
	written bool
}

func (e *Error) Error() string { return e.Msg }

// Sources lists the format names of reg that Read and Convert accept as
// input.
func Sources(reg *policy.Registry) []string {
	var out []string
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		if _, ok := f.(Reader); ok {
			out = append(out, n)
		}
	}
	return out
}

// Read reads text in format (a name in reg, or "auto") into a Source.
// The error is a policy.Errors, positioned, when the platform's reader
// refuses the text, or an *Error when the format has no rules to read
// (raw replies, HAR, nginx).
func Read(reg *policy.Registry, text, format string) (*Source, error) {
	if len(text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	f, err := reg.Resolve(format, policy.Source{Text: text})
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	if r, ok := f.(Reader); ok {
		return r.ReadRules(text)
	}
	if n, ok := f.(NoRules); ok {
		return nil, &Error{Msg: f.Name() + ": " + n.NoRulesWhy()}
	}
	return nil, &Error{Msg: f.Name() + ": converting from this format is not supported"}
}

// ReadSource is Read of src: one text alone is Read's; several files, or
// a text with parameters or a chosen resource, need a format that reads
// them (SourceReader), and each file is bounded as Read bounds a text.
func ReadSource(reg *policy.Registry, src policy.Source, format string) (*Source, error) {
	if src.OneText() {
		return Read(reg, src.Text, format)
	}
	if len(src.Text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	for _, f := range src.Files {
		if len(f.Text) > MaxText {
			return nil, policy.Errors{{File: f.Name, Line: 1, Column: 1, Msg: "file longer than " + strconv.Itoa(MaxText) + " bytes"}}
		}
	}
	f, err := reg.Resolve(format, src)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	if r, ok := f.(SourceReader); ok {
		return r.ReadSourceRules(src)
	}
	return nil, &Error{Msg: f.Name() + " reads one text: several files, parameters and a chosen resource are read for Terraform and CloudFormation"}
}

func texts(v []Value) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.Text
	}
	return out
}
