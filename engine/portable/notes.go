package portable

import (
	"strconv"
	"strings"
)

// Effects of a Note: how the converted policy answers some requests
// compared with the source.
const (
	Wider    = "wider"    // the converted policy allows requests the source refuses
	Narrower = "narrower" // the converted policy refuses requests the source allows
	Differs  = "differs"  // either, depending on the request or on the application
	Same     = "same"     // no allow/deny decision changes; said for the record
)

// Note is one way the converted policy differs from the source, or a
// fact about the target the user should know.
type Note struct {
	// Rule is the index of the source rule the note is about, or -1 for
	// the whole policy.
	Rule    int    `json:"rule"`
	Field   string `json:"field,omitempty"`
	Effect  string `json:"effect"`
	Message string `json:"message"`
	// Pos is where the value is in the source text, when known.
	Pos Pos `json:"pos"`
	// Literal marks a note that a side sends Access-Control-Allow-Headers:
	// * as written (LiteralHeaderStar): the source's wider note and the
	// target's narrower one about the same rule cancel, both sides
	// sending the same "*" (convert pairs them).
	Literal bool `json:"-"`
}

// LiteralHeaderStar is the Note of a side that sends
// Access-Control-Allow-Headers: * as written.
func LiteralHeaderStar(rule int, effect, msg string, pos Pos) Note {
	return Note{Rule: rule, Field: "allow_headers", Effect: effect, Message: msg, Pos: pos, Literal: true}
}

// Notes is what a format's writer says while it maps a Policy onto its
// own model: differences in meaning (Note) and what it cannot express at
// all (Refuse). Rules are named by their index in the Policy; Notes
// reports them by the source rule they came from.
type Notes struct {
	// From maps each rule of the Policy to its source rule's index.
	From []int
	// LiteralStar marks the source rules (by index) whose allowed
	// headers "*" the source sends as written: a target that can echo
	// the requested names (the portable "*") writes a literal "*" for
	// them instead, the same line (NoteLiteral).
	LiteralStar map[int]bool
	notes       []Note
	refused     []string
}

// Literal reports that the Policy's rule i's allowed headers "*" are
// sent as written by its source (LiteralStar).
func (n *Notes) Literal(i int) bool { return n.LiteralStar[n.Src(i)] }

// Src is the source rule index of the Policy's rule i.
func (n *Notes) Src(i int) int {
	if i >= 0 && i < len(n.From) {
		return n.From[i]
	}
	return i
}

// Note records a difference about the Policy's rule i (-1: the whole
// policy) and field.
func (n *Notes) Note(i int, field, effect, msg string) {
	rule := i
	if i >= 0 {
		rule = n.Src(i)
	}
	n.notes = append(n.notes, Note{Rule: rule, Field: field, Effect: effect, Message: msg})
}

// NoteLiteral is Note of the Policy's rule i's allowed headers, for a
// target that sends Access-Control-Allow-Headers: * as written
// (LiteralHeaderStar).
func (n *Notes) NoteLiteral(i int, effect, msg string) {
	n.notes = append(n.notes, LiteralHeaderStar(n.Src(i), effect, msg, Pos{}))
}

// NoteLiteralMethods is Note of the Policy's rule i's methods, for a
// target that sends Access-Control-Allow-Methods: * as written: paired
// with the source's note when the source sends it so too (convert).
func (n *Notes) NoteLiteralMethods(i int, effect, msg string) {
	n.notes = append(n.notes, Note{Rule: n.Src(i), Field: "methods", Effect: effect, Message: msg, Literal: true})
}

// NoteSource records a difference about the source's rule (not the
// Policy's), for a writer that has already mapped its rules back.
func (n *Notes) NoteSource(rule int, field, effect, msg string) {
	n.notes = append(n.notes, Note{Rule: rule, Field: field, Effect: effect, Message: msg})
}

// Refuse records that the target cannot express field of the Policy's
// rule i without allowing more (or at all).
func (n *Notes) Refuse(i int, field, msg string) {
	// Rules are numbered from 1 in words, as everywhere users read them.
	where := "rule " + strconv.Itoa(n.Src(i)+1)
	if field != "" {
		where += " " + FieldWords(field)
	}
	n.refused = append(n.refused, where+": "+msg)
}

