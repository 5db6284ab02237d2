package vercel

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// Config is a read vercel.json: its header entries, in order, and the
// routes that answer before them (cleanUrls, trailingSlash, redirects).
type Config struct {
	Entries   []Entry
	Redirects []Redirect
	// CleanURLs and TrailingSlash are the file's settings; TrailingSlash
	// is nil when the file does not set it.
	CleanURLs     bool
	TrailingSlash *bool
	routes        []route
	doc           *hosthdr.Doc
}

// Match is what a header entry or a redirect matches: its source and
// conditions.
type Match struct {
	Source  string
	Src     string // the route's regular expression, as routing-utils writes it
	Path    string // JSON path
	Line    int
	Has     []Cond
	Missing []Cond
	re      *regexp.Regexp
	names   []string // capture groups of re, by position ("" for unnamed)
	// segs: ":name" in keys, values and destinations stands for a
	// segment (routing-utils replaces it only then).
	segs bool
	obj  *jsontext.Value
}

// Entry is one element of "headers".
type Entry struct {
	Match
	Headers []hosthdr.Header
	arr     *jsontext.Value // its "headers" array
}

// Redirect is one element of "redirects".
type Redirect struct {
	Match
	Destination string
	Status      int
}

// Cond is one has or missing condition.
type Cond struct {
	Type, Key string
	Value     *string
	re        *regexp.Regexp
}

// Parse reads text, listing every fault with its position.
func Parse(text string) (*Config, error) {
	d, perr := hosthdr.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	var errs policy.Errors
	c := &Config{doc: d}
	root := d.Root
	if root.Kind != jsontext.Object {
		return nil, policy.Errors{d.Err(root, "$", "want a JSON object (vercel.json), got "+root.Kind.String())}
	}
	hv, ok := root.Get("headers")
	if !ok {
		return nil, policy.Errors{d.Err(root, "$", "no \"headers\" list: a vercel.json sets headers under \"headers\"")}
	}
	if rv, ok := root.Get("routes"); ok {
		errs = append(errs, d.Err(rv, "$.routes", "\"routes\" cannot be used with \"headers\" (Vercel refuses the file); write the routes as headers, redirects and rewrites"))
	}
	for _, k := range []string{"cleanUrls", "trailingSlash"} {
		v, ok := root.Get(k)
		if !ok {
			continue
		}
		if v.Kind != jsontext.Bool {
			errs = append(errs, d.Err(v, "$."+k, "want a boolean, got "+v.Kind.String()))
			continue
		}
		if k == "cleanUrls" {
			c.CleanURLs = v.Bool
		} else {
			b := v.Bool
			c.TrailingSlash = &b
		}
	}
	if rv, ok := root.Get("redirects"); ok {
		c.Redirects = redirects(d, rv, &errs)
	}
	if hv.Kind != jsontext.Array {
		return nil, append(errs, d.Err(hv, "$.headers", "want an array of header entries, got "+hv.Kind.String()))
	}
	if len(hv.Items) > 2048 {
		errs = append(errs, d.Err(hv, "$.headers", "more than 2048 header entries (Vercel's limit)"))
	}
	for i, it := range hv.Items {
		p := jsontext.Index("$.headers", i)
		if it.Kind != jsontext.Object {
			errs = append(errs, d.Err(it, p, "want a header entry object, got "+it.Kind.String()))
			continue
		}
		d.Unknown(it, p, []string{"source", "headers", "has", "missing"}, "a header entry", &errs)
		m, good := readMatch(d, it, p, &errs)
		e := Entry{Match: m}
		av, ok := it.Get("headers")
		switch {
		case !ok:
			errs = append(errs, d.Err(it, p, "a header entry needs \"headers\""))
			good = false
		default:
			n := len(errs)
			e.Headers = d.Headers(av, p+".headers", &errs)
			e.arr = av
			if len(errs) > n {
				good = false
			}
			if av.Kind == jsontext.Array && len(av.Items) > 1024 {
				errs = append(errs, d.Err(av, p+".headers", "more than 1024 headers in one entry (Vercel's limit)"))
			}
		}
		if good {
			c.Entries = append(c.Entries, e)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			if errs[i].Line != errs[j].Line {
				return errs[i].Line < errs[j].Line
			}
			return errs[i].Column < errs[j].Column
		})
		return nil, errs
	}
	c.routes = c.buildRoutes()
	return c, nil
}

