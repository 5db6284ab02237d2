package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// Environment variable names the worker reads (wrangler.toml [vars] or
// `wrangler secret put`). Both kinds arrive as text bindings on env
// (shared/reference/build-chain.md §1.2).
const (
	envPolicy    = "WHYCORS_POLICY"              // the policy text
	envFormat    = "WHYCORS_POLICY_FORMAT"       // a format name, or "auto" (default)
	envUpstream  = "WHYCORS_UPSTREAM"            // origin (and optional path prefix) actual requests go to
	envDebug     = "WHYCORS_DEBUG"               // "true" adds the decision header and the explain endpoint
	envRefuse    = "WHYCORS_DISALLOWED"          // "forward" (default) or "refuse"
	envTimeoutMs = "WHYCORS_UPSTREAM_TIMEOUT_MS" // upstream deadline in ms (default 30000)
	// envPolicyFile is no variable but the Text module the deploy build
	// bundles with the worker (scripts/worker-wrangler-build.sh), the
	// policy as a file: its name in the bundle. Empty when the policy
	// comes from WHYCORS_POLICY.
	envPolicyFile = "policy.txt"
)

// envNames lists every variable the worker reads, for the entry module.
var envNames = [...]string{envPolicy, envFormat, envUpstream, envDebug, envRefuse, envTimeoutMs}

// Bounds on configuration, so a bad deployment fails loudly at start rather
// than on the first request that hits the edge case.
const (
	maxPolicyBytes   = limits.PolicyText
	maxUpstreamBytes = 2048
	defaultTimeoutMs = 30000
	maxTimeoutMs     = 300000 // Cloudflare's longest CPU limit is 5 min (build-chain.md §7); waiting longer is a hung upstream
)

// Config is what the worker runs with, read once per isolate.
type Config struct {
	// Format is the policy's format as configured or detected.
	Format string
	// PolicyText is the policy as configured.
	PolicyText string
	// Policy is a native policy, decided on with its own fast path
	// (native.Policy.Decide); nil for any other format.
	Policy *native.Policy
	// Eval is the platform's own evaluator of a policy in any other
	// format (platform_on.go), the code `whycors explain` runs; nil for a
	// native policy.
	Eval policy.Evaluator
	// Upstream is scheme, host, optional port and optional path prefix
	// (no trailing slash): the request's path and query are appended.
	Upstream  string
	Debug     bool
	Refuse    bool // disallowed origins get 403 instead of being forwarded without CORS headers
	TimeoutMs int
}

