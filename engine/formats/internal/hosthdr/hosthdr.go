// Package hosthdr holds what the hosting headers-file formats (vercel,
// firebase) share: their JSON read with positions, a list of
// {"key", "value"} header objects, how a matching entry's headers land on
// a reply, the traps of static CORS headers, and edits of the user's own
// JSON text.
package hosthdr

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// maxDepth bounds nesting: a headers file nests four levels.
const maxDepth = 32

// Doc is a parsed JSON text.
type Doc struct {
	Text string
	Root *jsontext.Value
}

// Parse reads text as JSON, a syntax error positioned at its byte.
func Parse(text string) (*Doc, *policy.Error) {
	root, serr := jsontext.ParseString(text, maxDepth)
	if serr != nil {
		l, c := policy.LineCol(text, serr.Off)
		return nil, &policy.Error{Line: l, Column: c, Msg: serr.Reason(), Unreadable: true}
	}
	return &Doc{Text: text, Root: root}, nil
}

// Err is a fault of v at path.
func (d *Doc) Err(v *jsontext.Value, path, msg string) *policy.Error {
	e := &policy.Error{Path: path, Msg: msg}
	if v != nil {
		e.Line, e.Column = policy.LineCol(d.Text, int(v.Off))
	}
	return e
}

// Header is one {"key": ..., "value": ...} object of an entry.
type Header struct {
	Key, Value string
	Path       string
	Obj        *jsontext.Value // the object
	KeyV, ValV *jsontext.Value
	Line       int
}

// Headers reads v as a list of header objects: every fault is listed,
// and only well-formed ones are returned.
func (d *Doc) Headers(v *jsontext.Value, path string, errs *policy.Errors) []Header {
	if v.Kind != jsontext.Array {
		*errs = append(*errs, d.Err(v, path, "want an array of {\"key\", \"value\"} objects, got "+v.Kind.String()))
		return nil
	}
	var out []Header
	for i, it := range v.Items {
		p := jsontext.Index(path, i)
		if it.Kind != jsontext.Object {
			*errs = append(*errs, d.Err(it, p, "want a {\"key\", \"value\"} object, got "+it.Kind.String()))
			continue
		}
		h := Header{Path: p, Obj: it}
		ok := true
		for _, k := range []string{"key", "value"} {
			f, has := it.Get(k)
			switch {
			case !has:
				*errs = append(*errs, d.Err(it, p, "a header needs \""+k+"\""))
				ok = false
			case f.Kind != jsontext.String:
				*errs = append(*errs, d.Err(f, jsontext.Key(p, k), "want a string, got "+f.Kind.String()))
				ok = false
			case k == "key":
				h.Key, h.KeyV = f.Str, f
				if !headers.IsToken(f.Str) {
					*errs = append(*errs, d.Err(f, jsontext.Key(p, k), "\""+f.Str+"\" is not a header name"))
					ok = false
				}
			default:
				h.Value, h.ValV = f.Str, f
				if strings.ContainsAny(f.Str, "\r\n\x00") {
					*errs = append(*errs, d.Err(f, jsontext.Key(p, k), "a header value cannot hold a line break or NUL"))
					ok = false
				}
			}
		}
		for j, k := range it.Keys {
			if k != "key" && k != "value" {
				*errs = append(*errs, d.Err(it.Fields[j], jsontext.Key(p, k), "unknown field \""+k+"\" in a header (want key and value)"))
				ok = false
			}
		}
		if ok {
			h.Line, _ = policy.LineCol(d.Text, int(it.Off))
			out = append(out, h)
		}
	}
	return out
}

// Unknown reports each key of obj not in known.
func (d *Doc) Unknown(obj *jsontext.Value, path string, known []string, what string, errs *policy.Errors) {
	for j, k := range obj.Keys {
		found := false
		for _, n := range known {
			if k == n {
				found = true
			}
		}
		if !found {
			*errs = append(*errs, d.Err(obj.Fields[j], jsontext.Key(path, k), "unknown field \""+k+"\" in "+what+" (want "+strings.Join(known, ", ")+")"))
		}
	}
}

// Set is the headers a request's matching entries set, each field by the
// last entry that set it (res.setHeader in order; Vercel's routes with
// continue, the later header of a key overriding the earlier).
type Set struct {
	Fields []SetField
}

// SetField is one field of a Set and where it was written.
type SetField struct {
	Name, Value string
	Entry       int
	H           Header
}

// Put sets h, from entry i, replacing an earlier field of the name.
func (s *Set) Put(i int, h Header) {
	for j := range s.Fields {
		if strings.EqualFold(s.Fields[j].Name, h.Key) {
			s.Fields[j] = SetField{Name: h.Key, Value: h.Value, Entry: i, H: h}
			return
		}
	}
	s.Fields = append(s.Fields, SetField{Name: h.Key, Value: h.Value, Entry: i, H: h})
}

// Merge lays s on app's header. appWins keeps the application's own
// field where it sends one (Vercel: a Function's headers override the
// route's); otherwise s replaces it (superstatic's setHeader when the
// reply's header is written). It returns the header and the names where
// the application's field was kept.
func (s *Set) Merge(app headers.List, appWins bool) (headers.List, []string) {
	out := app.Clone()
	var kept []string
	for _, f := range s.Fields {
		if app.Has(f.Name) {
			if appWins {
				kept = append(kept, f.Name)
				continue
			}
		}
		out.Set(f.Name, f.Value)
	}
	return out, kept
}

// End returns the offset just past the JSON value that starts at off (a
// string, an object or an array; a literal or number up to its end).
func End(text string, off int) int {
	if off >= len(text) {
		return off
	}
	switch text[off] {
	case '"':
		for i := off + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(text)
	case '{', '[':
		depth := 0
		for i := off; i < len(text); i++ {
			switch text[i] {
			case '"':
				i = End(text, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(text)
	}
	i := off
	for i < len(text) && !strings.ContainsRune(",}] \t\r\n", rune(text[i])) {
		i++
	}
	return i
}

// CaseDecision is the case of an Outcome's decision: N the status, M the
// entries that matched, Args[0] "options" for an OPTIONS request, List
// the names where the application's own field was kept.
const CaseDecision = "decision"

// Outcome lays s on app (Merge) and says the decision: the status is the
// application's, OPTIONS too, as neither platform answers a preflight.
func (s *Set) Outcome(req policy.Request, app policy.Reply, rules []policy.Rule, appWins bool, w policy.Words) policy.Outcome {
	h, kept := s.Merge(app.Header, appWins)
	d := policy.Note{Case: CaseDecision, N: app.Status, List: kept}
	for _, r := range rules {
		if r.Matched {
			d.M++
		}
	}
	if req.Method == "OPTIONS" {
		d.Args[0] = "options"
	}
	return policy.Outcome{Reply: policy.Reply{Status: app.Status, Header: h, Body: app.Body}, Rules: rules, Decision: d, Words: w}
}
