package terraform

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// pos is a place in one of the user's files: the file, a readable path
// (aws_s3_bucket_cors_configuration.uploads.cors_rule[0].allowed_origins[1])
// and a 1-based line and column.
type pos struct {
	File   string
	Path   string
	Line   int
	Column int
}

func posOf(r hcl.Range, path string) pos {
	return pos{File: r.Filename, Path: path, Line: r.Start.Line, Column: r.Start.Column}
}

func (p pos) err(msg string) *policy.Error {
	return &policy.Error{File: p.File, Path: p.Path, Line: p.Line, Column: p.Column, Msg: msg}
}

// unknown is err for a value not given here: no refusal, so lint reports
// it as terraform-unresolved (policy.Error.LintCode).
func (p pos) unknown(msg string) *policy.Error {
	e := p.err(msg)
	e.LintCode = codeUnresolved
	return e
}

// place is p as the platforms' Position types hold it (a struct of the
// same fields, converted).
func (p pos) place() struct {
	Path   string
	Line   int
	Column int
} {
	return struct {
		Path   string
		Line   int
		Column int
	}{p.Path, p.Line, p.Column}
}

// portable is p in the neutral model. A module of one text has its
// positions in mainFile, the name a diff gives that text; lint names the
// text as its caller does.
func (p pos) portable() portable.Pos {
	return portable.Pos{File: p.File, Path: p.Path, Line: p.Line, Column: p.Column}
}

// value is one list item as resolved, where it is written.
type value struct {
	Text string
	At   pos
	// item is the literal list item it is written as, when it is one
	// (a fix may replace it); nil otherwise.
	item hcl.Expression
}

// editSite is where a fix changes a field in the user's text: the
// literal list its values come from (in whichever file: the .tf, a
// .tfvars or a variable's default), or the block where a missing
// attribute goes.
type editSite struct {
	File  string
	List  *hclsyntax.TupleConsExpr // the literal list; nil when the field is absent or computed
	Attr  *hclsyntax.Attribute     // the attribute, when present
	Block *hclsyntax.Block         // the block that holds (or would hold) the attribute
	Name  string                   // the attribute's name in Block
	// Via is the reference the list is written for, when the attribute
	// names a variable or a local ("var.app_origins"), and From where
	// that variable's value comes from (a .tfvars file, "default",
	// "-var"); Param is the variable whose -var value (policy.Source's
	// Params) holds the list, when no file does.
	Via, From, Param string
	// JSON is the array of a .tfvars.json assignment the list comes
	// from, in File, when it is one.
	JSON hcl.Expression
}

// field is one list role of a rule.
type field struct {
	Set     bool // written in the configuration
	Unknown bool // written, but its value is not known before apply
	Values  []value
	At      pos
	edit    *editSite
}

func (f *field) texts() []string {
	if f == nil {
		return nil
	}
	out := make([]string, len(f.Values))
	for i, v := range f.Values {
		out[i] = v.Text
	}
	return out
}

// rule is one CORS rule block as resolved.
type rule struct {
	At       pos
	Lists    map[string]*field // roleOrigins, roleMethods, roleHeaders, roleExpose
	MaxAge   *int
	MaxAgeAt pos
	ID       string
	Creds    bool
	CredsSet bool
	CredsAt  pos
	creds    *editSite
	Override bool
}

func (r *rule) list(role string) *field {
	if f := r.Lists[role]; f != nil {
		return f
	}
	return &field{At: r.At}
}

// site is one resource with a CORS configuration.
type site struct {
	Address string
	Shape   *shape
	At      pos
	Rules   []rule
	// Name is the bucket's or account's name when the configuration
	// spells it (for choosing by the request's host); "" otherwise.
	Name string
	// auth is an HTTP API's routes' word on its preflights (routeAuth),
	// nil when none names it.
	auth *routeAuth
	ev   policy.Evaluator
	// sent is the order ev holds the rules in, as indexes into Rules,
	// when it is not the written one (an aws_s3_bucket_cors_configuration:
	// sentOrder); nil otherwise.
	sent []int
}

// rulePos is where the site's rule i is.
func (s *site) rulePos(i int) pos {
	if i >= 0 && i < len(s.Rules) {
		return s.Rules[i].At
	}
	return s.At
}

// addresses lists sites' addresses for a message.
func addresses(sites []*site) string {
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = s.Address + " (" + s.At.File + " line " + strconv.Itoa(s.At.Line) + ")"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// findings collects positioned notes once each.
type findings struct {
	list []portable.Finding
	seen map[string]bool
}

func (f *findings) add(sev, code, msg string, at pos) {
	k := code + "\x00" + at.File + strconv.Itoa(at.Line) + ":" + strconv.Itoa(at.Column) + msg
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[k] {
		return
	}
	f.seen[k] = true
	p := at.portable()
	f.list = append(f.list, portable.Finding{Severity: sev, Code: code, Message: msg, Pos: p})
}

// Finding codes.
const (
	codeUnresolved = "terraform-unresolved"
	codeNoValue    = "terraform-variable-without-value"
	codeStarCreds  = "terraform-star-origin-credentials"
	codeRepeated   = "terraform-count-for-each"
	codeConflict   = "terraform-cors-set-twice"
	codeRuleOrder  = "terraform-cors-rule-order"
)
