// Package policy is the contract between the server side of the engine and
// everything else: a request as a server receives it, the reply it sends,
// and the trace of which configured rule decided that reply.
//
// The server side never knows about browsers: an Evaluator sees only what
// arrives on the wire.
//
// # Formats
//
// Each platform (S3, R2, GCS, Azure, API Gateway, EC2, our native policy,
// raw replies, nginx, Express, ...) lives in its own package, the one home
// of everything the engine knows about it. The package exports
//
//	func Formats() []policy.Format
//
// and engine/all lists that call in its registry: adding a format is one
// new package and one line there. A Registry is a value built once from
// such a list (engine/all.Registry for the whole engine; the worker's
// native-only build and the simulator's first wasm build smaller ones)
// and passed to whatever reads policies, as tdewolff/minify relates a
// media type to a minifier.
//
// A Format has a name, a cheap detection and a reader that turns the
// user's text into an Evaluator with the platform's own semantics, its
// faults as an Errors, each positioned. The rest of the engine asks a
// Format for what else it can do by type assertion, and holds no
// knowledge of any platform itself. A format package implements the
// capabilities its platform has:
//
//   - convert.Reader: its rules in the neutral model (portable.Config),
//     positioned, with the platform's semantics (portable.Semantics).
//   - convert.Writer: its text from a portable.Policy, noting what it
//     cannot say exactly (portable.Notes) and refusing what it cannot say
//     without allowing more.
//   - convert.ModelReader and convert.ModelWriter: conversion between
//     forms of one platform's model (S3 XML to S3 JSON), rule for rule.
//   - convert.NoRules: why it has no rules to convert (captured replies).
//   - fix.Editor: an edit of the user's own text for a fix (one more
//     origin, method or header), touching only the bytes it must;
//     fix.EditChooser when its rules are not a list of entries (nginx).
//   - lint.Platformer and lint.TextChecker: its platform's name for
//     messages, and the traps in its text that no rule model shows.
//   - explain.Documented: the reference its evaluation rests on.
//   - advise.Trapper: traps that depend on the exchange.
//
// engine/platform/gcs is a small, complete example.
//
// # Errors
//
// The engine's errors carry no package prefix ("convert: ", "origin: "):
// each says what is wrong and where, by its position (Error's line,
// column and path) or by the field at fault, and the shell that prints it
// says which command failed. Readers return every fault of an input as
// Errors, which errors.As and errors.Is see through (Errors.Unwrap).
package policy

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/wire"
)

// The messages of an exchange and the server's trace of it, defined in
// engine/wire so that the browser model (engine/fetch) needs them without
// this package's formats and registry.
type (
	// Request is an HTTP request as the server receives it.
	Request = wire.Request
	// Reply is what the server answers.
	Reply = wire.Reply
	// Rule is the trace of one configured rule for one request.
	Rule = wire.Rule
	// Outcome is an Evaluator's answer: the reply, plus how it was reached.
	Outcome = wire.Outcome
	// Note is one sentence of the trace, kept as data.
	Note = wire.Note
	// Words turns a format's notes into sentences.
	Words = wire.Words
	// SourcedWords are Words that name a decision's document.
	SourcedWords = wire.SourcedWords
	// Place is where a reply was decided: the layer and its place in the
	// user's text (an Outcome's DecidedBy).
	Place = wire.Place
)

// Evaluator answers requests as one configured server would.
//
// For an actual (non-preflight) request, app is what the application behind
// the CORS layer answers (its status, headers and body); the evaluator
// returns it with the platform's CORS headers applied, or replaces it where
// the platform answers by itself (S3's 403 on an unmatched preflight, an
// API Gateway mock integration). Evaluators must not modify app.Header.
type Evaluator interface {
	Respond(req Request, app Reply) Outcome
}

// Format reads one kind of configuration text.
type Format interface {
	// Name is the format's registered name, as used in a scenario's
	// policy.format (for example "s3-json", "s3-xml", "native").
	Name() string
	// Detect reports whether text looks like this format, with a reason a
	// person can read ("a JSON array whose items have AllowedOrigins").
	// It must be cheap and must not fully parse.
	Detect(text string) (ok bool, why string)
	// Parse reads text. Errors are an *Errors listing every fault with
	// its position.
	Parse(text string) (Evaluator, error)
}

