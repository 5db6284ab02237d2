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
// texts again.) The list holds at most a few dozen texts, since the
// search is bounded by maxFixRuns, so it is searched, not hashed: a map
// hashed the whole text at each lookup, and its first entry cost it a
// group.
type reads struct {
	formats *policy.Registry
	base    func(f policy.Format, text string) (policy.Evaluator, error)
	texts   []readText
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

// readText is what one format's reading of one text gave: its evaluator
// (parse, when parsed) and its rules (read, when read).
type readText struct {
	key          readKey
	parsed, read bool
	ev           policy.Evaluator
	evErr        error
	src          *convert.Source
	srcErr       error
}

// find is the entry of key, or nil.
func (r *reads) find(key readKey) *readText {
	for i := range r.texts {
		if t := &r.texts[i]; t.key == key {
			return t
		}
	}
	return nil
}

// entry is the entry of key, made when there is none. (Not held across
// a call that may add one: an append may move the list.)
func (r *reads) entry(key readKey) *readText {
	if t := r.find(key); t != nil {
		return t
	}
	r.texts = append(r.texts, readText{key: key})
	return &r.texts[len(r.texts)-1]
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
	if t := r.find(key); t != nil && t.parsed {
		return t.ev, t.evErr
	}
	ev, err := r.base(f, text)
	t := r.entry(key)
	t.ev, t.evErr, t.parsed = ev, err, true
	return ev, err
}

// read is convert.Read(text, format), once per format and text. A
// format that can state the rules of its own evaluator (convert.Stater)
// states them from parse's reading, so the text is read once.
func (r *reads) read(format, text string) (*convert.Source, error) {
	key := readKey{format, text}
	if t := r.find(key); t != nil && t.read {
		return t.src, t.srcErr
	}
	src, err := r.state(format, text)
	if src == nil && err == nil {
		src, err = convert.Read(r.formats, text, format)
	}
	t := r.entry(key)
	t.src, t.srcErr, t.read = src, err, true
	return src, err
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
