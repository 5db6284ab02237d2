package portable

import (
	"strconv"

	"github.com/whycors/whycors/engine/policy"
)

// Pos is where a value is in the user's text: a JSON path or XML element
// path, and a 1-based line and column when known. File names the file
// of a configuration of several files (policy.Source.Files: a Terraform
// module's .tf and .tfvars) the value is in; "" in a configuration of
// one text.
type Pos struct {
	File   string `json:"file,omitempty"`
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Value is one list entry as the user wrote it, with its position.
type Value struct {
	Text string `json:"text"`
	Pos  Pos    `json:"pos"`
	// Default marks a value the user wrote no setting for: the
	// platform's or the library's own default (ingress-nginx's
	// cors-allow-headers, django-cors-headers' CORS_ALLOW_HEADERS), at
	// the position of what holds it. Lint's checks of what was written
	// (a forbidden or safelisted name listed) skip it: the user cannot
	// remove it from a list they did not write.
	Default bool `json:"default,omitempty"`
}

// UnresolvedPrefix starts a value a template leaves unresolved ("<unresolved
// !Ref Origins>": a parameter without a Default), which matches nothing a
// browser sends. The format's own finding says what a verdict assumes of
// it; a check of what the user wrote has nothing to check in it.
const UnresolvedPrefix = "<unresolved "

// Values turns the entries of field (a list under the JSON path base) into
// Values, each positioned at base.field[i]; with field "" they carry no
// position (a platform's fixed policy).
func Values(base, field string, v []string) []Value {
	out := make([]Value, len(v))
	for i, s := range v {
		out[i] = Value{Text: s}
		if field != "" {
			out[i].Pos.Path = base + "." + field + "[" + strconv.Itoa(i) + "]"
		}
	}
	return out
}

// Semantics are the platform rules a Config carries, which decide how its
// rules are turned into the portable form and what a linter may say about
// them. Each format's reader sets them; nothing else names a platform.
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
	// ExposeExpands: a "*" (or a prefix "x-ms-meta-*") in the exposed
	// headers is matched against the reply's header names and those
	// are sent, so "*" exposes every header even with credentials
	// (Azure, as Azurite answers; cloud-policies.md §4). Otherwise "*"
	// is sent literally, and with credentials the browser reads a
	// header named "*" (Fetch §3.3.3).
	ExposeExpands bool `json:"expose_expands,omitempty"`
	// EchoMethods: a "*" in the allowed methods makes the platform echo
	// the requested method, so it works with credentials (native).
	EchoMethods bool `json:"echo_methods,omitempty"`
	// VaryOnMissOnly: Vary is sent only when a rule matches, so a cache
	// may replay an answer without CORS headers to a CORS request (S3 §0
	// item 5).
	VaryOnMissOnly bool `json:"vary_on_miss_only,omitempty"`
	// Origins says how the platform compares an origin entry with the
	// request's Origin.
	Origins OriginMatch `json:"origins,omitempty"`
	// OptionsRejected: the platform itself refuses OPTIONS in the method
	// list at upload (S3, aws/aws-sdk-js#3667, cloud-policies.md §1.2), so
	// its own fault already says it.
	OptionsRejected bool `json:"options_rejected,omitempty"`
	// PathSelects: the first rule whose path covers a request decides,
	// whatever its origins and methods (native until issue 19), so a
	// later rule for the same paths never does.
	PathSelects bool `json:"path_selects,omitempty"`
	// OriginSelects: the first rule whose paths and origins match a
	// request decides (native, and the portable form), so a later rule
	// for the same paths whose origins an earlier one allows never does.
	OriginSelects bool `json:"origin_selects,omitempty"`
	// MethodsAsDefaults: the method list is a default the platform ships
	// (Express's "GET,HEAD,PUT,PATCH,POST,DELETE"), so listing a
	// safelisted method is not the user's redundancy.
	MethodsAsDefaults bool `json:"methods_as_defaults,omitempty"`
	// PreflightMethods: the server refuses a preflight whose
	// Access-Control-Request-Method its list does not hold, a safelisted
	// one too (rack-cors: a GET with Authorization is preflighted, and
	// its preflight needs get listed), so listing GET is not redundancy.
	PreflightMethods bool `json:"preflight_methods,omitempty"`
	// OriginURLs: an exact origin entry is read as a URL whose scheme
	// and host are compared, so a path in it is ignored at run time
	// (django-cors-headers' urlsplit; its own check E014 says the
	// path), where elsewhere such an entry never matches.
	OriginURLs bool `json:"origin_urls,omitempty"`
}

// OriginMatch is how a platform compares an origin entry with the
// request's Origin header.
type OriginMatch string