// Titled is a Format that says what it reads as a person names it: the
// product and, where it is written several ways, which one ("S3 bucket
// CORS: JSON (the console)"). Lists a person chooses from show it (the
// page's format choice, its conversion targets); Name stays the key.
// Every format of engine/all has one (TestEveryFormatHasATitle).
type Titled interface {
	Title() string
}

// Title is f's Title, else its Name.
func Title(f Format) string {
	if t, ok := f.(Titled); ok {
		return t.Title()
	}
	return f.Name()
}

// Titles are the titles of the formats of r named in names, in order
// (a name r lacks stands as itself).
func (r *Registry) Titles(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if f, ok := r.Lookup(n); ok {
			out[i] = Title(f)
		}
	}
	return out
}

// Registry is a set of formats, by name. It is a value, built once from
// the list of formats a program links (engine/all.Registry for the whole
// engine; a smaller one where size counts, as the worker's native-only
// build), and never changes after NewRegistry: share it freely.
type Registry struct {
	formats []Format // sorted by name; a registry holds a few dozen at most
}

// NewRegistry returns a registry of fs. Two formats with one name is a
// mistake in the program's list, not in anyone's input: it panics.
func NewRegistry(fs ...Format) *Registry {
	r := &Registry{formats: make([]Format, 0, len(fs))}
	for _, f := range fs {
		n := f.Name()
		i := len(r.formats)
		for i > 0 && r.formats[i-1].Name() > n {
			i--
		}
		if n == "" || i > 0 && r.formats[i-1].Name() == n {
			panic("policy: format listed twice or unnamed: " + n)
		}
		r.formats = append(r.formats, nil)
		copy(r.formats[i+1:], r.formats[i:])
		r.formats[i] = f
	}
	return r
}

// Lookup returns the format named name.
func (r *Registry) Lookup(name string) (Format, bool) {
	if r != nil {
		for _, f := range r.formats {
			if f.Name() == name {
				return f, true
			}
		}
	}
	return nil, false
}

// Names returns every format name, sorted.
func (r *Registry) Names() []string {
	if r == nil {
		return nil
	}
	out := make([]string, len(r.formats))
	for i, f := range r.formats {
		out[i] = f.Name()
	}
	return out
}

// Detection is the result of Detect: which format, and why.
type Detection struct {
	Format string `json:"format"`
	Why    string `json:"why"`
}

// Detect tries every format on text and returns the ones that claim it,
// in name order. More than one means the text is ambiguous.
func (r *Registry) Detect(text string) []Detection {
	var out []Detection
	if r != nil {
		for _, f := range r.formats {
			if ok, why := f.Detect(text); ok {
				out = append(out, Detection{f.Name(), why})
			}
		}
	}
	return out
}