// readMatch reads an entry's or a redirect's source, has and missing.
func readMatch(d *hosthdr.Doc, it *jsontext.Value, p string, errs *policy.Errors) (Match, bool) {
	m := Match{Path: p, obj: it}
	m.Line, _ = policy.LineCol(d.Text, int(it.Off))
	good := true
	sv, ok := it.Get("source")
	switch {
	case !ok:
		*errs = append(*errs, d.Err(it, p, "an entry needs \"source\""))
		good = false
	case sv.Kind != jsontext.String:
		*errs = append(*errs, d.Err(sv, p+".source", "want a string, got "+sv.Kind.String()))
		good = false
	default:
		m.Source = sv.Str
		if msg := jsRegexpFault(sv.Str); msg != "" {
			*errs = append(*errs, d.Err(sv, p+".source", "the source \""+sv.Str+"\" is not a valid regular expression ("+msg+"); Vercel refuses it (https://vercel.link/invalid-route-source-pattern)"))
			good = false
			break
		}
		src, re, serr := compileSource(sv.Str)
		if serr != nil {
			*errs = append(*errs, d.Err(sv, p+".source", "invalid source pattern \""+sv.Str+"\": "+serr.msg+" at byte "+strconv.Itoa(serr.index)))
			good = false
			break
		}
		m.Src, m.re = src, re
		m.names = keyNames(sv.Str)
	}
	for _, k := range []string{"has", "missing"} {
		v, ok := it.Get(k)
		if !ok {
			continue
		}
		cs, cok := conds(d, v, p+"."+k, errs)
		good = good && cok
		if k == "has" {
			m.Has = cs
		} else {
			m.Missing = cs
		}
	}
	for _, cd := range m.Has {
		if cd.Value == nil && cd.Key != "" || cd.re != nil && (cd.Type == "host" || len(namedGroups(*cd.Value)) > 0) {
			m.segs = true
		}
	}
	for _, n := range m.names {
		if n != "" {
			m.segs = true
		}
	}
	return m, good
}

