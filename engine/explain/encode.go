package explain

import (
	"errors"
	"sort"
	"strconv"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// AppendVerdict appends v as JSON: the same bytes json.Marshal writes for
// it (field names, order and omitempty from the struct tags of
// scenario.go; TestAppendVerdictMatchesMarshal holds the two together),
// without encoding/json, so that the simulator's first wasm does not link
// it.
func AppendVerdict(b []byte, v *Verdict) []byte {
	w := obj{b: b}
	w.str("browser", v.Browser)
	w.boolean("allowed", v.Allowed)
	w.key("preflight")
	w.b = appendPreflight(w.b, &v.Preflight)
	w.boolean("actual_sent", v.ActualSent)
	if v.ActualRequest != nil {
		w.key("actual_request")
		w.b = appendPolicyRequest(w.b, v.ActualRequest)
	}
	if v.Reply != nil {
		w.key("reply")
		w.b = appendReply(w.b, v.Reply)
	}
	w.num("status", v.Status)
	w.str("type", v.Type)
	w.key("readable_headers")
	w.b = appendStrings(w.b, v.ReadableHeaders)
	w.str("reason", v.Reason)
	w.key("console")
	w.b = appendStrings(w.b, v.Console)
	w.strOmit("exception", v.Exception)
	w.num("preflight_cache_seconds", v.PreflightCacheSeconds)
	w.key("requests")
	w.b = appendEach(w.b, v.Requests, appendSentRequest)
	if len(v.Then) > 0 {
		w.key("then")
		w.b = appendEach(w.b, v.Then, AppendVerdict)
	}
	w.key("steps")
	w.b = appendEach(w.b, v.Steps, appendStep)
	if len(v.Rules) > 0 {
		w.key("rules")
		w.b = appendEach(w.b, v.Rules, appendRule)
	}
	w.key("fixes")
	w.b = appendEach(w.b, v.Fixes, appendFix)
	if len(v.Warnings) > 0 {
		w.key("warnings")
		w.b = append(w.b, '[')
		for i, x := range v.Warnings {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			o := obj{b: w.b}
			o.str("code", x.Code)
			o.str("message", x.Message)
			o.strOmit("severity", x.Severity)
			o.numOmit("line", x.Line)
			o.numOmit("column", x.Column)
			o.strOmit("path", x.Path)
			w.b = o.end()
		}
		w.b = append(w.b, ']')
	}
	if len(v.Browsers) > 0 {
		w.key("browsers")
		w.b = append(w.b, '[')
		for i, x := range v.Browsers {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			o := obj{b: w.b}
			o.str("browser", x.Browser)
			o.boolean("allowed", x.Allowed)
			o.str("reason", x.Reason)
			o.key("console")
			o.b = appendStrings(o.b, x.Console)
			o.num("preflight_cache_seconds", x.PreflightCacheSeconds)
			w.b = o.end()
		}
		w.b = append(w.b, ']')
	}
	if v.Detected != nil {
		w.key("detected")
		o := obj{b: w.b}
		o.str("format", v.Detected.Format)
		o.str("why", v.Detected.Why)
		w.b = o.end()
	}
	if v.BrowsersDiffer {
		w.boolean("browsers_differ", true)
	}
	return w.end()
}

// AppendError appends the failure object the wasm API returns,
// {"error": "...", "errors": [...]}, with the positioned faults
// (policy.Error, as json.Marshal writes them) when err carries them.
func AppendError(b []byte, err error) []byte {
	w := obj{b: b}
	w.str("error", err.Error())
	var list policy.Errors
	if !errors.As(err, &list) {
		var one *policy.Error
		if errors.As(err, &one) {
			list = policy.Errors{one}
		}
	}
	if len(list) > 0 {
		w.key("errors")
		w.b = append(w.b, '[')
		for i, e := range list {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			if e == nil {
				w.b = append(w.b, "null"...)
				continue
			}
			o := obj{b: w.b}
			o.strOmit("path", e.Path)
			o.numOmit("line", e.Line)
			o.numOmit("column", e.Column)
			o.strOmit("code", e.Code)
			o.str("message", e.Msg)
			w.b = o.end()
		}
		w.b = append(w.b, ']')
	}
	return w.end()
}

// AppendStrings appends a list of strings as a JSON array (null for nil,
// as json.Marshal writes a nil slice).
func AppendStrings(b []byte, l []string) []byte { return appendStrings(b, l) }

// obj writes one JSON object's fields in order.
type obj struct {
	b    []byte
	more bool
}

func (o *obj) key(k string) {
	if o.more {
		o.b = append(o.b, ',')
	} else {
		o.b = append(o.b, '{')
		o.more = true
	}
	o.b = jsontext.AppendString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *obj) end() []byte {
	if !o.more {
		return append(o.b, '{', '}')
	}
	return append(o.b, '}')
}

func (o *obj) str(k, v string) {
	o.key(k)
	o.b = jsontext.AppendString(o.b, v)
}

func (o *obj) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *obj) num(k string, n int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

func (o *obj) numOmit(k string, n int) {
	if n != 0 {
		o.num(k, n)
	}
}

func (o *obj) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// appendEach writes a list as a JSON array, each element with each; null
// for a nil list, as json.Marshal writes it.
func appendEach[T any](b []byte, l []T, each func([]byte, *T) []byte) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, &l[i])
	}
	return append(b, ']')
}

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

