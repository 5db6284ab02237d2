package fix

import (
	"errors"

	"github.com/whycors/whycors/engine/policy"
)

// Change is where one edit of a configuration of several files went:
// the file it changed and that file's whole new text, or, when the value
// is given on the command line and no file holds it, the parameter and
// its new value.
type Change struct {
	// File is the name of the file changed (a policy.File's Name, or the
	// Editor's FileName for a configuration of one text); "" when a
	// parameter changed.
	File, Text string
	// Param is the parameter changed (whycors' --param: Terraform's -var,
	// a CloudFormation --parameter-overrides value) and Value its new
	// value, when no file holds the value.
	Param, Value string
	// Where says, in words, where the value is written when that is not
	// the configuration's main file ("var.app_origins is set in
	// terraform.tfvars"); "" when it is.
	Where string
}

// FileEditor is a SourceEditor whose configuration spans files (a
// Terraform module's .tf and .tfvars files, a template and its parameter
// file): EditFile makes e in whichever of src's files holds the value it
// changes (a .tfvars list, a variable's default, a parameter file's
// value), touching only the bytes it must, or in src.Params when the
// value is given there.
type FileEditor interface {
	EditFile(src policy.Source, e Edit) (Change, error)
}

// ApplyChange makes e in src, in the file that holds the value it
// changes when f is a FileEditor, else in src's main text (ApplySource,
// the change then names the main file). It returns the change and src
// with it made; a change that leaves src as it was is returned with src
// unchanged.
func ApplyChange(f policy.Format, src policy.Source, e Edit) (Change, policy.Source, error) {
	fe, ok := f.(FileEditor)
	if !ok {
		text, err := ApplySource(f, src, e)
		var pc *ParamChange
		if errors.As(err, &pc) {
			c := Change{Param: pc.Param, Value: pc.Value, Where: pc.Where}
			return c, c.In(src), nil
		}
		if err != nil {
			return Change{}, src, err
		}
		c := Change{File: MainName(f, src), Text: text}
		return c, c.In(src), nil
	}
	if err := check(src.Main(), e); err != nil {
		return Change{}, src, err
	}
	for _, fl := range src.Files {
		if len(fl.Text) > MaxText {
			return Change{}, src, errors.New("text too large")
		}
	}
	if e.Op == Add && len(e.Values) == 0 {
		return Change{File: MainName(f, src), Text: src.Main()}, src, nil
	}
	c, err := fe.EditFile(src, e)
	if err != nil {
		return Change{}, src, err
	}
	return c, c.In(src), nil
}

// ParamChange is what an Editor answers an edit with when the value it
// changes is not written in the text but read from a parameter (a Python
// module's os.getenv("ORIGINS", "").split(",")): the fix is the
// parameter's new value, and Where says where it is set.
type ParamChange struct{ Param, Value, Where string }

func (p *ParamChange) Error() string { return "the value is read from " + p.Param }

// MainName is the name of src's main text (policy.Source.Main): its first
// file's when it came as files, else the Editor's FileName ("" for a
// format that is not one).
func MainName(f policy.Format, src policy.Source) string {
	if src.Text == "" && len(src.Files) > 0 {
		return src.Files[0].Name
	}
	if ed, ok := f.(Editor); ok {
		return ed.FileName()
	}
	return ""
}

// In returns src with c made: the file c names given its new text (the
// main text when c names no file of src), or the parameter its new
// value. src's own lists and maps are not changed.
func (c Change) In(src policy.Source) policy.Source {
	if c.Param != "" {
		params := make(map[string]string, len(src.Params)+1)
		for k, v := range src.Params {
			params[k] = v
		}
		params[c.Param] = c.Value
		src.Params = params
		return src
	}
	for i, fl := range src.Files {
		if fl.Name == c.File {
			files := append([]policy.File(nil), src.Files...)
			files[i].Text = c.Text
			src.Files = files
			return src
		}
	}
	if src.Text == "" && len(src.Files) > 0 {
		files := append([]policy.File(nil), src.Files...)
		files[0].Text = c.Text
		src.Files = files
		return src
	}
	src.Text = c.Text
	return src
}

// check refuses an edit of a text over MaxText or one that would write
// a value a fix must never add (safeValue).
func check(text string, e Edit) error {
	if len(text) > MaxText {
		return errors.New("text too large")
	}
	for _, v := range e.Values {
		if !safeValue(v) {
			return errors.New("refusing to write " + v)
		}
	}
	return nil
}
