package advise

import (
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// reads remembers, for one Advise call, what each policy text it meets
// read as: its evaluator (handed to explain as Options.Parse) and its rules
// (convert.Read, which lint reads too). A fix search tries a few texts
// and runs each in several browsers and checks; each is read once. (A
// profile of the S3 fix search spent 17% of its time reading the same
// texts again.) The lists hold at most a few dozen texts, since the
// search is bounded by maxFixRuns, so they are searched, not hashed: a
// map hashed the whole text at each lookup, and its first entry cost
// it a group.
type reads struct {
	formats *policy.Registry
	base    func(f policy.Format, text string) (policy.Evaluator, error)
	evals   []parsed
	rules   []readRules
	// last is the format lookup looked up last: a search asks for its
	// policy's format at every step, and Registry.Lookup walks every
	// format's name.
	last struct {
		name string
		f    policy.Format
		ok   bool
	}
}

// lookup is r.formats.Lookup(name).
func (r *reads) lookup(name string) (policy.Format, bool) {
	if l := &r.last; l.f == nil || l.name != name {
		l.f, l.ok = r.formats.Lookup(name)
		l.name = name
	}
	return r.last.f, r.last.ok
}

// readKey is a format's name and a text (a struct, so a lookup copies no
// text).
type readKey struct{ format, text string }

type parsed struct {
	key readKey
	ev  policy.Evaluator
	err error
}

type readRules struct {
	key readKey
	src *convert.Source
	err error
}

// newReads reads with o's formats and o's Parse (explain's, which hands
// back what the verdict already read).
func newReads(o explain.Options) *reads {
	base := o.Parse
	if base == nil {
		base = policy.Format.Parse
	}
	return &reads{formats: o.Formats, base: base}
}

// options are o reading through r.
func (r *reads) options(o explain.Options) explain.Options {
	o.Parse = r.parse
	return o
}

// parse is f.Parse(text), once per format and text.
func (r *reads) parse(f policy.Format, text string) (policy.Evaluator, error) {
	key := readKey{f.Name(), text}
	for i := range r.evals {
		if p := &r.evals[i]; p.key == key {
			return p.ev, p.err
		}
	}
	p := parsed{key: key}
	p.ev, p.err = r.base(f, text)
	r.evals = append(r.evals, p)
	return p.ev, p.err
}

// read is convert.Read(text, format), once per format and text. A
// format that can state the rules of its own evaluator (convert.Stater)
// states them from parse's reading, so the text is read once.
func (r *reads) read(format, text string) (*convert.Source, error) {
	key := readKey{format, text}
	for i := range r.rules {
		if p := &r.rules[i]; p.key == key {
			return p.src, p.err
		}
	}
	p := readRules{key: key}
	p.src, p.err = r.state(format, text)
	if p.src == nil && p.err == nil {
		p.src, p.err = convert.Read(r.formats, text, format)
	}
	r.rules = append(r.rules, p)
	return p.src, p.err
}

// state is the rules of parse's evaluator for text, when format states
// them (convert.Stater); nil, nil when it does not or cannot.
func (r *reads) state(format, text string) (*convert.Source, error) {
	f, ok := r.lookup(format)
	st, isStater := f.(convert.Stater)
	if !ok || !isStater || len(text) > convert.MaxText {
		return nil, nil
	}
	ev, err := r.parse(f, text)
	if err != nil {
		// A text the platform refuses may still have rules for lint to
		// read (S3's Rejects): ReadRules says.
		return nil, nil
	}
	if cfg, ok := st.StateRules(ev, text); ok {
		return cfg, nil
	}
	return nil, nil
}

// lint is lint.Lint(text, format) on what read read, with all its
// findings (lint.Read) or its errors alone (lint.Errors).
func (r *reads) lint(format, text string, findings func(policy.Format, string, *convert.Source, error) []lint.Finding) ([]lint.Finding, bool) {
	f, ok := r.lookup(format)
	if !ok {
		return nil, false
	}
	src, err := r.read(format, text)
	return findings(f, text, src, err), true
}
