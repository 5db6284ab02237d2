package convert

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// MaxText bounds the text Read and Convert accept (limits.PolicyText; the
// platform readers bound it again).
const MaxText = limits.PolicyText

// The neutral model of a configuration as read, defined in
// engine/portable so that each format package can fill it.
type (
	// Pos is where a value is in the user's text.
	Pos = portable.Pos
	// Value is one list entry as the user wrote it, with its position.
	Value = portable.Value
	// Semantics are the platform rules a Source carries.
	Semantics = portable.Semantics
	// Rule is one rule of a configuration as its platform states it.
	Rule = portable.ConfigRule
	// Source is a configuration read from one format.
	Source = portable.Config
)

// Error is a conversion this package refuses: a format with no rules to
// read (captured replies, nginx), or a rule and field the target cannot
// express without allowing more.
type Error struct {
	Msg string
	// Refused is true when the source is fine but the target cannot
	// express it without allowing more (or at all).
	Refused bool
}

func (e *Error) Error() string { return e.Msg }

// Sources lists the format names of reg that Read and Convert accept as
// input.
func Sources(reg *policy.Registry) []string {
	var out []string
	for _, n := range reg.Names() {
		f, _ := reg.Lookup(n)
		if _, ok := f.(Reader); ok || legacySource(n) {
			out = append(out, n)
		}
	}
	return out
}

