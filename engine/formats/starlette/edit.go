package starlette

import (
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
)

// FileName is "main.py", the name a fix's diff gives the text.
func (*Format) FileName() string { return "main.py" }

// keywords are CORSMiddleware's options for the fields an edit changes.
var keywords = map[string]string{fix.Origins: "allow_origins", fix.Methods: "allow_methods", fix.AllowHeaders: "allow_headers", fix.Credentials: "allow_credentials"}

// EditText makes e in the options of CORSMiddleware e.Rule (outermost
// first, as ReadRules numbers them): an item added at the end of the
// list where it is written (the list a name is bound to, when the option
// names one), or the keyword added as the call's last argument. Absent
// allow_methods become ["GET", ...] so that the default GET is kept.
func (*Format) EditText(text string, e fix.Edit) (string, error) { return editIn(text, nil, e) }

// EditSource implements fix.SourceEditor: EditText with the values of the
// environment variables the code reads from src.Params (--param), so
// that an option read from one is edited as the verdict read it: its
// value is the fix (fix.ParamChange).
func (*Format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	return editIn(src.Main(), src.Params, e)
}

// editIn is EditText of text with environ's values.
func editIn(text string, environ map[string]string, e fix.Edit) (string, error) {
	c, err := ParseEnviron(text, environ)
	if err != nil || e.Rule < 0 || e.Rule >= len(c.Middlewares) {
		return "", fix.ErrNotFound
	}
	mw := &c.Middlewares[e.Rule]
	return pylit.EditOptions(text, e, keywords, mw.vals, &mw.call, map[string][]string{fix.Methods: {"GET"}})
}
