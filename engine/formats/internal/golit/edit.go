package golit

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Keys names a library's options fields for the neutral model and for
// fixes: the Go field of each fix field (fix.Origins, fix.Methods,
// fix.AllowHeaders, fix.Credentials), and the list the library uses when
// the field is not written (nil: an absent list cannot be extended
// without changing its meaning).
type Keys struct {
	Fields   map[string]string
	Defaults map[string][]string
	// Expose is the exposed headers' field.
	Expose string
}

// Edit makes e in the options literal o of f's text, touching only the
// bytes it must: Add appends to a []string literal (keeping its layout)
// or writes the field, with the library's defaults first; Enable writes
// true over a false literal or adds the field; Replace rewrites one
// string element.
func (f *File) Edit(o Options, k Keys, e fix.Edit) (string, error) {
	name := k.Fields[e.Field]
	if name == "" {
		return "", fix.ErrUnsupported
	}
	fd, has := o.Fields[name]
	if !has && o.Lit == nil {
		return "", fix.ErrUnsupported // no literal to write the field in
	}
	switch e.Op {
	case fix.Enable:
		if !has {
			return f.ok(f.AddField(o.Lit, name, "true"))
		}
		if fd.Value.Kind != Bool || fd.Value.Start != f.Offset(fd.Expr.Pos()) {
			return "", fix.ErrUnsupported // a constant: changing it changes its other uses
		}
		return f.Text[:fd.Value.Start] + "true" + f.Text[fd.Value.End:], nil
	case fix.Replace:
		if len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		if !has {
			if e.Old == "*" && e.Field == fix.Origins {
				return f.ok(f.AddField(o.Lit, name, list(e.Values)))
			}
			return "", fix.ErrNotFound
		}
		for _, el := range fd.Value.List {
			if el.Kind == String && el.Str == e.Old {
				return f.Text[:el.Start] + strconv.Quote(e.Values[0]) + f.Text[el.End:], nil
			}
		}
		return "", fix.ErrNotFound
	case fix.Add:
		if !has {
			def, ok := k.Defaults[e.Field]
			if !ok {
				return "", fix.ErrUnsupported
			}
			return f.ok(f.AddField(o.Lit, name, list(append(append([]string(nil), def...), e.Values...))))
		}
		if fd.Value.Kind != List {
			return "", fix.ErrUnsupported
		}
		return f.ok(f.EditList(fd.Value, e.Values))
	}
	return "", fix.ErrUnsupported
}

func (f *File) ok(s string, ok bool) (string, error) {
	if !ok {
		return "", fix.ErrNotFound
	}
	return s, nil
}

func list(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// Values is the []string field name in the neutral model, each entry
// where it is written; when the field is not written, def positioned at
// at (the call).
func (o *Options) Values(name string, def []string, at Pos) []portable.Value {
	fd, ok := o.Fields[name]
	if !ok {
		out := make([]portable.Value, len(def))
		for i, s := range def {
			out[i] = portable.Value{Text: s, Pos: portable.Pos{Line: at.Line, Column: at.Column}}
		}
		return out
	}
	var out []portable.Value
	for _, el := range fd.Value.List {
		out = append(out, portable.Value{Text: el.Str, Pos: portable.Pos{Line: el.Pos.Line, Column: el.Pos.Column}})
	}
	return out
}

// PosOf is where field name's value is, or at, in the neutral model's terms.
func (o *Options) PosOf(name string, at Pos) portable.Pos {
	p := o.At(name, at)
	return portable.Pos{Line: p.Line, Column: p.Column}
}

// Rule starts middleware i's rule in the neutral model: its position
// (at, the call), its credentials and where AllowCredentials and MaxAge
// are written (every Go middleware here names them so).
func (o *Options) Rule(i int, at Pos, credentials bool) portable.ConfigRule {
	return portable.ConfigRule{Index: i, Pos: portable.Pos{Line: at.Line, Column: at.Column},
		Credentials: credentials, CredentialsPos: o.PosOf("AllowCredentials", at), MaxAgePos: o.PosOf("MaxAge", at)}
}

// Target is one middleware's options literal, for an edit.
type Target struct {
	File *File
	Opts Options
	// Refuse is why fields of this middleware cannot be edited, by fix
	// field (gin-contrib/cors refuses AllowOrigins beside
	// AllowAllOrigins).
	Refuse map[string]bool
}

// EditRule makes e in the e.Rule-th of the targets read from text.
func EditRule(text string, e fix.Edit, k Keys, read func(string) ([]Target, error)) (string, error) {
	ts, err := read(text)
	if err != nil || e.Rule < 0 || e.Rule >= len(ts) {
		return "", fix.ErrNotFound
	}
	t := ts[e.Rule]
	if t.Refuse[e.Field] {
		return "", fix.ErrUnsupported
	}
	return t.File.Edit(t.Opts, k, e)
}

// ReadRules is a Reader's ReadRules through a format's Parse and
// StateRules.
func ReadRules[C policy.Evaluator](text string, parse func(string) (C, error), state func(policy.Evaluator, string) (*portable.Config, bool)) (*portable.Config, error) {
	c, err := parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := state(c, text)
	return cfg, nil
}

// Lists states the list fields of a middleware in r, each where it is
// written, or the library's list (origins, methods, headers; nil for
// none) positioned at the call when the field is not written; an empty
// headers list with echo set means the requested headers are reflected.
func (o *Options) Lists(r *portable.ConfigRule, k Keys, at Pos, origins, methods, headers []string) {
	if name := k.Fields[fix.Origins]; origins != nil || o.Has(name) {
		r.Origins = o.Values(name, origins, at)
		if len(r.Origins) == 0 && origins != nil {
			// an empty list is the default
			r.Origins = o.Values("", origins, o.At(name, at))
		}
	}
	r.Methods = o.Values(k.Fields[fix.Methods], methods, at)
	r.AllowHeaders = o.Values(k.Fields[fix.AllowHeaders], headers, at)
	r.ExposeHeaders = o.Values(k.Expose, nil, at)
	// A list the user wrote no setting for is the library's default
	// (portable.Value.Default), which lint's checks of what was written
	// skip: tried as a new user would, rs/cors's default AllowedHeaders
	// gave "accept never needs listing".
	for _, f := range []struct {
		name string
		vs   []portable.Value
	}{{k.Fields[fix.Methods], r.Methods}, {k.Fields[fix.AllowHeaders], r.AllowHeaders}} {
		if !o.Has(f.name) {
			for i := range f.vs {
				f.vs[i].Default = true
			}
		}
	}
}

// Targets are ms' options literals, for Edit.
func Targets[M interface{ Target() Target }](ms []M) []Target {
	out := make([]Target, len(ms))
	for i, m := range ms {
		out[i] = m.Target()
	}
	return out
}

// EditWith is a format's EditText: it reads text with parse and makes e
// in the e.Rule-th middleware's literal.
func EditWith[C interface{ Targets() []Target }](text string, e fix.Edit, k Keys, parse func(string) (C, error)) (string, error) {
	return EditRule(text, e, k, func(text string) ([]Target, error) {
		c, err := parse(text)
		if err != nil {
			return nil, err
		}
		return c.Targets(), nil
	})
}

// Lower lower-cases each value's text (and trims its spaces with trim),
// for libraries that compare the entries so (rs/cors, go-chi/cors;
// gin-contrib/cors trims too).
func Lower(vs []portable.Value, trim bool) {
	for i := range vs {
		if trim {
			vs[i].Text = strings.TrimSpace(vs[i].Text)
		}
		vs[i].Text = strings.ToLower(vs[i].Text)
	}
}