// FieldWords is a Note's field as a user reads it beside a rule number:
// the neutral model's names are no platform's ("allow_headers" is S3's
// AllowedHeaders, Azure's AllowedHeaders, GCS's responseHeader).
func FieldWords(field string) string {
	switch field {
	case "allow_headers":
		return "allowed request headers"
	case "expose_headers":
		return "exposed headers"
	case "max_age":
		return "max age"
	}
	return field
}

// List is every Note recorded.
func (n *Notes) List() []Note { return n.notes }

// Err is a *Refusal naming every refused field, or nil.
func (n *Notes) Err() error {
	if len(n.refused) == 0 {
		return nil
	}
	return &Refusal{Msg: "the target cannot express: " + strings.Join(n.refused, "; ")}
}

// Refusal is a source the target cannot express without allowing more.
type Refusal struct{ Msg string }

func (e *Refusal) Error() string { return e.Msg }

// WithSimple is the method list of rule i of p for a platform that
// selects rules by method (and accepts only the methods in accepted):
// the CORS-safelisted methods, which the portable form never lists
// (Fetch §2.2.1), plus the rule's own, noting what plat cannot list; a
// rule whose methods are the whole list (MethodsOnly) gets its own only.
func WithSimple(n *Notes, i int, r Rule, accepted []string, plat string) []string {
	var out []string
	if !r.MethodsOnly {
		out = []string{"GET", "HEAD", "POST"}
	}
	for _, m := range r.Methods {
		switch {
		case m == "*":
			for _, a := range accepted {
				out = AppendUnique(out, a)
			}
			n.Note(i, "methods", Narrower, "\"*\" (any method) becomes the methods "+plat+" accepts: "+strings.Join(accepted, ", "))
		case Contains(accepted, m):
			out = AppendUnique(out, m)
		case m == "OPTIONS":
		default:
			n.Note(i, "methods", Narrower, plat+" does not accept the method "+strconv.Quote(m)+"; left out")
		}
	}
	return out
}

// FallThrough notes every rule a platform that goes on past a rule
// matching the origin but not the method (nor, with headers, the
// requested headers) would reach, where the portable form stops. Between
// two rules whose source picks by method too (MethodsOnly), only the
// headers differ.
func FallThrough(n *Notes, p Policy, plat string, headers bool) {
	for j := range p.Rules {
		for i := 0; i < j; i++ {
			if !Overlap(p.Rules[i].Origins, p.Rules[j].Origins) {
				continue
			}
			what := "method"
			switch {
			case p.Rules[i].MethodsOnly && p.Rules[j].MethodsOnly && !headers:
				continue
			case p.Rules[i].MethodsOnly && p.Rules[j].MethodsOnly:
				what = "requested headers"
			case headers:
				what = "method or requested headers"
			}
			n.Note(j, "origins", Wider, plat+" goes on to this rule when rule "+strconv.Itoa(n.Src(i)+1)+" matches the origin but not the "+what+"; the source stops at rule "+strconv.Itoa(n.Src(i)+1))
			break
		}
	}
}

// NoPaths refuses every per-path rule, for a platform that applies CORS
// to every path.
func NoPaths(n *Notes, p Policy, plat string) {
	for i, r := range p.Rules {
		if len(r.Paths) > 0 {
			n.Refuse(i, "paths", plat+" applies CORS to every path, so a rule for "+strings.Join(r.Paths, ", ")+" would allow more; convert the rules for one path at a time")
		}
	}
}

// WholeOrigins keeps the origins of the Policy's rule i that a platform
// taking only exact origins and "*" can state. Each pattern it leaves out
// is a Narrower note that says why, then ", so <origin> is left out" and
// then more (advice, or nothing); a rule left with none is refused for
// plat. ok is false then.
func WholeOrigins(n *Notes, i int, origins []string, plat, why, more string) (out []string, ok bool) {
	for _, o := range origins {
		if o != "*" && strings.Contains(o, "*") {
			n.Note(i, "origins", Narrower, why+", so "+strconv.Quote(o)+" is left out"+more)
			continue
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		n.Refuse(i, "origins", "no origin "+plat+" can express")
		return nil, false
	}
	return out, true
}

// Overlap reports whether two origin lists may both match some origin.
func Overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == "*" || y == "*" || x == y || strings.Contains(x, "*") || strings.Contains(y, "*") {
				return true
			}
		}
	}
	return false
}

// AppendUnique appends s to list unless list has it.
func AppendUnique(list []string, s string) []string {
	if Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Contains reports whether list has s.
func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