// missingSegment is routing-utils' checkPatternSyntax for a redirect: a
// :name in the destination's host, path or query values that neither the
// source nor a has condition provides; "" when none.
func missingSegment(dest string, m Match) string {
	have := map[string]bool{}
	for _, n := range m.names {
		have[n] = true
	}
	for _, cd := range m.Has {
		if cd.Value == nil && cd.Key != "" {
			have[cd.Key] = true
		}
		if cd.Value != nil {
			for _, n := range namedGroups(*cd.Value) {
				have[n] = true
			}
			if cd.Type == "host" {
				have["host"] = true
			}
		}
	}
	host, rest := "", dest
	if i := strings.Index(dest, "://"); i >= 0 {
		rest = dest[i+3:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 {
			j = len(rest)
		}
		host, rest = rest[:j], rest[j:]
		if k := strings.LastIndexByte(host, '@'); k >= 0 {
			host = host[k+1:]
		}
		if k := strings.LastIndexByte(host, ':'); k >= 0 && !strings.Contains(host[k:], "]") {
			host = host[:k]
		}
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	path, query, _ := strings.Cut(rest, "?")
	parts := []string{host, path}
	for _, kv := range strings.Split(query, "&") {
		_, v, _ := strings.Cut(kv, "=")
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		parts = append(parts, v)
	}
	for _, p := range parts {
		for _, n := range keyNames(p) {
			if n != "" && !have[n] {
				return n
			}
		}
	}
	return ""
}

// redirects reads "redirects": source, destination, permanent or
// statusCode (308 when neither, as routing-utils' convertRedirects).
func redirects(d *hosthdr.Doc, v *jsontext.Value, errs *policy.Errors) []Redirect {
	if v.Kind != jsontext.Array {
		*errs = append(*errs, d.Err(v, "$.redirects", "want an array of redirects, got "+v.Kind.String()))
		return nil
	}
	var out []Redirect
	for i, it := range v.Items {
		p := jsontext.Index("$.redirects", i)
		if it.Kind != jsontext.Object {
			*errs = append(*errs, d.Err(it, p, "want a redirect object, got "+it.Kind.String()))
			continue
		}
		m, good := readMatch(d, it, p, errs)
		r := Redirect{Match: m, Status: 308}
		dv, ok := it.Get("destination")
		if !ok || dv.Kind != jsontext.String {
			*errs = append(*errs, d.Err(it, p, "a redirect needs a \"destination\" string"))
			good = false
		} else {
			r.Destination = dv.Str
		}
		if good {
			if seg := missingSegment(r.Destination, m); seg != "" {
				dv, _ := it.Get("destination")
				*errs = append(*errs, d.Err(dv, p+".destination", "the destination names the segment \":"+seg+"\", which the source and the has conditions do not (Vercel refuses it: https://vercel.link/invalid-route-destination-segment)"))
				good = false
			}
		}
		if _, both := it.Get("permanent"); both {
			if sv, ok := it.Get("statusCode"); ok {
				*errs = append(*errs, d.Err(sv, p+".statusCode", "a redirect has permanent or statusCode, not both (Vercel refuses it)"))
				good = false
			}
		}
		if pv, ok := it.Get("permanent"); ok {
			if pv.Kind != jsontext.Bool {
				*errs = append(*errs, d.Err(pv, p+".permanent", "want a boolean, got "+pv.Kind.String()))
				good = false
			} else if pv.Bool {
				r.Status = 308
			} else {
				r.Status = 307
			}
		} else if sv, ok := it.Get("statusCode"); ok {
			n, isInt := sv.Int()
			if !isInt || n < 300 || n > 399 {
				*errs = append(*errs, d.Err(sv, p+".statusCode", "a redirect's statusCode is a 3xx status"))
				good = false
			} else if n != 0 {
				r.Status = n
			}
		}
		if good {
			out = append(out, r)
		}
	}
	return out
}

// conds reads a has or missing list.
func conds(d *hosthdr.Doc, v *jsontext.Value, path string, errs *policy.Errors) ([]Cond, bool) {
	if v.Kind != jsontext.Array {
		*errs = append(*errs, d.Err(v, path, "want an array of conditions, got "+v.Kind.String()))
		return nil, false
	}
	ok := true
	var out []Cond
	for i, it := range v.Items {
		p := jsontext.Index(path, i)
		if it.Kind != jsontext.Object {
			*errs = append(*errs, d.Err(it, p, "want a condition object, got "+it.Kind.String()))
			ok = false
			continue
		}
		d.Unknown(it, p, []string{"type", "key", "value"}, "a condition", errs)
		var c Cond
		tv, has := it.Get("type")
		if !has || tv.Kind != jsontext.String || !oneOf(tv.Str, "header", "cookie", "query", "host") {
			at := it
			if has {
				at = tv
			}
			*errs = append(*errs, d.Err(at, p+".type", "a condition's \"type\" is one of header, cookie, query, host"))
			ok = false
			continue
		}
		c.Type = tv.Str
		if kv, has := it.Get("key"); has {
			if kv.Kind != jsontext.String || c.Type == "host" {
				*errs = append(*errs, d.Err(kv, p+".key", "\"key\" is a string, and a host condition has none"))
				ok = false
			}
			c.Key = kv.Str
			if c.Type == "header" {
				c.Key = strings.ToLower(c.Key)
			}
		} else if c.Type != "host" {
			*errs = append(*errs, d.Err(it, p, "a "+c.Type+" condition needs \"key\""))
			ok = false
		}
		if vv, has := it.Get("value"); has {
			switch vv.Kind {
			case jsontext.String:
				s := vv.Str
				re, err := regexp.Compile("^(?:" + s + ")$")
				if err != nil {
					*errs = append(*errs, d.Err(vv, p+".value", "the value \""+s+"\" is a regular expression this reader cannot read: "+err.Error()))
					ok = false
				}
				c.Value, c.re = &s, re
			case jsontext.Object:
				*errs = append(*errs, d.Err(vv, p+".value", "a condition value as an object (eq, neq, inc, ...) is not modelled here; write a string (a regular expression)"))
				ok = false
			default:
				*errs = append(*errs, d.Err(vv, p+".value", "want a string, got "+vv.Kind.String()))
				ok = false
			}
		} else if c.Type == "host" {
			*errs = append(*errs, d.Err(it, p, "a host condition needs \"value\""))
			ok = false
		}
		out = append(out, c)
	}
	return out, ok
}

func oneOf(s string, l ...string) bool {
	for _, x := range l {
		if s == x {
			return true
		}
	}
	return false
}

var namedGroupRE = regexp.MustCompile(`\(\?<([a-zA-Z][a-zA-Z0-9_]*)>`)

func namedGroups(s string) []string {
	var out []string
	for _, m := range namedGroupRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// keyNames lists the source's parameters in order, "" for unnamed ones.
func keyNames(s string) []string {
	parts, err := parse(s)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range parts {
		if p.isKey && p.key.pattern != "" {
			n := p.key.name
			if n != "" && n[0] >= '0' && n[0] <= '9' {
				n = ""
			}
			out = append(out, n)
		}
	}
	return out
}

// jsRegexpFault approximates routing-utils' checkRegexSyntax (new
// RegExp(source)): what Go's RE2 refuses and JavaScript also refuses
// (nothing to repeat, unbalanced parentheses or brackets).
func jsRegexpFault(s string) string {
	_, err := regexp.Compile(s)
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, also := range []string{"missing argument to repetition operator", "invalid nested repetition operator", "missing closing )", "unexpected )", "missing closing ]"} {
		if strings.Contains(msg, also) {
			return strings.TrimPrefix(msg, "error parsing regexp: ")
		}
	}
	return ""
}

// substitute fills ":name" in s from vals, as routing-utils' safelyCompile
// turns each known name (":name", ":name*", ":name?", ":name+") into its
// "$n", longest names first so that ":id" does not eat ":idx".
func substitute(s string, vals map[string]string) string {
	if !strings.Contains(s, ":") || len(vals) == 0 {
		return s
	}
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == ':' {
			matched := false
			for _, n := range names {
				if strings.HasPrefix(s[i+1:], n) {
					j := i + 1 + len(n)
					if j < len(s) && isWord(s[j]) {
						continue
					}
					if j < len(s) && strings.IndexByte("*?+", s[j]) >= 0 {
						j++
					}
					b.WriteString(vals[n])
					i = j
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