// Read reads text in format (a name in reg, or "auto") into a Source.
// The error is a policy.Errors, positioned, when the platform's reader
// refuses the text, or an *Error when the format has no rules to read
// (raw replies, HAR, nginx).
func Read(reg *policy.Registry, text, format string) (*Source, error) {
	if len(text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	f, err := reg.Resolve(format, policy.Source{Text: text})
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	if r, ok := f.(Reader); ok {
		return r.ReadRules(text)
	}
	if n, ok := f.(NoRules); ok {
		return nil, &Error{Msg: f.Name() + ": " + n.NoRulesWhy()}
	}
	return legacyRead(text, f.Name())
}

func legacySource(n string) bool {
	for _, s := range []string{"apigw-http", "azure-json", "azure-xml", "ec2", "express", "gcs-json", "gcs-xml", "native",
		"r2-api", "r2-cli", "r2-json", "r2-xml", "s3-cli", "s3-cloudformation", "s3-json", "s3-xml"} {
		if s == n {
			return true
		}
	}
	return false
}

// legacyRead is the per-format reading being moved into each format's
// package (its Reader).
func legacyRead(text, format string) (*Source, error) {
	js := portable.NewLocator(text)
	src := &Source{Format: format}
	switch format {
	case "s3-xml", "s3-json", "s3-cli", "s3-cloudformation":
		c, errs := s3.Read(s3.Form(format), text)
		if len(errs) > 0 {
			return nil, errs
		}
		src.Rejects = s3.Validate(c)
		src.Semantics = Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true, OptionsRejected: true, Origins: portable.OriginsGlob}
		src.Rules = fromS3(c)
	case "r2-api", "r2-json", "r2-cli", "r2-xml":
		c, err := r2.Parse(r2.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true, OptionsRejected: true, Origins: portable.OriginsGlob}
		src.Rules = fromS3(c)
		js.Fill(src.Rules)
	case "gcs-json", "gcs-xml":
		c, err := gcs.Parse(gcs.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true, Origins: portable.OriginsLiteral}
		for i, e := range c.Entries {
			r := Rule{Index: i, Pos: Pos{Path: e.Path, Line: e.Line, Column: e.Column}, MaxAge: e.MaxAgeSeconds}
			r.Origins = values(e.Path, "origin", e.Origin)
			r.Methods = values(e.Path, "method", e.Method)
			// responseHeader is sent as both Access-Control-Allow-Headers
			// and -Expose-Headers (cloud-policies.md §3, [UNVERIFIED]).
			r.AllowHeaders = values(e.Path, "responseHeader", e.ResponseHeader)
			r.ExposeHeaders = values(e.Path, "responseHeader", e.ResponseHeader)
			r.MaxAgePos = Pos{Path: e.Path + ".maxAgeSeconds"}
			src.Rules = append(src.Rules, r)
		}
		js.Fill(src.Rules)
	case "azure-xml", "azure-json":
		c, err := azure.Parse(azure.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true, EchoHeaders: true}
		for i, ar := range c.Rules {
			r := Rule{Index: i, Pos: Pos{Path: ar.Path, Line: ar.Line, Column: ar.Column}}
			f := func(name string, v []string) []Value {
				if format == "azure-json" {
					name = strings.ToLower(name[:1]) + name[1:]
				}
				return values(ar.Path, name, v)
			}
			r.Origins = f("AllowedOrigins", ar.AllowedOrigins)
			r.Methods = f("AllowedMethods", ar.AllowedMethods)
			r.AllowHeaders = f("AllowedHeaders", ar.AllowedHeaders)
			r.ExposeHeaders = f("ExposedHeaders", ar.ExposedHeaders)
			age := ar.MaxAgeInSeconds
			r.MaxAge = &age
			// Azure echoes the origin with credentials for a non-"*"
			// rule (Azurite, [UNVERIFIED] for Azure; cloud-policies.md §4).
			r.Credentials, r.CredentialsImplied = !hasStar(ar.AllowedOrigins), true
			src.Rules = append(src.Rules, r)
		}
		js.Fill(src.Rules)
	case "apigw-http":
		c, err := apigw.ParseHTTP(text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{Origins: portable.OriginsScheme}
		r := Rule{Pos: Pos{Path: c.Path}, MaxAge: c.MaxAge, Credentials: c.AllowCredentials}
		r.Origins = values(c.Path, "AllowOrigins", c.AllowOrigins)
		r.Methods = values(c.Path, "AllowMethods", c.AllowMethods)
		r.AllowHeaders = values(c.Path, "AllowHeaders", c.AllowHeaders)
		r.ExposeHeaders = values(c.Path, "ExposeHeaders", c.ExposeHeaders)
		r.CredentialsPos = Pos{Path: c.Path + ".AllowCredentials"}
		r.MaxAgePos = Pos{Path: c.Path + ".MaxAge"}
		src.Rules = []Rule{r}
		js.Fill(src.Rules)
	case "ec2":
		// The EC2 API's fixed policy (cloud-policies.md §5.3): ACAO *,
		// methods GET, POST, OPTIONS, DELETE, PUT, any header echoed,
		// max-age 1800, never credentials.
		age := 1800
		src.Semantics = Semantics{EchoHeaders: true}
		src.Rules = []Rule{{Origins: values("", "", []string{"*"}), Methods: values("", "", []string{"GET", "POST", "OPTIONS", "DELETE", "PUT"}),
			AllowHeaders: values("", "", []string{"*"}), MaxAge: &age}}
	case "native":
		p, err := native.Parse(text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{EchoHeaders: true, EchoMethods: true, Origins: portable.OriginsSubdomain}
		base := "$"
		if js.Has("$.rules") {
			base = "$.rules"
		}
		for i, nr := range p.Rules() {
			at := base
			if base != "$" {
				at = base + "[" + strconv.Itoa(i) + "]"
			}
			r := Rule{Index: i, Name: nr.Name, Pos: Pos{Path: at}, Credentials: nr.Credentials, MaxAge: nr.MaxAge}
			r.Origins = values(at, "origins", nr.Origins)
			r.Methods = values(at, "methods", nr.Methods)
			r.AllowHeaders = values(at, "request_headers", nr.RequestHeaders)
			r.ExposeHeaders = values(at, "exposed_headers", nr.ExposedHeaders)
			r.CredentialsPos = Pos{Path: at + ".credentials"}
			r.MaxAgePos = Pos{Path: at + ".max_age"}
			r.PreflightPass = nr.UnmatchedPreflight == native.Pass
			r.Paths, r.PathNote = nativePath(nr.Path)
			src.Rules = append(src.Rules, r)
		}
		js.Fill(src.Rules)
	case "express":
		c, err := express.Parse(text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: true}
		for i, m := range c.Middlewares {
			src.Rules = append(src.Rules, fromExpress(i, m))
		}
	case "nginx":
		return nil, &Error{Msg: "nginx: the reader evaluates the configuration but exposes no rule model to convert from; convert from the policy you generated it from, or write the rules in the native format"}
	case "raw", "har":
		return nil, &Error{Msg: format + ": captured replies are not a policy: there are no rules to convert"}
	default:
		return nil, &Error{Msg: format + ": converting from this format is not supported"}
	}
	return src, nil
}

func fromS3(c *s3.Configuration) []Rule {
	var out []Rule
	for i := range c.Rules {
		sr := &c.Rules[i]
		r := Rule{Index: i, Name: sr.ID, Pos: Pos{Path: sr.At.Path, Line: sr.At.Line, Column: sr.At.Column}, MaxAge: sr.MaxAgeSeconds}
		list := func(name string, v []string) []Value {
			vs := make([]Value, len(v))
			for j, s := range v {
				vs[j] = Value{Text: s, Pos: Pos{Path: sr.At.Path, Line: sr.At.Line, Column: sr.At.Column}}
				if ps := sr.Values[name]; j < len(ps) {
					vs[j].Pos = Pos{Path: ps[j].Path, Line: ps[j].Line, Column: ps[j].Column}
				}
			}
			return vs
		}
		r.Origins = list("AllowedOrigins", sr.AllowedOrigins)
		r.Methods = list("AllowedMethods", sr.AllowedMethods)
		r.AllowHeaders = list("AllowedHeaders", sr.AllowedHeaders)
		r.ExposeHeaders = list("ExposeHeaders", sr.ExposeHeaders)
		r.MaxAgePos = Pos{Path: sr.At.Path, Line: sr.At.Line, Column: sr.At.Column}
		// S3 sends Access-Control-Allow-Credentials: true whenever the
		// rule has no "*" origin (cloud-policies.md §0 item 4, [AWS-REC]).
		r.Credentials, r.CredentialsImplied = !hasStar(sr.AllowedOrigins), true
		r.CredentialsPos = r.MaxAgePos
		out = append(out, r)
	}
	return out
}

func fromExpress(i int, m express.Middleware) Rule {
	at := Pos{Line: m.Line, Column: m.Column}
	opt := func(key string) Pos {
		if p, ok := m.At[key]; ok {
			return Pos{Line: p.Line, Column: p.Column}
		}
		return at
	}
	r := Rule{Index: i, Pos: at, Credentials: m.Credentials, CredentialsPos: opt("credentials"), MaxAgePos: opt("maxAge")}
	list := func(key, s string) []Value {
		var vs []Value
		for _, x := range splitComma(s) {
			vs = append(vs, Value{Text: x, Pos: opt(key)})
		}
		return vs
	}
	switch {
	case m.Disabled:
		r.Disabled = true
	case m.AnyOrigin:
		r.Origins = []Value{{Text: "*", Pos: opt("origin")}}
	case m.Fixed != "":
		r.Origins = []Value{{Text: m.Fixed, Pos: opt("origin")}}
	case m.ReflectAll:
		r.ReflectAny = true
	default:
		for _, o := range m.Allowed {
			p := Pos{Line: o.Line, Column: o.Column}
			if p.Line == 0 {
				p = opt("origin")
			}
			if o.Regex != "" {
				if r.Regex == nil {
					r.Regex = map[int]bool{}
				}
				r.Regex[len(r.Origins)] = true
				r.Origins = append(r.Origins, Value{Text: o.Regex, Pos: p})
			} else {
				r.Origins = append(r.Origins, Value{Text: o.Exact, Pos: p})
			}
		}
	}
	r.Methods = list("methods", m.Methods)
	if m.AllowedHeaders == nil {
		r.EchoAllHeaders = true
	} else {
		key := "allowedHeaders"
		if _, ok := m.At[key]; !ok {
			key = "headers"
		}
		r.AllowHeaders = list(key, *m.AllowedHeaders)
	}
	r.ExposeHeaders = list("exposedHeaders", m.ExposedHeaders)
	if m.MaxAge != "" {
		if n, err := strconv.Atoi(m.MaxAge); err == nil {
			r.MaxAge = &n
		}
	}
	r.PreflightPass = m.PreflightContinue
	r.MethodOnly = m.Method
	if m.Path != "" && m.Path != "/" && m.Path != "*" && m.Path != "/*" {
		r.Paths = []string{m.Path}
		if !m.Prefix {
			r.PathNote = "the route covers exactly " + strconv.Quote(m.Path) + "; the portable form covers it and every path below it"
		}
	}
	return r
}

// nativePath maps a native path pattern onto portable Paths.
func nativePath(p string) ([]string, string) {
	switch {
	case p == "" || p == "/*":
		return nil, ""
	case strings.HasSuffix(p, "/*"):
		base := strings.TrimSuffix(p, "/*")
		return []string{base}, "native " + strconv.Quote(p) + " covers paths under " + strconv.Quote(base+"/") + " but not " + strconv.Quote(base) + " itself; the portable form covers both"
	case strings.HasSuffix(p, "*"):
		// "/api*" is a raw prefix; the portable form works by segments.
		base := strings.TrimSuffix(p, "*")
		return []string{base}, "native " + strconv.Quote(p) + " is a raw prefix (it covers " + strconv.Quote(base+"x") + "); the portable form covers whole segments only"
	}
	return []string{p}, "native " + strconv.Quote(p) + " covers exactly that path; the portable form also covers the paths below it"
}

func values(base, field string, v []string) []Value {
	out := make([]Value, len(v))
	for i, s := range v {
		out[i] = Value{Text: s}
		if field != "" {
			out[i].Pos.Path = base + "." + field + "[" + strconv.Itoa(i) + "]"
		}
	}
	return out
}

func hasStar(v []string) bool {
	for _, s := range v {
		if s == "*" {
			return true
		}
	}
	return false
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func texts(v []Value) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.Text
	}
	return out
}