// appendHeaders writes a header list as headers.List.MarshalJSON does:
// [["Name","value"], ...], [] when empty or nil.
func appendHeaders(b []byte, l headers.List) []byte {
	b = append(b, '[')
	for i, f := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = jsontext.AppendString(b, f.Name)
		b = append(b, ',')
		b = jsontext.AppendString(b, f.Value)
		b = append(b, ']')
	}
	return append(b, ']')
}

func appendPreflight(b []byte, p *PreflightTrace) []byte {
	o := obj{b: b}
	o.boolean("sent", p.Sent)
	if p.Cached {
		o.boolean("cached", true)
	}
	if len(p.Headers) > 0 {
		// json.Marshal writes a map's keys sorted.
		keys := make([]string, 0, len(p.Headers))
		for k := range p.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o.key("headers")
		h := obj{b: o.b}
		for _, k := range keys {
			h.str(k, p.Headers[k])
		}
		o.b = h.end()
	}
	if p.Request != nil {
		o.key("request")
		o.b = appendPolicyRequest(o.b, p.Request)
	}
	if p.Reply != nil {
		o.key("reply")
		o.b = appendReply(o.b, p.Reply)
	}
	return o.end()
}

func appendPolicyRequest(b []byte, r *policy.Request) []byte {
	o := obj{b: b}
	o.str("method", r.Method)
	o.str("url", r.URL)
	o.key("headers")
	o.b = appendHeaders(o.b, r.Header)
	return o.end()
}

func appendReply(b []byte, r *Reply) []byte {
	o := obj{b: b}
	o.num("status", r.Status)
	o.key("headers")
	o.b = appendHeaders(o.b, r.Header)
	o.strOmit("body", r.Body)
	return o.end()
}

func appendRequest(b []byte, r *Request) []byte {
	o := obj{b: b}
	o.str("origin", r.Origin)
	o.str("url", r.URL)
	o.strOmit("method", r.Method)
	if len(r.Headers) > 0 {
		o.key("headers")
		o.b = appendHeaders(o.b, r.Headers)
	}
	o.strOmit("credentials", r.Credentials)
	o.strOmit("mode", r.Mode)
	if r.Body != nil {
		o.str("body", *r.Body)
	}
	o.strOmit("body_type", r.BodyType)
	o.strOmit("redirect", r.Redirect)
	o.strOmit("api", r.API)
	return o.end()
}

func appendSentRequest(b []byte, r *SentRequest) []byte {
	o := obj{b: b}
	o.boolean("preflight", r.Preflight)
	o.str("method", r.Method)
	o.str("url", r.URL)
	o.strOmit("origin", r.Origin)
	o.strOmit("acrm", r.ACRM)
	o.strOmit("acrh", r.ACRH)
	o.num("status", r.Status)
	o.boolean("from_cdn", r.FromCDN)
	return o.end()
}

func appendStep(b []byte, s *Step) []byte {
	o := obj{b: b}
	o.str("id", s.ID)
	o.str("title", s.Title)
	o.str("status", s.Status)
	o.str("detail", s.Detail)
	o.strOmit("header", s.Header)
	o.strOmit("spec", s.Spec)
	return o.end()
}

func appendRule(b []byte, r *Rule) []byte {
	o := obj{b: b}
	o.num("index", r.Index)
	o.strOmit("id", r.ID)
	o.strOmit("path", r.Path)
	o.boolean("matched", r.Matched)
	o.strOmit("failed", r.Failed)
	o.strOmit("source", r.Source)
	o.strOmit("detail", r.Detail)
	return o.end()
}

func appendFix(b []byte, f *Fix) []byte {
	o := obj{b: b}
	o.str("where", f.Where)
	o.str("summary", f.Summary)
	o.strOmit("format", f.Format)
	o.strOmit("diff", f.Diff)
	o.strOmit("text", f.Text)
	if len(f.Steps) > 0 {
		o.key("steps")
		o.b = appendStrings(o.b, f.Steps)
	}
	if f.Request != nil {
		o.key("request")
		o.b = appendRequest(o.b, f.Request)
	}
	if f.Preflight != nil {
		o.key("preflight")
		o.b = appendReply(o.b, f.Preflight)
	}
	if f.Response != nil {
		o.key("response")
		o.b = appendReply(o.b, f.Response)
	}
	o.key("allowed_in")
	o.b = appendStrings(o.b, f.AllowedIn)
	return o.end()
}
