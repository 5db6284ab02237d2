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
// texts again.) The maps hold at most a few dozen texts: the search is
// bounded by maxFixRuns.
type reads struct {
	formats *policy.Registry
	evals   map[readKey]parsed // made on first use
	rules   map[readKey]readRules
}

// readKey is a format's name and a text (a struct, so a lookup copies no
// text).
type readKey struct{ format, text string }

type parsed struct {
	ev  policy.Evaluator
	err error
}

type readRules struct {
	src *convert.Source
	err error
}

func newReads(formats *policy.Registry) *reads {
	return &reads{formats: formats}
}

// options are o reading through r.
func (r *reads) options(o explain.Options) explain.Options {
	o.Parse = r.parse
	return o
}

// parse is f.Parse(text), once per format and text.
func (r *reads) parse(f policy.Format, text string) (policy.Evaluator, error) {
	key := readKey{f.Name(), text}
	p, ok := r.evals[key]
	if !ok {
		p.ev, p.err = f.Parse(text)
		if r.evals == nil {
			r.evals = map[readKey]parsed{}
		}
		r.evals[key] = p
	}
	return p.ev, p.err
}

// read is convert.Read(text, format), once per format and text.
func (r *reads) read(format, text string) (*convert.Source, error) {
	key := readKey{format, text}
	p, ok := r.rules[key]
	if !ok {
		p.src, p.err = convert.Read(r.formats, text, format)
		if r.rules == nil {
			r.rules = map[readKey]readRules{}
		}
		r.rules[key] = p
	}
	return p.src, p.err
}

// lint is lint.Lint(text, format) on what read read.
func (r *reads) lint(format, text string) ([]lint.Finding, bool) {
	f, ok := r.formats.Lookup(format)
	if !ok {
		return nil, false
	}
	src, err := r.read(format, text)
	return lint.Read(f, text, src, err), true
}
