package lint

import (
	"errors"
	"strconv"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// SourceChecker is a TextChecker of a configuration of several files or
// with parameters (policy.Source): a Terraform module with its .tfvars
// files, a CloudFormation template with its --param values.
type SourceChecker interface {
	CheckSource(src policy.Source) []portable.Finding
}

// LintSource is Lint of src: a configuration of several files (a
// Terraform module's .tf and .tfvars files, read together as terraform
// reads a folder), or of one text with values for its parameters or a
// chosen resource. One text with nothing else is Lint's. Its format must
// read such a source (convert.SourceReader); each finding names its
// file (Finding.File), and a whycors:ignore directive covers findings
// of its own file.
func LintSource(reg *policy.Registry, src policy.Source, format string) ([]Finding, error) {
	if src.OneText() {
		return Lint(reg, src.Text, format)
	}
	if src.Text != "" {
		// The one text first, as the readers take it (policy.Source.Main).
		src.Files = append([]policy.File{{Text: src.Text}}, src.Files...)
		src.Text = ""
	}
	if len(src.Files) > 0 && src.Files[0].Name == "" {
		src.Files[0].Name = "-"
	}
	// Each file's directives come out of it first, as Lint's do.
	type fileSups struct {
		name string
		sups []*suppression
	}
	var sups []fileSups
	var bad []Finding
	files := make([]policy.File, len(src.Files))
	for i, f := range src.Files {
		if len(f.Text) > convert.MaxText {
			return nil, &convert.Error{Msg: f.Name + ": text longer than " + strconv.Itoa(convert.MaxText) + " bytes"}
		}
		text, s, b := suppressions(f.Text)
		files[i] = policy.File{Name: f.Name, Text: text}
		if s != nil {
			sups = append(sups, fileSups{f.Name, s})
		}
		for _, x := range b {
			x.File = f.Name
			bad = append(bad, x)
		}
	}
	orig := src
	src.Files = files
	f, err := reg.Resolve(format, src)
	if err != nil {
		return nil, &convert.Error{Msg: err.Error()}
	}
	if out, ok, err := eachResource(reg, f, orig); ok {
		return out, err
	}
	if _, ok := f.(convert.SourceReader); !ok && len(orig.Files) == 1 && len(src.Params) == 0 && src.Resource == "" {
		// One file of a format that reads one text (explain --policy
		// app.py): Lint's findings, each in that file. Tried as a new
		// user would, such a policy's verdict had no warnings at all.
		out, err := Lint(reg, orig.Files[0].Text, f.Name())
		for i := range out {
			if out[i].File == "" {
				out[i].File = orig.Files[0].Name
			}
		}
		return out, err
	}
	if _, ok := f.(convert.SourceReader); !ok {
		return nil, &convert.Error{Msg: f.Name() + " reads one text: lint each file on its own (several files, parameters and a chosen resource are read for Terraform and CloudFormation)"}
	}
	cfg, err := convert.ReadSource(reg, src, f.Name())
	var cerr *convert.Error
	if errors.As(err, &cerr) {
		if _, perr := policy.Parse(f, src); isUnreadable(perr) {
			return nil, perr
		}
	} else if isUnreadable(err) {
		return nil, err
	}
	out := read(&linter{format: f, files: &src}, src.Main(), cfg, err)
	main := src.Files[0].Name
	for i := range out {
		if out[i].File == "" {
			// A position with no file is in the main text (a
			// template's, where its parameter files are others).
			out[i].File = main
		}
	}
	if sups == nil && bad == nil {
		return out, nil
	}
	codes := known(f)
	for _, fs := range sups {
		// Each file's directives judge that file's findings alone.
		var in, rest []Finding
		for _, x := range out {
			if x.File == fs.name {
				in = append(in, x)
			} else {
				rest = append(rest, x)
			}
		}
		kept := applySuppressions(in, fs.sups, codes)
		for i := range kept {
			kept[i].File = fs.name
		}
		out = append(rest, kept...)
	}
	out = append(out, bad...)
	sortFindings(out)
	return out, nil
}

// isUnreadable reports faults of which one is Unreadable (unreadable's
// test, for an error already in hand).
func isUnreadable(err error) bool {
	var es policy.Errors
	if !errors.As(err, &es) {
		return false
	}
	for _, e := range es {
		if e.Unreadable {
			return true
		}
	}
	return false
}

// eachResource lints each resource of src on its own when src names none
// and its format lists several (policy.Unchosen), each read with its own platform's semantics; ok is false otherwise. A
// finding of the text that every reading shares is said once, and a
// directive is unused only when no resource's reading used it.
func eachResource(reg *policy.Registry, f policy.Format, src policy.Source) (out []Finding, ok bool, err error) {
	names := policy.Unchosen(f, src)
	if names == nil {
		return nil, false, nil
	}
	type key struct {
		file, code, path, msg string
		line, col             int
	}
	seen := map[key]bool{}
	unused := map[key]int{}
	for _, n := range names {
		one := src
		one.Resource = n
		fs, err := LintSource(reg, one, f.Name())
		if err != nil {
			return nil, true, err
		}
		for _, x := range fs {
			k := key{x.File, x.Code, x.Path, x.Message, x.Line, x.Column}
			if x.Code == "suppression-unused" {
				unused[k]++
				if unused[k] < len(names) {
					continue
				}
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, x)
			}
		}
	}
	sortFindings(out)
	return out, true, nil
}
