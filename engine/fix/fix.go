// Package fix edits a CORS configuration in the user's own text: it adds the
// page's origin, a method or a header name to one rule's list, keeping the
// user's formatting, and renders the change as a unified diff. It decides
// nothing: engine/explain chooses the edit from the verdict, applies it here
// and re-runs the engine on the result before it offers the change.
//
// Each edit touches only the bytes it must: a JSON array gets one more
// string after its last item (on its own line when the items are on their
// own lines), an S3 or GCS XML rule one more element indented like its
// siblings, an Azure or API Gateway REST comma list one more ",name", an
// Express option one more array item. A field the rule lacks is inserted
// next to the rule's origins, in the platform's own key name.
package fix

import (
	"errors"
	"strings"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
)

// Fields an edit can change, in the portable vocabulary of engine/convert.
const (
	Origins      = "origins"
	Methods      = "methods"
	AllowHeaders = "allow_headers"
	Credentials  = "credentials"
	// ExposeHeaders: the response headers the page may read (an SDK that
	// reads ETag); a format whose editor has no such list answers
	// ErrUnsupported.
	ExposeHeaders = "expose_headers"
)

// Ops of an Edit.
const (
	// Add appends Values to Field of rule Rule.
	Add = "add"
	// Replace replaces the entry Old of Field by Values[0] (a "*" origin
	// by the page's exact origin).
	Replace = "replace"
	// Enable sets a boolean Field (credentials) to true.
	Enable = "enable"
	// Always adds nginx's "always" to every add_header of an
	// Access-Control-* header that lacks it (cloud-policies.md §6.1).
	Always = "always"
	// AnswerOptions makes nginx answer OPTIONS itself with 204 in the
	// block whose add_header is at line Line.
	AnswerOptions = "answer-options"
	// ErrorHeaders gives the platform's own error reply of type Old
	// (API Gateway's gateway response type, DEFAULT_4XX) the CORS
	// headers that let the page read it: Access-Control-Allow-Origin
	// for the origin Values[0] (or the configuration's own static value
	// when that already admits it).
	ErrorHeaders = "error-headers"
	// HideUpstream drops the upstream's lines of the header Values[0]
	// in the nginx block whose add_header is at line Line
	// (proxy_hide_header), so that the block's own add_header is the one
	// the browser reads.
	HideUpstream = "hide-upstream"
	// Inherit repeats, in the nginx block whose add_header is at line
	// Line, the Access-Control-* and Vary add_header lines of the levels
	// around it, which any add_header of its own drops
	// (ngx_http_headers_module: inherited only when the level has none;
	// cloud-policies.md §6.1).
	Inherit = "inherit"
	// PreflightWithoutAuth lets the preflight through without the
	// authorizer that refuses it (a browser sends no credentials on a
	// preflight): SAM's AddDefaultAuthorizerToCorsPreflight: false.
	PreflightWithoutAuth = "preflight-without-auth"
)

// MaxText bounds the text an edit reads.
const MaxText = limits.PolicyText

// Edit is one change to a configuration text.
type Edit struct {
	Op    string
	Rule  int    // the rule's index, in engine/convert's order
	Field string // Origins, Methods, AllowHeaders, Credentials
	// Values to add (Add), or the replacement (Replace).
	Values []string
	// Old is the entry Replace replaces.
	Old string
	// Line is a line of the nginx block AnswerOptions changes.
	Line int
	// URL is the blocked request's, for an editor that places new lines
	// where that request is answered (nginx's location).
	URL string
}

// ErrUnsupported is returned for an edit this package cannot make in
// the given format; the caller then offers the header lines instead.
var ErrUnsupported = errors.New("this edit is not supported for this format")

// ErrNotFound is returned for an edit whose target (the rule, the
// field, the line it names) is not in the text; an Editor returns it too.
var ErrNotFound = errors.New("the rule or field to change is not in the text")

// errNotFound is ErrNotFound, by the name the JSON and XML editors use.
var errNotFound = ErrNotFound

// Editor is the capability of a format whose text a fix can edit: it
// makes e in text, touching only the bytes it must (EditJSON and EditXML
// do that for the JSON and XML forms). Apply checks e first.
type Editor interface {
	EditText(text string, e Edit) (string, error)
	// FileName is the file's usual name, for a diff's header ("cors.json").
	FileName() string
}

// Parted is a format whose one text can hold several files (an nginx
// -T dump): Parts are the files a change from old to new changes, each
// with its text before and after, so that a fix's diffs are of the
// files the user edits; ok is false when old is no such text or the
// change is not within its files.
type Parted interface {
	Parts(old, new string) ([]Part, bool)
}

// Part is one file of a Parted text that a change changes.
type Part struct {
	Name, Before, After string
}