// The ways platforms compare origins (cloud-policies.md §1.3, §3, §4,
// §5.1; native's own documentation).
const (
	// OriginsExact: byte for byte, "*" alone meaning any origin; other
	// patterns are unspecified (Azure, API Gateway's own patterns).
	OriginsExact OriginMatch = ""
	// OriginsGlob: one "*" anywhere in an entry matches any run of
	// characters (S3, R2).
	OriginsGlob OriginMatch = "glob"
	// OriginsSubdomain: "*" alone, or one "scheme://*." subdomain
	// wildcard, as the portable form (native).
	OriginsSubdomain OriginMatch = "subdomain"
	// OriginsScheme: "*", or a scheme with "*" for any host
	// ("https://*"), besides exact origins (API Gateway, cloud-policies.md
	// §5.1).
	OriginsScheme OriginMatch = "scheme"
	// OriginsLiteral: every entry but "*" is compared literally, a "*"
	// inside it included (GCS, Azure).
	OriginsLiteral OriginMatch = "literal"
	// OriginsProgram: the entries are the application's own code:
	// strings, regular expressions, functions (Express).
	OriginsProgram OriginMatch = "program"
	// OriginsLabel: "*", origins compared without regard to case, or a
	// "scheme://*." wildcard standing for exactly one label of letters,
	// digits and hyphens (ingress-nginx's case-insensitive regex).
	OriginsLabel OriginMatch = "label"
)

// ConfigRule is one rule of a configuration as its platform states it,
// in the portable vocabulary, with where each value is in the user's text.
type ConfigRule struct {
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
	ReflectAny bool `json:"reflect_any,omitempty"`
	// ReflectAssumed: ReflectAny stands for code the reader does not
	// run (an origin callback, an environment value), which the verdict
	// assumes allows the request's Origin.
	ReflectAssumed bool    `json:"reflect_assumed,omitempty"`
	Methods        []Value `json:"methods,omitempty"`
	AllowHeaders   []Value `json:"allow_headers,omitempty"`
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
	// MaxAgeDefault: MaxAge is the platform's default (Value.Default).
	MaxAgeDefault bool `json:"max_age_default,omitempty"`
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
	// Notes are what the reader knows the portable form says otherwise
	// for this rule (a path or host the form cannot hold), each with its
	// Effect; a conversion reports them with its own.
	Notes []Note `json:"-"`
}

// Config is a configuration read from one format: its rules as stated,
// and the platform semantics that give them their meaning.
type Config struct {
	Format    string       `json:"format"`
	Semantics Semantics    `json:"semantics"`
	Rules     []ConfigRule `json:"rules"`
	// Rejects are the faults the platform itself refuses at upload, when
	// the reader could still build the rules (S3's PutBucketCors checks).
	Rejects policy.Errors `json:"rejects,omitempty"`
	// Platform names what answers when the format is a template of
	// another platform's configuration (a Terraform module's S3 bucket:
	// "S3"), for lint's sentences ("S3 sends Vary: Origin only when a
	// rule matches"); "" leaves the format's own name (lint.Platformer).
	Platform string `json:"platform,omitempty"`
	// Hosts are the hosts the configuration routes by (an Ingress's
	// rules' hosts, in the order written): a request reaches a host's
	// rules only when its URL names the host, so a comparison of two
	// configurations asks its requests at each (engine/diff).
	Hosts []string `json:"hosts,omitempty"`
	// Order is the order the platform tries Rules in, as indexes into
	// Rules, when it is not the order written (a Terraform module's S3
	// rules, which the AWS provider sends in its set's order): a
	// conversion and lint's first-match checks take the rules so (Tried).
	// Rules stay as written, each at its Index. nil: as listed.
	Order []int `json:"order,omitempty"`
}

// Tried is the index into c.Rules of the k-th rule the platform tries
// (Order, else as listed): a loop over k from 0 takes them in the
// platform's order without a list of its own (lint runs it on every
// policy a fix search tries).
func (c *Config) Tried(k int) int {
	if len(c.Order) == len(c.Rules) {
		return c.Order[k]
	}
	return k
}

// Target is a request path that a configuration without a rule model
// answers in a way of its own (an nginx location), with where that is in
// the text: engine/lint probes each one. Path is a whole URL
// ("https://api.example.com/") where the configuration answers by host
// (a Caddyfile's sites).
type Target struct {
	Path string
	Pos  Pos
}

// Finding is a trap a format's own check finds in its text (nginx's
// add_header without always), for engine/lint and the explainer's
// warnings. Severity is "error", "warning" or "info".
type Finding struct {
	Severity string
	Code     string
	Message  string
	Pos      Pos
}

// Code is a finding code a format's own checks report (a Finding's
// Code, from lint.TextChecker or advise.Trapper), as `whycors lint
// --codes` and the SARIF report list it and a whycors:ignore directive
// names it: the most severe level it is reported at ("error",
// "warning" or "info"), what it means in a line, and the public
// references it rests on (the platform's page by host and path, a
// standard's section), which a user can open.
type Code struct {
	Code     string
	Severity string
	Summary  string
	Source   string
}
