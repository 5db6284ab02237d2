// Package netlify reads Netlify's custom headers (format name "netlify"):
// a _headers file and the [[headers]] tables of netlify.toml, and answers
// requests as Netlify's CDN does for the files it serves.
//
// Reading follows @netlify/headers-parser 7.3.0 (netlify/build's
// packages/headers-parser, the parser Netlify's build and CLI use), and
// e2e/netlify checks it against that package:
//   - _headers: each line trimmed; blank lines and lines starting with #
//     skipped; a line starting with / is a path; a line with a colon is a
//     header "Name: value" of the path above it (indentation is not
//     required); any other line is ignored. A header before any path, an
//     empty name or an empty value is a fault of its line. The same name
//     twice under one path joins the values with ", ".
//   - netlify.toml: a headers array of tables (for, values), read with
//     github.com/pelletier/go-toml/v2; a value is a string, or an array of
//     strings joined with ", "; any other value, a missing or non-string
//     for, or values that is not a table is a fault of that rule.
//   - every value trimmed, commas within it written ", "; a rule without
//     values is dropped; of two identical rules the last is kept.
//
// Answering follows docs.netlify.com/manage/routing/headers/ (custom
// headers apply only to files Netlify serves itself, not to proxied or
// function replies) and, for what the docs leave open, Netlify's own
// local implementation: every rule whose path matches adds its headers,
// merged as netlify-cli's headersForPath does (Object.assign of the
// rules' values, then set on the reply in that order: a later rule's
// value of a name replaces an earlier one's); a path matches without
// regard to case or a trailing slash, :name is one segment, * alone any
// rest (the parser's forRegExp). e2e/netlify checks both against the
// parser's rules. How the CDN itself combines two matching rules, and
// how it answers OPTIONS for a file, the docs do not say: OPTIONS gets
// the reply given for the path, like any method. netlify.toml's
// [[redirects]] decide which paths are proxied or sent to a function
// (custom headers not applied) or redirected (a 3xx with Location, a
// file at the path shadowing an unforced rule:
// docs.netlify.com/manage/routing/redirects/rewrites-proxies/).
//
// Netlify's headers are fixed strings: no echo of the request's Origin,
// so one path names one origin or *. Lint (CheckText) and fixes
// (EditText, ChooseEdit) work in the user's own syntax.
//
// Conversion: ReadRules states each path's Access-Control-* headers as a
// rule of the neutral model (read.go, hosthdr.ReadRules), and WriteRules
// writes a portable policy as a _headers file (write.go, hosthdr.Plan):
// one origin per path, paths without letters only (the match ignores
// case), never answering what the policy refuses.
package netlify

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const (
	docHeaders   = "docs.netlify.com/manage/routing/headers/"
	docRedirects = "docs.netlify.com/manage/routing/redirects/rewrites-proxies/"
	source       = docHeaders + "; " + docRedirects + "; @netlify/headers-parser 7.3.0"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "netlify" policy format: a _headers file or netlify.toml.
type Format struct{}

// RulesAreHeaderLines: each rule is a header line, named by its header
// (explain.HeaderLines).
func (*Format) RulesAreHeaderLines() {}

// Name returns "netlify".
func (*Format) Name() string { return "netlify" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Netlify: _headers or netlify.toml" }

// Platform names Netlify in messages.
func (*Format) Platform() string { return "Netlify" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// Detect claims netlify.toml (a [[headers]] table, or [headers.values])
// and _headers files (the first line that is not blank or a comment is a
// path starting with /, and the next one an indented "Name: value").
// Traefik's TOML names its headers middleware under [http.middlewares];
// nginx, Apache and Caddy lines end in ; or {, or start with a directive.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	if isTOML(text) {
		return true, "a netlify.toml [[headers]] table"
	}
	var prev string
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if prev == "" {
			if !strings.HasPrefix(line, "/") || strings.ContainsAny(line, " \t{};<>") {
				return false, ""
			}
			prev = line
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		indented := raw != "" && (raw[0] == ' ' || raw[0] == '\t')
		if ok && indented && isToken(strings.TrimSpace(name)) && !strings.HasSuffix(line, ";") && !strings.HasSuffix(line, "{") {
			return true, "a _headers file: a path line, then indented Name: value lines"
		}
		return false, ""
	}
	return false, ""
}

// isTOML reports whether text is netlify.toml rather than _headers: a
// [[headers]] array table or a [headers.values] table at a line's start.
func isTOML(text string) bool {
	for _, raw := range strings.Split(text, "\n") {
		l := strings.Join(strings.Fields(raw), "")
		if strings.HasPrefix(l, "[[headers]]") || strings.HasPrefix(l, "[headers.values]") || strings.HasPrefix(l, "headers=[") {
			return true
		}
	}
	return false
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", c) {
			return false
		}
	}
	return true
}

// Parse reads a _headers file or netlify.toml (isTOML tells which).
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Parse reads text as netlify.toml when it has a [[headers]] table (or
// [headers.values], or headers = [...]), as a _headers file otherwise.
// Its error lists every fault, positioned.
func Parse(text string) (*Config, error) {
	if isTOML(text) {
		return ParseTOML(text)
	}
	return ParseHeaders(text)
}

// Syntax says which file a Config was read from.
type Syntax int

const (
	// HeadersFile is a _headers file.
	HeadersFile Syntax = iota
	// TOML is netlify.toml.
	TOML
)

// Config is a parsed _headers file or netlify.toml.
type Config struct {
	// Rules are the header rules Netlify keeps, in order.
	Rules []Rule
	// Redirects are netlify.toml's [[redirects]] (none for _headers).
	Redirects []Redirect
	Syntax    Syntax
	main      string // the first file, when read with others: its rules' lines stand alone in the trace
}

// Rule is one path and its headers.
type Rule struct {
	For          string   // the path, trimmed
	Values       []Header // the headers, normalized, in first-written order
	Line, Column int      // the path's line (or the [[headers]] table's) and column
	re           *pattern
	index        int    // position among the rules as written (before drops)
	file         string // the file it is in, when read with others (ParseFiles)
}

// Header is one header name and its value as Netlify sends it.
type Header struct {
	Name, Value  string
	Line, Column int // where the name is written (its last line when repeated)
}

// Redirect is one [[redirects]] table of netlify.toml.
type Redirect struct {
	From, To     string
	Status       int  // 301 when not given
	Force        bool // applies even when a file exists at the path
	Line, Column int
	re           *pattern
}

// Get returns the value of the header name (case-insensitive).
func (r Rule) Get(name string) (Header, bool) {
	for _, h := range r.Values {
		if strings.EqualFold(h.Name, name) {
			return h, true
		}
	}
	return Header{}, false
}