// Blocked is what a fix search knows of a blocked fetch, for a format
// that chooses its own edits (EditChooser).
type Blocked struct {
	// Needs is what the browser found missing: "origin" (no or another
	// Access-Control-Allow-Origin), "method", "headers" or "credentials";
	// "one-origin" for several Access-Control-Allow-Origin values (a
	// proxy's and its upstream's); empty for anything else.
	Needs string
	// PreflightFailed is set when the preflight failed with a status other
	// than 2xx (PreflightStatus; 0 when the connection closed).
	PreflightFailed bool
	// PreflightStatus is the status of that preflight.
	PreflightStatus int
	// Rules is the server's rule trace of the exchange that decided.
	Rules []policy.Rule
	// Origin, Method and Headers are what the page sends: its origin, the
	// method, and the requested header names the server did not allow;
	// URL the request's URL.
	Origin, Method, URL string
	Headers             []string
	// DecidedBy is the layer that decided the blocked exchange, when the
	// server names one besides its CORS rules ("authorizer"), and Status
	// the status of that exchange's reply.
	DecidedBy string
	Status    int
	// Resource and Line are where the configuration holds that layer,
	// when it names one (explain's decided_by: a CloudFront
	// distribution's logical ID and its cache behaviour's line).
	Resource string
	Line     int
}

// LayerEditor is a format whose configuration has layers in front of
// its CORS rules (an API's authorizer and its gateway responses): when
// one of them decided the blocked exchange (Blocked.DecidedBy), it picks
// the edit of that layer, with its description, or ok false.
type LayerEditor interface {
	ChooseLayerEdit(b Blocked) (e Edit, why string, ok bool)
}

// EditChooser is a format whose rules are not indexed entries of a list
// (nginx's add_header lines): it picks the next edit itself from what
// blocked the fetch, with its description, or ok false.
type EditChooser interface {
	ChooseEdit(b Blocked) (e Edit, why string, ok bool)
}

// SourceEditor is an Editor whose configuration is a policy.Source (a
// template of several resources, the chosen one in Resource, its
// parameters): EditSource makes e in src's main text (src.Main) in the
// resource src names, and returns that text changed.
type SourceEditor interface {
	EditSource(src policy.Source, e Edit) (string, error)
}

// Apply makes e in text written in format f and returns the changed text;
// ErrUnsupported when f cannot be edited.
func Apply(f policy.Format, text string, e Edit) (string, error) {
	return ApplySource(f, policy.Source{Text: text}, e)
}

// ApplySource is Apply of src's main text, for a SourceEditor with the
// rest of src (its chosen resource, its parameters).
func ApplySource(f policy.Format, src policy.Source, e Edit) (string, error) {
	text := src.Main()
	if len(text) > MaxText {
		return "", errors.New("text too large")
	}
	if e.Op == Add && len(e.Values) == 0 {
		return text, nil
	}
	if err := check(text, e); err != nil {
		return "", err
	}
	if se, ok := f.(SourceEditor); ok {
		return se.EditSource(src, e)
	}
	if ed, ok := f.(Editor); ok {
		return ed.EditText(text, e)
	}
	return "", ErrUnsupported
}

// safeValue refuses what a fix must never add: a wildcard, the "null"
// origin, or anything with a quote, a newline or a character that would
// break out of the list it goes into.
func safeValue(v string) bool {
	if v == "" || v == "*" || v == "null" || len(v) > 512 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'`\\<>&,;{}[]*$", c) >= 0 {
			return false
		}
	}
	return true
}

// lineIndent returns the whitespace that starts the line holding off,
// and whether only whitespace precedes off on that line.
func lineIndent(text string, off int) (string, bool) {
	// IndexByte first: it answers a text of one line at once, where
	// LastIndexByte reads it byte by byte from off.
	start := 0
	if strings.IndexByte(text[:off], '\n') >= 0 {
		start = strings.LastIndexByte(text[:off], '\n') + 1
	}
	i := start
	for i < off && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	return text[start:i], i == off
}

func insert(text string, off int, s string) string {
	return text[:off] + s + text[off:]
}

// LineIndent returns the whitespace that starts the line holding off, and
// whether only whitespace precedes off on that line: an Editor indents
// what it adds like the lines around it.
func LineIndent(text string, off int) (string, bool) { return lineIndent(text, off) }

// Insert returns text with s inserted at byte offset off.
func Insert(text string, off int, s string) string { return insert(text, off, s) }

// AppendList appends values to list, a comma-separated list as the user
// wrote it, in the list's own style: after ", " when it already uses that,
// after "," when it uses a bare comma, after sep when it has one item; an
// empty list becomes the values alone.
func AppendList(list string, values []string, sep string) string {
	switch {
	case strings.Contains(list, ", "):
		sep = ", "
	case strings.Contains(list, ","):
		sep = ","
	}
	for _, v := range values {
		if strings.TrimSpace(list) == "" {
			list = v
		} else {
			list += sep + v
		}
	}
	return list
}
