package explain

import (
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"

	"github.com/whycors/whycors/engine/internal/strsort"
)

// AppendVerdict appends v as JSON: the same bytes json.Marshal writes for
// it (field names, order and omitempty from the struct tags of
// scenario.go; TestAppendVerdictMatchesMarshal holds the two together),
// without encoding/json, so that the simulator's first wasm does not link
// it.
func AppendVerdict(b []byte, v *Verdict) []byte {
	w := jsontext.Members{B: b}
	w.Str("browser", v.Browser)
	w.Bool("allowed", v.Allowed)
	w.Str("summary", v.Summary)
	w.Key("preflight")
	w.B = appendPreflight(w.B, &v.Preflight)
	w.Bool("actual_sent", v.ActualSent)
	if v.ActualRequest != nil {
		w.Key("actual_request")
		w.B = appendPolicyRequest(w.B, v.ActualRequest)
	}
	if v.Reply != nil {
		w.Key("reply")
		w.B = appendReply(w.B, v.Reply)
	}
	w.Int("status", v.Status)
	w.Str("type", v.Type)
	w.Key("readable_headers")
	w.B = appendStrings(w.B, v.ReadableHeaders)
	w.Str("reason", v.Reason)
	w.Key("console")
	w.B = appendStrings(w.B, v.Console)
	w.StrOmit("exception", v.Exception)
	w.Int("preflight_cache_seconds", v.PreflightCacheSeconds)
	w.Key("requests")
	w.B = jsontext.AppendList(w.B, v.Requests, appendSentRequest)
	if len(v.Then) > 0 {
		w.Key("then")
		w.B = jsontext.AppendList(w.B, v.Then, AppendVerdict)
	}
	w.Key("steps")
	w.B = jsontext.AppendList(w.B, v.Steps, appendStep)
	if len(v.Rules) > 0 {
		w.Key("rules")
		w.B = jsontext.AppendList(w.B, v.Rules, appendRule)
	}
	w.Key("fixes")
	w.B = jsontext.AppendList(w.B, v.Fixes, appendFix)
	if len(v.Warnings) > 0 {
		w.Key("warnings")
		w.B = append(w.B, '[')
		for i, x := range v.Warnings {
			if i > 0 {
				w.B = append(w.B, ',')
			}
			o := jsontext.Members{B: w.B}
			o.Str("code", x.Code)
			o.Str("message", x.Message)
			o.StrOmit("severity", x.Severity)
			o.StrOmit("file", x.File)
			o.IntOmit("line", x.Line)
			o.IntOmit("column", x.Column)
			o.StrOmit("path", x.Path)
			w.B = o.End()
		}
		w.B = append(w.B, ']')
	}
	if len(v.Browsers) > 0 {
		w.Key("browsers")
		w.B = append(w.B, '[')
		for i, x := range v.Browsers {
			if i > 0 {
				w.B = append(w.B, ',')
			}
			o := jsontext.Members{B: w.B}
			o.Str("browser", x.Browser)
			o.Bool("allowed", x.Allowed)
			o.Str("reason", x.Reason)
			o.Key("console")
			o.B = appendStrings(o.B, x.Console)
			o.Int("preflight_cache_seconds", x.PreflightCacheSeconds)
			w.B = o.End()
		}
		w.B = append(w.B, ']')
	}
	if p := v.DecidedBy; p != nil {
		w.Key("decided_by")
		o := jsontext.Members{B: w.B}
		o.Str("layer", p.Layer)
		o.StrOmit("resource", p.Resource)
		o.StrOmit("file", p.File)
		o.IntOmit("line", p.Line)
		o.IntOmit("column", p.Column)
		w.B = o.End()
	}
	if v.Detected != nil {
		w.Key("detected")
		o := jsontext.Members{B: w.B}
		o.Str("format", v.Detected.Format)
		o.Str("why", v.Detected.Why)
		w.B = o.End()
	}
	if v.BrowsersDiffer {
		w.Bool("browsers_differ", true)
	}
	return w.End()
}

// AppendError appends the failure object the wasm API returns,
// {"error": "...", "errors": [...]}, with the positioned faults
// (policy.Error, as json.Marshal writes them) when err carries them.
func AppendError(b []byte, err error) []byte {
	w := jsontext.Members{B: b}
	w.Str("error", err.Error())
	list, ok := findErr[policy.Errors](err)
	if !ok {
		if one, ok := findErr[*policy.Error](err); ok {
			list = policy.Errors{one}
		}
	}
	if len(list) > 0 {
		w.Key("errors")
		w.B = append(w.B, '[')
		for i, e := range list {
			if i > 0 {
				w.B = append(w.B, ',')
			}
			if e == nil {
				w.B = append(w.B, "null"...)
				continue
			}
			o := jsontext.Members{B: w.B}
			o.StrOmit("file", e.File)
			o.StrOmit("path", e.Path)
			o.IntOmit("line", e.Line)
			o.IntOmit("column", e.Column)
			o.StrOmit("code", e.Code)
			o.Str("message", e.Msg)
			w.B = o.End()
		}
		w.B = append(w.B, ']')
	}
	return w.End()
}