// LoadConfig reads the configuration through getenv. It never returns a
// partial config: on any fault it returns every fault found, each with the
// variable it is in (Path) and, for the policy, the reader's own position.
func LoadConfig(getenv func(string) string) (*Config, policy.Errors) {
	var errs policy.Errors
	fail := func(name, msg string) { errs = append(errs, &policy.Error{Path: name, Msg: msg}) }
	c := &Config{TimeoutMs: defaultTimeoutMs}

	v := strings.TrimSpace(getenv(envDebug))
	if on, ok := parseDebug(v); ok {
		c.Debug = on
	} else {
		fail(envDebug, "want true or false, got "+strconv.Quote(v))
	}
	switch v := strings.TrimSpace(getenv(envRefuse)); strings.ToLower(v) {
	case "", "forward":
	case "refuse":
		c.Refuse = true
	default:
		fail(envRefuse, "want forward or refuse, got "+strconv.Quote(v))
	}
	if v := strings.TrimSpace(getenv(envTimeoutMs)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTimeoutMs {
			fail(envTimeoutMs, "want a whole number of milliseconds from 1 to "+strconv.Itoa(maxTimeoutMs)+", got "+strconv.Quote(v))
		} else {
			c.TimeoutMs = n
		}
	}

	var msg string
	if c.Upstream, msg = parseUpstream(getenv(envUpstream)); msg != "" {
		fail(envUpstream, msg)
	}

	text, name := getenv(envPolicy), envPolicy
	if file := getenv(envPolicyFile); file != "" {
		if strings.TrimSpace(text) != "" {
			fail(envPolicy, "set twice: the policy is also bundled as a file ("+envPolicyFile+"); keep one (remove the variable, or deploy without the file)")
		}
		text, name = file, envPolicyFile
	}
	c.PolicyText = text
	format := strings.ToLower(strings.TrimSpace(getenv(envFormat)))
	if format == "" {
		format = "auto"
	}
	switch {
	case strings.TrimSpace(text) == "":
		fail(envPolicy, "missing: set it to the policy text (native JSON, or any format in: "+strings.Join(sourceFormats(), ", ")+")")
	case len(text) > maxPolicyBytes:
		fail(name, "policy is "+strconv.Itoa(len(text))+" bytes; at most "+strconv.Itoa(maxPolicyBytes)+" are read")
	default:
		errs = c.loadPolicy(name, format, text, errs)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// parseDebug reads WHYCORS_DEBUG's value; ok is false when it is neither.
func parseDebug(v string) (on, ok bool) {
	switch strings.ToLower(v) {
	case "", "0", "false", "off", "no":
		return false, true
	case "1", "true", "on", "yes":
		return true, true
	}
	return false, false
}

// DebugRequested reports whether WHYCORS_DEBUG is on, whatever else is
// wrong with the configuration: the 500 of an invalid configuration lists
// its faults only then (NewServer).
func DebugRequested(getenv func(string) string) bool {
	on, _ := parseDebug(strings.TrimSpace(getenv(envDebug)))
	return on
}

// loadPolicy reads the policy: a native policy with engine/native, any
// other format with its own reader (platform_on.go), whose evaluator then
// answers every request as the platform would. Captured replies (raw,
// HAR) hold no rules to enforce and are refused.
// name is where the text came from (the variable, or the bundled file).
func (c *Config) loadPolicy(name, format, text string, errs policy.Errors) policy.Errors {
	switch {
	case format == "auto" && (looksNative(text) || !canPlatform):
		format = "native"
	case format == "auto" && looksCaptured(text):
		return append(errs, &policy.Error{Path: name, Msg: capturedMsg})
	case format == "auto":
		f, err := detect(text)
		if err != nil {
			return append(errs, &policy.Error{Path: name, Msg: "not a policy in any known format: " + err.Error() + "; or set " + envFormat})
		}
		format = f
	case capturedFormat(format):
		return append(errs, &policy.Error{Path: envFormat, Msg: capturedMsg})
	case !slices.Contains(sourceFormats(), format):
		return append(errs, &policy.Error{Path: envFormat, Msg: "unknown format " + strconv.Quote(format) + "; known: auto, " + strings.Join(sourceFormats(), ", ")})
	}
	c.Format = format
	if format == "native" {
		p, err := native.Parse(text)
		if err != nil {
			return append(errs, policyErrors(name, "native", err)...)
		}
		c.Policy = p
		return errs
	}
	ev, err := parsePlatform(text, format)
	if err != nil {
		return append(errs, policyErrors(name, format, err)...)
	}
	if c.Refuse {
		errs = append(errs, &policy.Error{Path: envRefuse, Msg: "refuse applies to native policies only: a " + format + " policy is answered as " + format + " answers it; remove the setting, or convert the policy (whycors convert --to native)"})
	}
	c.Eval = ev
	return errs
}

// capturedMsg says why captured replies are not enforced.
const capturedMsg = "a captured reply (raw HTTP or HAR) records what a server answered once and holds no rules to enforce; configure the server's own CORS configuration (S3 JSON, nginx, Express, native, ...)"

// looksCaptured: a raw HTTP reply as curl -i shows it, or a HAR file (a
// JSON object whose first member is "log"), which the edge registry does
// not read (engine/all.Captures): named as such rather than as unknown.
func looksCaptured(text string) bool {
	s := strings.TrimLeft(text, " \t\r\n")
	s = strings.TrimPrefix(s, "< ")
	if strings.HasPrefix(s, "HTTP/") {
		return true
	}
	if !strings.HasPrefix(s, "{") {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(s[1:], " \t\r\n"), `"log"`)
}

// looksNative: a JSON object whose first member is one of the native
// format's top-level fields. Every other JSON format the engine reads is
// an array (S3, R2, GCS, Azure) or has other member names (API Gateway's
// CorsConfiguration), so this spares detection for the common case;
// anything else goes to the registry's own detection.
func looksNative(text string) bool {
	s := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(s, "{") {
		return false
	}
	s = strings.TrimLeft(s[1:], " \t\r\n")
	for _, k := range [...]string{`"rules"`, `"origins"`, `"path"`, `"name"`} {
		if strings.HasPrefix(s, k) {
			return true
		}
	}
	return false
}

// policyErrors keeps the reader's own positions (JSON path, line, column)
// and says which variable and format they refer to.
func policyErrors(name, format string, err error) policy.Errors {
	prefix := name + " (" + format + ")"
	var out policy.Errors
	switch e := err.(type) {
	case policy.Errors:
		for _, x := range e {
			y := *x
			y.Path = joinPath(prefix, x.Path)
			out = append(out, &y)
		}
	case *policy.Error:
		y := *e
		y.Path = joinPath(prefix, e.Path)
		out = append(out, &y)
	default:
		out = append(out, &policy.Error{Path: prefix, Msg: err.Error()})
	}
	if len(out) == 0 {
		out = append(out, &policy.Error{Path: prefix, Msg: "rejected without a reason"})
	}
	return out
}

func joinPath(prefix, p string) string {
	if p == "" {
		return prefix
	}
	return prefix + " " + p
}

// parseUpstream accepts an http(s) origin with an optional path prefix and
// returns it without a trailing slash, or a message saying what is wrong.
// The worker forwards to this one place only: a caller can choose the path
// and query under it, never the host (no open proxy).
//
// It is stricter than a URL parser (no net/url: it would cost the worker
// wasm size and start-up time): the host must be ASCII (write an IDN in
// its xn-- form), an IPv4 address, or an IPv6 address in brackets.
func parseUpstream(v string) (string, string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", "missing: set it to the origin actual requests are forwarded to, such as https://api.example.com"
	case len(v) > maxUpstreamBytes:
		return "", "longer than " + strconv.Itoa(maxUpstreamBytes) + " bytes"
	}
	// Quoted only for a message: a valid value (every start) does not
	// run strconv's quoting, whose wasm the runtime would otherwise
	// compile on the cold-start path.
	q := func() string { return strconv.Quote(v) }
	scheme, rest, ok := strings.Cut(v, "://")
	if s := strings.ToLower(scheme); !ok || (s != "http" && s != "https") {
		return "", "want an http or https URL, got " + q()
	}
	if strings.ContainsAny(rest, "?#") {
		return "", "no query or fragment allowed in " + q()
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if strings.Contains(authority, "@") {
		return "", "credentials in the URL are not forwarded; remove them from " + q()
	}
	host, port := authority, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", "unclosed [ in the host of " + q()
		}
		for _, r := range host[1:end] {
			if !(r == ':' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
				return "", "not an IPv6 address in the host of " + q()
			}
		}
		host, port = host[:end+1], host[end+1:]
		if port != "" && port[0] != ':' {
			return "", "junk after the host of " + q()
		}
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host, port = host[:i], host[i:]
	}
	if host == "" || host == "[]" {
		return "", "no host in " + q()
	}
	if !strings.HasPrefix(host, "[") {
		for i := 0; i < len(host); i++ {
			b := host[i]
			if !(b == '-' || b == '.' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
				return "", "the host of " + q() + " may hold only ASCII letters, digits, '-' and '.' (write an IDN in its xn-- form)"
			}
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port[1:])
		if err != nil || n < 1 || n > 65535 || port[1] == '+' || port[1] == '-' {
			return "", "port of " + q() + " is not a number from 1 to 65535"
		}
	}
	for i := 0; i < len(path); i++ {
		if b := path[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return "", "the path of " + q() + " holds a space, control or non-ASCII byte or a backslash; percent-encode it"
		}
	}
	return strings.ToLower(scheme) + "://" + authority + strings.TrimSuffix(path, "/"), ""
}

// capturedFormat reports the name of a format of captured replies (a
// raw reply, a HAR file), which the engine reads but no worker enforces:
// the names are those packages' own.
func capturedFormat(name string) bool {
	for _, f := range append(raw.Formats(), har.Formats()...) {
		if f.Name() == name {
			return true
		}
	}
	return false
}
