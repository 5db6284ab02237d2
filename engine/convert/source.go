package convert

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// MaxText bounds the text Read and Convert accept (the platform readers
// bound it again, at their own limits).
const MaxText = 1 << 20

// Pos is where a value is in the user's text: a JSON path or XML element
// path, and a 1-based line and column when known.
type Pos struct {
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Value is one list entry as the user wrote it, with its position.
type Value struct {
	Text string `json:"text"`
	Pos  Pos    `json:"pos"`
}

// Semantics are the platform rules a Source carries, which decide how its rules are
// turned into the portable form and what a linter may say about them.
type Semantics struct {
	// MethodSelects: a rule is chosen by origin AND method, so a rule
	// that does not list GET gives a simple GET no CORS headers (S3 §1.3,
	// GCS §3, Azure §4 of cloud-policies.md).
	MethodSelects bool `json:"method_selects,omitempty"`
	// HeaderFallThrough: a rule whose AllowedHeaders miss a requested
	// header is skipped and the next rule tried (S3 §1.3; Azure does not,
	// §4).
	HeaderFallThrough bool `json:"header_fall_through,omitempty"`
	// EchoHeaders: a "*" in the allowed headers makes the platform echo
	// the requested names, so it covers Authorization and works with
	// credentials (S3 §0 item 3, native's request_headers "*"). Otherwise
	// "*" is sent literally and the browser reads it (Fetch §3.3.3).
	EchoHeaders bool `json:"echo_headers,omitempty"`
	// VaryOnMissOnly: Vary is sent only when a rule matched, so a cache
	// may replay an answer without CORS headers to a CORS request (S3 §0
	// item 5).
	VaryOnMissOnly bool `json:"vary_on_miss_only,omitempty"`
}

// Rule is one rule of a configuration as its platform states it, in the
// portable vocabulary, with where each value is in the user's text.
type Rule struct {
	Index int    `json:"index"`
	Name  string `json:"name,omitempty"`
	Pos   Pos    `json:"pos"`
	// Origins are the allowed-origin entries as written (patterns in the
	// platform's own syntax).
	Origins []Value `json:"origins"`
	// Regex marks origin entries that are regular expressions (Express
	// RegExp), by index in Origins.
	Regex map[int]bool `json:"regex,omitempty"`
	// ReflectAny: the platform echoes every request's Origin (Express
	// origin: true).
	ReflectAny   bool    `json:"reflect_any,omitempty"`
	Methods      []Value `json:"methods,omitempty"`
	AllowHeaders []Value `json:"allow_headers,omitempty"`
	// EchoAllHeaders: no header list at all, and the platform reflects
	// every requested header (Express without allowedHeaders).
	EchoAllHeaders bool    `json:"echo_all_headers,omitempty"`
	ExposeHeaders  []Value `json:"expose_headers,omitempty"`
	// Credentials: the platform sends Access-Control-Allow-Credentials:
	// true with this rule's answers (for S3 and Azure, whenever the
	// origin is echoed rather than "*").
	Credentials    bool `json:"credentials,omitempty"`
	CredentialsPos Pos  `json:"credentials_pos"`
	// CredentialsImplied: Credentials comes from the platform, not a
	// field the user set (S3's echo).
	CredentialsImplied bool `json:"credentials_implied,omitempty"`
	MaxAge             *int `json:"max_age,omitempty"`
	MaxAgePos          Pos  `json:"max_age_pos"`
	// Paths the rule covers in portable form ("/api" covers "/api" and
	// below); empty covers every path. PathNote explains a difference
	// between the platform's path and that form.
	Paths    []string `json:"paths,omitempty"`
	PathNote string   `json:"-"`
	// Disabled: the rule sends no CORS header at all (Express origin: false).
	Disabled bool `json:"disabled,omitempty"`
	// PreflightPass: preflights are handed to the application.
	PreflightPass bool `json:"preflight_pass,omitempty"`
	// MethodOnly limits the rule to requests of this method (an Express
	// route such as app.options).
	MethodOnly string `json:"method_only,omitempty"`
}

// Source is a configuration read from one format.
type Source struct {
	Format    string    `json:"format"`
	Semantics Semantics `json:"semantics"`
	Rules     []Rule    `json:"rules"`
	// Rejects are the faults the platform itself refuses at upload, when
	// the reader could still build the rules (S3's PutBucketCors checks).
	Rejects policy.Errors `json:"rejects,omitempty"`
}

// Error is a conversion this package refuses: a format with no rules to
// read (captured replies, nginx), or a rule and field the target cannot
// express without allowing more.
type Error struct {
	Msg string
	// Refused is true when the source is fine but the target cannot
	// express it without allowing more (or at all).
	Refused bool
}

func (e *Error) Error() string { return "convert: " + e.Msg }

// Sources lists the format names Read and Convert accept as input.
func Sources() []string {
	return []string{"apigw-http", "azure-json", "azure-xml", "ec2", "express", "gcs-json", "gcs-xml", "native",
		"r2-api", "r2-cli", "r2-json", "r2-xml", "s3-cli", "s3-cloudformation", "s3-json", "s3-xml"}
}

// Read reads text in format (a registered name, or "auto") into a Source.
// The error is a policy.Errors, positioned, when the platform's reader
// refuses the text, or an *Error when the format has no rules to read
// (raw replies, HAR, nginx).
func Read(text, format string) (*Source, error) {
	if len(text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	if format == "" || format == "auto" {
		f, err := Detect(text)
		if err != nil {
			return nil, err
		}
		format = f
	}
	js := newLocator(text)
	src := &Source{Format: format}
	switch format {
	case "s3-xml", "s3-json", "s3-cli", "s3-cloudformation":
		c, errs := s3.Read(s3.Form(format), text)
		if len(errs) > 0 {
			return nil, errs
		}
		src.Rejects = s3.Validate(c)
		src.Semantics = Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true}
		src.Rules = fromS3(c)
	case "r2-api", "r2-json", "r2-cli", "r2-xml":
		c, err := r2.Parse(r2.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true}
		src.Rules = fromS3(c)
		js.fill(src.Rules)
	case "gcs-json", "gcs-xml":
		c, err := gcs.Parse(gcs.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true}
		for i, e := range c.Entries {
			r := Rule{Index: i, Pos: Pos{e.Path, e.Line, e.Column}, MaxAge: e.MaxAgeSeconds}
			r.Origins = values(e.Path, "origin", e.Origin)
			r.Methods = values(e.Path, "method", e.Method)
			// responseHeader is sent as both Access-Control-Allow-Headers
			// and -Expose-Headers (cloud-policies.md §3, [UNVERIFIED]).
			r.AllowHeaders = values(e.Path, "responseHeader", e.ResponseHeader)
			r.ExposeHeaders = values(e.Path, "responseHeader", e.ResponseHeader)
			r.MaxAgePos = Pos{Path: e.Path + ".maxAgeSeconds"}
			src.Rules = append(src.Rules, r)
		}
		js.fill(src.Rules)
	case "azure-xml", "azure-json":
		c, err := azure.Parse(azure.Form(format), text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{MethodSelects: true, EchoHeaders: true}
		for i, ar := range c.Rules {
			r := Rule{Index: i, Pos: Pos{ar.Path, ar.Line, ar.Column}}
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
		js.fill(src.Rules)
	case "apigw-http":
		c, err := apigw.ParseHTTP(text)
		if err != nil {
			return nil, err
		}
		r := Rule{Pos: Pos{Path: c.Path}, MaxAge: c.MaxAge, Credentials: c.AllowCredentials}
		r.Origins = values(c.Path, "AllowOrigins", c.AllowOrigins)
		r.Methods = values(c.Path, "AllowMethods", c.AllowMethods)
		r.AllowHeaders = values(c.Path, "AllowHeaders", c.AllowHeaders)
		r.ExposeHeaders = values(c.Path, "ExposeHeaders", c.ExposeHeaders)
		r.CredentialsPos = Pos{Path: c.Path + ".AllowCredentials"}
		r.MaxAgePos = Pos{Path: c.Path + ".MaxAge"}
		src.Rules = []Rule{r}
		js.fill(src.Rules)
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
		src.Semantics = Semantics{EchoHeaders: true}
		base := "$"
		if js.has("$.rules") {
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
		js.fill(src.Rules)
	case "express":
		c, err := express.Parse(text)
		if err != nil {
			return nil, err
		}
		src.Semantics = Semantics{}
		for i, m := range c.Middlewares {
			src.Rules = append(src.Rules, fromExpress(i, m))
		}
	case "nginx":
		return nil, &Error{Msg: "nginx: the reader evaluates the configuration but exposes no rule model to convert from; convert from the policy you generated it from, or write the rules in the native format"}
	case "raw", "har":
		return nil, &Error{Msg: format + ": captured replies are not a policy: there are no rules to convert"}
	default:
		if _, ok := policy.Lookup(format); ok {
			return nil, &Error{Msg: format + ": converting from this format is not supported"}
		}
		return nil, &Error{Msg: "unknown format " + strconv.Quote(format)}
	}
	return src, nil
}

// Detect names the one registered format that claims text.
func Detect(text string) (string, error) {
	ds := policy.Detect(text)
	switch len(ds) {
	case 1:
		return ds[0].Format, nil
	case 0:
		return "", &Error{Msg: "cannot tell the format of the text; name it (one of " + strings.Join(policy.Names(), ", ") + ")"}
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Format
	}
	return "", &Error{Msg: "the text could be any of " + strings.Join(names, ", ") + "; name the format"}
}

func fromS3(c *s3.Configuration) []Rule {
	var out []Rule
	for i := range c.Rules {
		sr := &c.Rules[i]
		r := Rule{Index: i, Name: sr.ID, Pos: Pos{sr.At.Path, sr.At.Line, sr.At.Column}, MaxAge: sr.MaxAgeSeconds}
		list := func(name string, v []string) []Value {
			vs := make([]Value, len(v))
			for j, s := range v {
				vs[j] = Value{Text: s, Pos: Pos{sr.At.Path, sr.At.Line, sr.At.Column}}
				if ps := sr.Values[name]; j < len(ps) {
					vs[j].Pos = Pos{ps[j].Path, ps[j].Line, ps[j].Column}
				}
			}
			return vs
		}
		r.Origins = list("AllowedOrigins", sr.AllowedOrigins)
		r.Methods = list("AllowedMethods", sr.AllowedMethods)
		r.AllowHeaders = list("AllowedHeaders", sr.AllowedHeaders)
		r.ExposeHeaders = list("ExposeHeaders", sr.ExposeHeaders)
		r.MaxAgePos = Pos{sr.At.Path, sr.At.Line, sr.At.Column}
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