// AppendStrings appends a list of strings as a JSON array (null for nil,
// as json.Marshal writes a nil slice).
func AppendStrings(b []byte, l []string) []byte { return appendStrings(b, l) }

func appendStrings(b []byte, l []string) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, s)
	}
	return append(b, ']')
}

func appendPreflight(b []byte, p *PreflightTrace) []byte {
	o := jsontext.Members{B: b}
	o.Bool("sent", p.Sent)
	if p.Cached {
		o.Bool("cached", true)
	}
	if len(p.Headers) > 0 {
		o.Key("headers")
		o.B = appendStringMap(o.B, p.Headers)
	}
	if p.Request != nil {
		o.Key("request")
		o.B = appendPolicyRequest(o.B, p.Request)
	}
	if p.Reply != nil {
		o.Key("reply")
		o.B = appendReply(o.B, p.Reply)
	}
	return o.End()
}

// findErr is errors.As for a concrete T, by type assertions along
// the Unwrap chain (depth first, as errors.As walks it): errors.As
// would bring reflection into the page's wasm, 9.4 KB brotli
// (scripts/bench/WASM-SIZE.md). None of the engine's errors has an
// As method, the one thing errors.As does that this does not.
func findErr[T error](err error) (T, bool) {
	for err != nil {
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := findErr[T](e); ok {
					return t, true
				}
			}
			err = nil
		default:
			err = nil
		}
	}
	var zero T
	return zero, false
}

// appendStringMap writes m as json.Marshal writes a map: its keys
// sorted.
func appendStringMap(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	strsort.Strings(keys)
	// Its keys are data, escaped as strings, where jsontext.Members
	// writes a struct tag's names as they are.
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, k)
		b = append(b, ':')
		b = jsontext.AppendString(b, m[k])
	}
	return append(b, '}')
}

func appendPolicyRequest(b []byte, r *policy.Request) []byte {
	o := jsontext.Members{B: b}
	o.Str("method", r.Method)
	o.Str("url", r.URL)
	o.Key("headers")
	o.B = r.Header.AppendJSON(o.B)
	return o.End()
}

// AppendScenario appends s as its JSON (the contract's names, as
// json.Marshal writes them) for the fields a scenario of raw replies
// holds: browser, request, preflight, response, routes, network and caller (the
// simulator's console-line candidates; TestAppendScenario). It writes no
// policy, session, CDN or fixes switch.
func AppendScenario(b []byte, s *Scenario) []byte {
	w := jsontext.Members{B: b}
	w.StrOmit("browser", s.Browser)
	w.Key("request")
	w.B = appendRequest(w.B, &s.Request)
	if s.Preflight != nil {
		w.Key("preflight")
		w.B = appendReply(w.B, s.Preflight)
	}
	if s.Response != nil {
		w.Key("response")
		w.B = appendReply(w.B, s.Response)
	}
	if len(s.Routes) > 0 {
		w.Key("routes")
		w.B = jsontext.AppendList(w.B, s.Routes, func(b []byte, r *Route) []byte {
			o := jsontext.Members{B: b}
			o.Str("url", r.URL)
			if r.Preflight != nil {
				o.Key("preflight")
				o.B = appendReply(o.B, r.Preflight)
			}
			if r.Response != nil {
				o.Key("response")
				o.B = appendReply(o.B, r.Response)
			}
			return o.End()
		})
	}
	if n := s.Network; n != nil {
		w.Key("network")
		o := jsontext.Members{B: w.B}
		o.StrOmit("page", n.Page)
		o.StrOmit("target", n.Target)
		o.StrOmit("permission", n.Permission)
		w.B = o.End()
	}
	if c := s.Caller; c != nil {
		w.Key("caller")
		o := jsontext.Members{B: w.B}
		o.Bool("authorized", c.Authorized)
		w.B = o.End()
	}
	return w.End()
}

func appendReply(b []byte, r *Reply) []byte {
	o := jsontext.Members{B: b}
	o.Int("status", r.Status)
	o.Key("headers")
	o.B = r.Header.AppendJSON(o.B)
	o.StrOmit("body", r.Body)
	return o.End()
}