// File is one named file of a configuration.
type File struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Source is a configuration as the user has it: its text, or several
// named files of one configuration (a template and its parameter file),
// values for the template's parameters, and which of its resources
// answers. Most formats read Text (Main); a SourceParser reads it all.
type Source struct {
	Text   string            `json:"text,omitempty"`
	Files  []File            `json:"files,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	// Resource names the resource of a template that answers (a
	// CloudFormation logical ID, a Terraform address); "" lets the format
	// choose when only one resource has a CORS configuration.
	Resource string `json:"resource,omitempty"`
}

// SourceParser is a Format whose configuration can span several files or
// take parameters and a chosen resource (a CloudFormation template and
// its --param values, a Terraform module and its .tfvars): ParseSource
// reads all of src. Its faults name the file they are in (Error.File).
type SourceParser interface {
	ParseSource(src Source) (Evaluator, error)
}

// Routed is an Evaluator of an API whose methods are its routes (a REST
// API's resources, a serverless.yml's http events): a request on another
// path gets the platform's own refusal (API Gateway's 403 Missing
// Authentication Token), whatever its CORS settings say. RoutePaths are
// those paths as written ("/items/{id}", "/{proxy+}"); engine/diff asks
// its requests there.
type Routed interface {
	RoutePaths() []string
}

// Resourcer is a format whose configuration can hold several resources
// that answer apart, each on its own platform (a Terraform module's S3
// bucket beside its HTTP API, a template's): Resources lists those with
// a CORS configuration.
type Resourcer interface {
	Resources(src Source) []string
}

// Unchosen lists src's resources with CORS when f holds several
// (Resourcer) and src chooses none (Source.Resource): what lint checks
// one by one, diff compares one by one, and convert and the verdict ask
// the user to choose from. Nil otherwise.
func Unchosen(f Format, src Source) []string {
	r, ok := f.(Resourcer)
	if !ok || src.Resource != "" {
		return nil
	}
	if names := r.Resources(src); len(names) > 1 {
		return names
	}
	return nil
}

// Companion is a SourceParser whose configuration's other files have a
// shape of their own that no format claims alone (a CloudFormation
// parameter file): Companion reports text as one, so that a command
// given it beside its main file reads the two together.
type Companion interface {
	SourceParser
	Companion(text string) bool
}

// RootCompanion is a Companion of the folders below its own too (a
// Gemfile.lock at an application's root, read beside the
// config/initializers/cors.rb two folders down) when CompanionAtRoot
// says so; a Companion is else its own folder's.
type RootCompanion interface {
	Companion
	CompanionAtRoot() bool
}

// Parse reads src with f: ParseSource when f is a SourceParser, else
// f.Parse of src's main text, which must then be its only one.
func Parse(f Format, src Source) (Evaluator, error) {
	if sp, ok := f.(SourceParser); ok {
		return sp.ParseSource(src)
	}
	if err := src.OneFile(f.Name()); err != nil {
		return nil, err
	}
	return f.Parse(src.Main())
}

// OneFile is an error at src's second file when src has several and the
// format named format reads one (its main text): another would be left
// unread (found as a new user would: explain of a Django settings.py and
// a Flask app.py read the first alone, and said nothing).
func (s Source) OneFile(format string) error {
	if s.Text != "" || len(s.Files) < 2 {
		return nil
	}
	return Errors{{File: s.Files[1].Name, Line: 1, Column: 1,
		Msg: format + " reads one file, " + s.Files[0].Name + ": " + s.Files[1].Name + " would be left unread; give each to its own explain"}}
}

// Beside is the file a format reads after its main one for what the
// main one does not say (a Gemfile.lock, a requirements file, for the
// middleware's version): nil when s is one text or file. is tells such a
// file. first and one are the format's words for a fault, each at the
// file it names: that file given first ("rack-cors reads the Ruby that
// adds the middleware first, then its Gemfile.lock"), and a file it
// would leave unread, a third or a second that is no such file
// ("rack-cors reads one Ruby file and the Gemfile.lock that names its
// version").
func (s Source) Beside(is func(File) bool, first, one string) (*File, error) {
	if s.Text != "" || len(s.Files) < 2 {
		return nil, nil
	}
	if is(s.Files[0]) {
		return nil, Errors{{File: s.Files[0].Name, Line: 1, Column: 1, Msg: first + ": give " + s.Files[1].Name + " before " + s.Files[0].Name}}
	}
	if len(s.Files) > 2 || !is(s.Files[1]) {
		f := s.Files[len(s.Files)-1]
		if !is(s.Files[1]) {
			f = s.Files[1]
		}
		return nil, Errors{{File: f.Name, Line: 1, Column: 1, Msg: one + ": " + f.Name + " would be left unread; give each configuration to its own explain"}}
	}
	return &s.Files[1], nil
}

// NameFile sets the file of err's faults that name none to src's one
// file, when src is a single named file (the command line's --policy
// FILE): the reader numbered that file's lines, and a fault without its
// name would be filed under the scenario's. A type assertion, not
// errors.As, which would bring reflection into the page's wasm.
func (s Source) NameFile(err error) error {
	es, ok := err.(Errors)
	if !ok || s.Text != "" || len(s.Files) != 1 || s.Files[0].Name == "" {
		return err
	}
	for _, e := range es {
		if e.File == "" {
			e.File = s.Files[0].Name
		}
	}
	return err
}

// OneText reports a source that is one text and nothing else: no files,
// parameters or chosen resource, which only a SourceParser reads.
func (s Source) OneText() bool {
	return len(s.Files) == 0 && len(s.Params) == 0 && s.Resource == ""
}

// Main is the text a single-text format reads: Text, else the first file's.
func (s Source) Main() string {
	if s.Text == "" && len(s.Files) > 0 {
		return s.Files[0].Text
	}
	return s.Text
}

// ResolveError is a format Resolve cannot name: an unknown name, or a
// text that no format (or more than one) claims.
type ResolveError struct {
	// Format is the unknown name; "" when the format was to be detected.
	Format string
	// Claims are the formats that claimed the text (none, or several).
	Claims []Detection
	// Known are the registry's names, for the message.
	Known []string
	// Empty: the text holds nothing but white space, which no format
	// claims (found as a new user would: an empty file was "cannot tell
	// the format", naming every format).
	Empty bool
}

func (e *ResolveError) Error() string {
	known := strings.Join(e.Known, ", ")
	switch {
	case e.Format != "":
		return "unknown format " + strconv.Quote(e.Format) + "; formats are " + known
	case e.Empty:
		return "the text is empty: there is no configuration to read"
	case len(e.Claims) == 0:
		return "cannot tell the format of the text; name it (one of " + known + ")"
	}
	names := make([]string, len(e.Claims))
	for i, d := range e.Claims {
		names[i] = d.Format + " (" + d.Why + ")"
	}
	return "the text could be any of " + strings.Join(names, ", ") + "; name the format"
}

// Resolve names the format of src: format itself when it is registered,
// or, for "auto" or "", the one format whose detection claims src's text.
// The only auto-detection of the engine: every shell calls it.
func (r *Registry) Resolve(format string, src Source) (Format, error) {
	if format != "" && format != "auto" {
		if f, ok := r.Lookup(format); ok {
			return f, nil
		}
		return nil, &ResolveError{Format: format, Known: r.Names()}
	}
	ds := r.Detect(src.Main())
	if len(ds) == 1 {
		f, _ := r.Lookup(ds[0].Format)
		return f, nil
	}
	return nil, &ResolveError{Claims: ds, Known: r.Names(), Empty: len(ds) == 0 && strings.TrimSpace(src.Main()) == "" && len(src.Files) <= 1}
}

// Error is one fault in the user's input, with where it is.
type Error struct {
	// File is the file of a Source's Files the fault is in, when the
	// configuration has several; "" for its one text.
	File   string `json:"file,omitempty"`
	Path   string `json:"path,omitempty"`   // JSON path such as $[0].AllowedMethods[1], or an element path for XML
	Line   int    `json:"line,omitempty"`   // 1-based line, when known
	Column int    `json:"column,omitempty"` // 1-based column, when known
	Code   string `json:"code,omitempty"`   // the platform's own error code, when it has one (InvalidRequest, MalformedXML)
	Msg    string `json:"message"`
	// Unreadable marks a text the reader cannot read at all (not JSON,
	// not well-formed XML, an unterminated nginx directive, JavaScript
	// the Express reader cannot evaluate, a capture that is not HTTP), as
	// opposed to a text the platform reads and refuses. Lint reports the
	// first kind as an input error, the second as a finding.
	Unreadable bool `json:"unreadable,omitempty"`
	// LintCode marks a fault that is no refusal: a value the
	// configuration takes from elsewhere and that was not given (a
	// Terraform variable without a value), without which no verdict can
	// be given. It is the lint code (the format's own) that lint reports
	// it under, as a warning, where a refusal is "rejected".
	LintCode string `json:"lint_code,omitempty"`
	// Platform names what refuses, when the format is a template of
	// another platform's configuration (a Terraform module's API
	// Gateway API: "API Gateway HTTP API"); lint says it in place of the
	// format's name (found as a new user would: "Terraform's resource
	// refuses this: BadRequestException").
	Platform string `json:"platform,omitempty"`
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Column))
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every fault found in one input. Readers report them all, not
// just the first.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap lets errors.As and errors.Is find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// MarkUnreadable marks every fault in err as Unreadable and returns err: for
// readers of texts that no platform reads (captured replies), every fault
// means the text cannot be read.
func MarkUnreadable(err error) error {
	if es, ok := err.(Errors); ok {
		for _, e := range es {
			e.Unreadable = true
		}
	}
	return err
}

// Err returns es as an error, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
