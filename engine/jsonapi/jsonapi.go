// Package jsonapi writes, as JSON, the values the engine's entry points
// return besides the verdict (explain.AppendVerdict writes that one), and
// reads the small request objects that name their arguments, for a shell
// that hands JSON to its host: the simulator's full engine (wasm/full).
// It does so without encoding/json, whose reflection and fmt would be
// most of what the full engine's wasm links for JSON. Each Append
// function writes the bytes json.Marshal writes for its value (field
// names, order and omitempty from the types' struct tags);
// TestAppendMatchesMarshal holds them together.
package jsonapi

import (
	"strings"

	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// AppendDetections appends policy.Registry.Detect's result.
func AppendDetections(b []byte, l []policy.Detection) []byte {
	return jsontext.AppendList(b, l, func(b []byte, d *policy.Detection) []byte {
		o := jsontext.Members{B: b}
		o.Str("format", d.Format)
		o.Str("why", d.Why)
		return o.End()
	})
}

// AppendFindings appends lint.Lint's result.
func AppendFindings(b []byte, l []lint.Finding) []byte {
	return jsontext.AppendList(b, l, func(b []byte, f *lint.Finding) []byte {
		o := jsontext.Members{B: b}
		o.Str("severity", string(f.Severity))
		o.Str("code", f.Code)
		o.Str("message", f.Message)
		o.StrOmit("path", f.Path)
		o.IntOmit("line", f.Line)
		o.IntOmit("column", f.Column)
		return o.End()
	})
}

// AppendConverted appends convert.Convert's result as the object
// {"text": out, "notes": [Note, ...]}.
func AppendConverted(b []byte, out string, notes []convert.Note) []byte {
	o := jsontext.Members{B: b}
	o.Str("text", out)
	o.Key("notes")
	o.B = jsontext.AppendList(o.B, notes, func(b []byte, n *convert.Note) []byte {
		o := jsontext.Members{B: b}
		o.Int("rule", n.Rule)
		o.StrOmit("field", n.Field)
		o.Str("effect", n.Effect)
		o.Str("message", n.Message)
		o.Key("pos")
		p := jsontext.Members{B: o.B}
		p.StrOmit("path", n.Pos.Path)
		p.IntOmit("line", n.Pos.Line)
		p.IntOmit("column", n.Pos.Column)
		o.B = p.End()
		return o.End()
	})
	return o.End()
}

// AppendPairs appends har.Pairs' result.
func AppendPairs(b []byte, l []har.Pair) []byte {
	return jsontext.AppendList(b, l, func(b []byte, p *har.Pair) []byte {
		o := jsontext.Members{B: b}
		o.Key("candidate")
		c := jsontext.Members{B: o.B}
		c.Int("index", p.Candidate.Index)
		c.Str("method", p.Candidate.Method)
		c.Str("url", p.Candidate.URL)
		c.Str("origin", p.Candidate.Origin)
		c.Int("status", p.Candidate.Status)
		c.StrOmit("error", p.Candidate.Error)
		c.StrOmit("type", p.Candidate.Type)
		c.Int("preflight", p.Candidate.Preflight)
		c.StrOmit("started", p.Candidate.Started)
		o.B = c.End()
		o.Key("exchange")
		o.B = appendExchange(o.B, &p.Exchange)
		o.StrOmit("preflight_status_text", p.PreflightStatusText)
		o.StrOmit("status_text", p.StatusText)
		return o.End()
	})
}

func appendExchange(b []byte, x *har.Exchange) []byte {
	o := jsontext.Members{B: b}
	o.Key("request")
	r := jsontext.Members{B: o.B}
	r.Str("method", x.Request.Method)
	r.Str("url", x.Request.URL)
	r.Str("origin", x.Request.Origin)
	r.Key("headers")
	r.B = x.Request.Headers.AppendJSON(r.B)
	r.StrOmit("credentials", x.Request.Credentials)
	o.B = r.End()
	if x.Preflight != nil {
		o.Key("preflight")
		o.B = appendReply(o.B, x.Preflight)
	}
	if x.Actual != nil {
		o.Key("actual")
		o.B = appendReply(o.B, x.Actual)
	}
	o.Int("preflight_index", x.PreflightIndex)
	o.Int("actual_index", x.ActualIndex)
	if len(x.Notes) > 0 {
		o.Key("notes")
		o.B = jsontext.AppendList(o.B, x.Notes, func(b []byte, s *string) []byte { return jsontext.AppendString(b, *s) })
	}
	return o.End()
}

func appendReply(b []byte, r *policy.Reply) []byte {
	o := jsontext.Members{B: b}
	o.Int("status", r.Status)
	o.Key("headers")
	h, _ := r.Header.MarshalJSON()
	o.B = append(o.B, h...)
	o.StrOmit("body", r.Body)
	return o.End()
}

// DecodeFields reads arg, a JSON object, into the strings fields names:
// a member fills the field whose name it matches case-insensitively (the
// last such member wins; {"Text": ...} fills "text"), as json.Unmarshal
// fills a struct of string fields; other members and null values are
// ignored, and null for the whole object leaves every field "". A value
// that is not a string, or an argument that is not an object, is refused
// at its JSON path, line and column.
func DecodeFields(arg string, fields map[string]*string) error {
	root, serr := jsontext.ParseString(arg, jsontext.MaxDepth)
	if serr != nil {
		line, col := policy.LineCol(arg, serr.Off)
		return policy.Errors{{Path: "$", Line: line, Column: col, Msg: "invalid JSON: " + serr.Msg}}
	}
	switch root.Kind {
	case jsontext.Null:
		return nil
	case jsontext.Object:
	default:
		line, col := policy.LineCol(arg, int(root.Off))
		return policy.Errors{{Path: "$", Line: line, Column: col, Msg: "want an object, found " + root.Kind.String()}}
	}
	var errs policy.Errors
	for i, k := range root.Keys {
		for name, dst := range fields {
			if !strings.EqualFold(k, name) {
				continue
			}
			switch v := root.Fields[i]; v.Kind {
			case jsontext.String:
				*dst = v.Str
			case jsontext.Null:
			default:
				line, col := policy.LineCol(arg, int(v.Off))
				errs = append(errs, &policy.Error{Path: jsontext.Key("$", k), Line: line, Column: col, Msg: "want a string, found " + v.Kind.String()})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// AppendConsole appends a console line as read (consoleline.Read) and the
// scenarios that print it: {"line": {"browser", "text", "reason",
// "origin", "url", "value", "status", "preflight"}, "candidates":
// [{"desc", "scenario"}]}, for the simulator's console-line entry.
func AppendConsole(b []byte, l *consoleline.Line, cs []consoleline.Candidate) []byte {
	w := jsontext.Members{B: b}
	w.Key("line")
	o := jsontext.Members{B: w.B}
	o.Str("browser", l.Browser)
	o.Str("text", l.Text)
	o.Str("api", l.API)
	o.Str("reason", l.Reason)
	o.StrOmit("origin", l.Origin)
	o.StrOmit("url", l.URL)
	o.StrOmit("value", l.Value)
	o.IntOmit("status", l.Status)
	o.Bool("preflight", l.Preflight)
	w.B = o.End()
	w.Key("candidates")
	w.B = jsontext.AppendList(w.B, cs, func(b []byte, c *consoleline.Candidate) []byte {
		o := jsontext.Members{B: b}
		o.Str("desc", c.Desc)
		o.Key("scenario")
		o.B = explain.AppendScenario(o.B, &c.Scenario)
		return o.End()
	})
	return w.End()
}