func appendRequest(b []byte, r *Request) []byte {
	o := jsontext.Members{B: b}
	o.Str("origin", r.Origin)
	o.Str("url", r.URL)
	o.StrOmit("method", r.Method)
	if len(r.Headers) > 0 {
		o.Key("headers")
		o.B = r.Headers.AppendJSON(o.B)
	}
	o.StrOmit("credentials", r.Credentials)
	o.StrOmit("mode", r.Mode)
	if r.Body != nil {
		o.Str("body", *r.Body)
	}
	o.StrOmit("body_type", r.BodyType)
	o.StrOmit("redirect", r.Redirect)
	o.StrOmit("api", r.API)
	return o.End()
}

func appendSentRequest(b []byte, r *SentRequest) []byte {
	o := jsontext.Members{B: b}
	o.Bool("preflight", r.Preflight)
	o.Str("method", r.Method)
	o.Str("url", r.URL)
	o.StrOmit("origin", r.Origin)
	o.StrOmit("acrm", r.ACRM)
	o.StrOmit("acrh", r.ACRH)
	o.Int("status", r.Status)
	o.Bool("from_cdn", r.FromCDN)
	return o.End()
}

// appendStep writes a step's members with its names and their commas as
// constants, not through jsontext.Members: a verdict's sixteen-odd steps
// hold two thirds of its members, and a constant name of up to sixteen
// bytes is copied by a few moves where Members.Key is a call, a branch
// for the comma and a memmove (issue 23).
func appendStep(b []byte, s *Step) []byte {
	b = jsontext.AppendString(append(b, `{"id":`...), s.ID)
	b = jsontext.AppendString(append(b, `,"title":`...), s.Title)
	b = jsontext.AppendString(append(b, `,"status":`...), s.Status)
	b = jsontext.AppendString(append(b, `,"detail":`...), s.Detail)
	if s.Header != "" {
		b = jsontext.AppendString(append(b, `,"header":`...), s.Header)
	}
	if s.Spec != "" {
		b = jsontext.AppendString(append(b, `,"spec":`...), s.Spec)
	}
	return append(b, '}')
}

func appendRule(b []byte, r *Rule) []byte {
	o := jsontext.Members{B: b}
	o.Int("index", r.Index)
	o.StrOmit("id", r.ID)
	o.StrOmit("path", r.Path)
	o.IntOmit("line", r.Line)
	o.Bool("matched", r.Matched)
	o.StrOmit("failed", r.Failed)
	o.StrOmit("source", r.Source)
	o.StrOmit("detail", r.Detail)
	return o.End()
}

// appendCDN writes a "cdn" as json.Marshal does: both fields omitted
// when empty.
func appendCDN(b []byte, c *CDN) []byte {
	o := jsontext.Members{B: b}
	if len(c.KeyHeaders) > 0 {
		o.Key("key_headers")
		o.B = appendStrings(o.B, c.KeyHeaders)
	}
	if c.HonoursVary {
		o.Bool("honours_vary", true)
	}
	return o.End()
}

func appendFix(b []byte, f *Fix) []byte {
	o := jsontext.Members{B: b}
	o.Str("where", f.Where)
	o.Str("summary", f.Summary)
	o.StrOmit("format", f.Format)
	o.StrOmit("diff", f.Diff)
	o.StrOmit("text", f.Text)
	if len(f.Files) > 0 {
		o.Key("files")
		o.B = jsontext.AppendList(o.B, f.Files, appendFileFix)
	}
	if len(f.Params) > 0 {
		o.Key("params")
		o.B = appendStringMap(o.B, f.Params)
	}
	if len(f.Steps) > 0 {
		o.Key("steps")
		o.B = appendStrings(o.B, f.Steps)
	}
	if f.Request != nil {
		o.Key("request")
		o.B = appendRequest(o.B, f.Request)
	}
	if f.Preflight != nil {
		o.Key("preflight")
		o.B = appendReply(o.B, f.Preflight)
	}
	if f.Response != nil {
		o.Key("response")
		o.B = appendReply(o.B, f.Response)
	}
	if f.CDN != nil {
		o.Key("cdn")
		o.B = appendCDN(o.B, f.CDN)
	}
	o.Key("allowed_in")
	o.B = appendStrings(o.B, f.AllowedIn)
	return o.End()
}

func appendFileFix(b []byte, f *FileFix) []byte {
	o := jsontext.Members{B: b}
	o.Str("name", f.Name)
	o.Str("diff", f.Diff)
	o.Str("text", f.Text)
	return o.End()
}
