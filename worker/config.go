package main

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Environment variable names the worker reads (wrangler.toml [vars] or
// `wrangler secret put`). Both kinds arrive as text bindings on env
// (shared/reference/build-chain.md §1.2, cloudflare.Getenv).
const (
	envPolicy    = "WHYCORS_POLICY"              // the policy text
	envFormat    = "WHYCORS_POLICY_FORMAT"       // a registered format name, or "auto" (default)
	envUpstream  = "WHYCORS_UPSTREAM"            // origin (and optional path prefix) actual requests go to
	envDebug     = "WHYCORS_DEBUG"               // "true" adds the decision header and the explain endpoint
	envRefuse    = "WHYCORS_DISALLOWED"          // "forward" (default) or "refuse"
	envTimeoutMs = "WHYCORS_UPSTREAM_TIMEOUT_MS" // upstream deadline in ms (default 30000)
)

// Bounds on configuration, so a bad deployment fails loudly at start rather
// than on the first request that hits the edge case.
const (
	maxPolicyBytes   = 1 << 20 // the native reader reads at most 1 MiB too
	defaultTimeoutMs = 30000
	maxTimeoutMs     = 300000 // Cloudflare's longest CPU limit is 5 min (build-chain.md §7); waiting longer is a hung upstream
)

// Config is what the worker runs with, read once per isolate.
type Config struct {
	Format     string           // the policy's format, resolved when the variable said "auto"
	PolicyText string           // as configured, for the explain endpoint
	Policy     policy.Evaluator // the parsed policy
	Upstream   *url.URL         // scheme, host and optional path prefix; no query, no fragment
	Debug      bool
	Refuse     bool // disallowed origins get 403 instead of being forwarded without CORS headers
	TimeoutMs  int
}

// LoadConfig reads the configuration through getenv. It never returns a
// partial config: on any fault it returns every fault found, each with the
// variable it is in (Path) and, for the policy, the reader's own position.
func LoadConfig(getenv func(string) string) (*Config, policy.Errors) {
	var errs policy.Errors
	fail := func(name, msg string) { errs = append(errs, &policy.Error{Path: name, Msg: msg}) }
	c := &Config{TimeoutMs: defaultTimeoutMs}

	switch v := strings.TrimSpace(getenv(envDebug)); strings.ToLower(v) {
	case "", "0", "false", "off", "no":
	case "1", "true", "on", "yes":
		c.Debug = true
	default:
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

	c.Upstream, errs = parseUpstream(getenv(envUpstream), errs)

	text := getenv(envPolicy)
	c.PolicyText = text
	format := strings.TrimSpace(getenv(envFormat))
	if format == "" {
		format = "auto"
	}
	switch {
	case strings.TrimSpace(text) == "":
		fail(envPolicy, "missing: set it to the policy text (native JSON, or any format in: "+strings.Join(policy.Names(), ", ")+")")
	case len(text) > maxPolicyBytes:
		fail(envPolicy, "policy is "+strconv.Itoa(len(text))+" bytes; at most "+strconv.Itoa(maxPolicyBytes)+" are read")
	default:
		c.Format, errs = resolveFormat(format, text, errs)
		if c.Format != "" {
			f, _ := policy.Lookup(c.Format)
			ev, err := f.Parse(text)
			if err != nil {
				errs = append(errs, policyErrors(c.Format, err)...)
			} else {
				c.Policy = ev
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// resolveFormat picks the policy's format: the one named, or the single
// format whose Detect claims the text.
func resolveFormat(name, text string, errs policy.Errors) (string, policy.Errors) {
	if name != "auto" {
		if _, ok := policy.Lookup(name); !ok {
			return "", append(errs, &policy.Error{Path: envFormat, Msg: "unknown format " + strconv.Quote(name) + "; known: auto, " + strings.Join(policy.Names(), ", ")})
		}
		return name, errs
	}
	found := policy.Detect(text)
	switch len(found) {
	case 1:
		return found[0].Format, errs
	case 0:
		return "", append(errs, &policy.Error{Path: envPolicy, Msg: "not a policy in any known format (" + strings.Join(policy.Names(), ", ") + "); set " + envFormat + " to read it as one"})
	}
	names := make([]string, len(found))
	for i, d := range found {
		names[i] = d.Format + " (" + d.Why + ")"
	}
	return "", append(errs, &policy.Error{Path: envPolicy, Msg: "ambiguous: it reads as " + strings.Join(names, " and ") + "; set " + envFormat})
}

// policyErrors keeps the reader's own positions (JSON path, line, column)
// and says which variable and format they refer to.
func policyErrors(format string, err error) policy.Errors {
	prefix := envPolicy + " (" + format + ")"
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

// parseUpstream accepts an http(s) origin with an optional path prefix.
// The worker forwards to this one place only: a caller can choose the path
// and query under it, never the host (no open proxy).
func parseUpstream(v string, errs policy.Errors) (*url.URL, policy.Errors) {
	fail := func(msg string) (*url.URL, policy.Errors) {
		return nil, append(errs, &policy.Error{Path: envUpstream, Msg: msg})
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return fail("missing: set it to the origin actual requests are forwarded to, such as https://api.example.com")
	}
	u, err := url.Parse(v)
	if err != nil {
		return fail("not a URL: " + err.Error())
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fail("want an http or https URL, got " + strconv.Quote(v))
	case u.Host == "" || u.Hostname() == "":
		return fail("no host in " + strconv.Quote(v))
	case u.User != nil:
		return fail("credentials in the URL are not forwarded; remove them from " + strconv.Quote(v))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fail("no query or fragment allowed in " + strconv.Quote(v))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, errs
}
