// Package djangocors reads django-cors-headers' settings (4.7.0, or
// 3.14.0) from a Django settings.py and answers requests the way its
// CorsMiddleware does (format name "django-cors-headers").
//
// Accepted text: a settings module. The settings read are
// CORS_ALLOWED_ORIGINS (or the older CORS_ORIGIN_WHITELIST),
// CORS_ALLOWED_ORIGIN_REGEXES (CORS_ORIGIN_REGEX_WHITELIST),
// CORS_ALLOW_ALL_ORIGINS (CORS_ORIGIN_ALLOW_ALL), CORS_ALLOW_METHODS,
// CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_PREFLIGHT_MAX_AGE,
// CORS_ALLOW_CREDENTIALS, CORS_URLS_REGEX and MIDDLEWARE. Values are
// Python literals, names bound earlier, and corsheaders.defaults'
// default_headers and default_methods (`(*default_headers, "x-custom")`).
//
// Semantics (corsheaders/middleware.py, conf.py and defaults.py at 4.7.0,
// Debian 13's; at 3.14.0, Debian 12's, where it says so):
//   - the middleware acts on paths CORS_URLS_REGEX matches from their
//     start (re.match; default r"^.*$"), and adds Vary: origin (3.14.0:
//     Origin) to every reply there, Origin or not;
//   - OPTIONS with Access-Control-Request-Method is answered by the
//     middleware: 200, empty, whatever the method and headers asked;
//   - an origin is allowed when its scheme and host[:port] equal those of
//     an entry of CORS_ALLOWED_ORIGINS (urlsplit), when a regex matches
//     it from its start (re.match: no end anchor unless written), or
//     always with CORS_ALLOW_ALL_ORIGINS ("*", or the origin echoed when
//     credentials are on);
//   - Access-Control-Allow-Credentials: true is sent with
//     CORS_ALLOW_CREDENTIALS to an allowed origin (3.14.0: to any
//     Origin, allowed or not);
//   - Access-Control-Allow-Private-Network: true is sent to an allowed
//     origin whose request says Access-Control-Request-Private-Network:
//     true, with CORS_ALLOW_PRIVATE_NETWORK (not in 3.14.0);
//   - default_headers are accept, authorization, content-type,
//     user-agent, x-csrftoken, x-requested-with (3.14.0: and
//     accept-encoding, dnt, origin);
//   - on an allowed OPTIONS the full CORS_ALLOW_HEADERS and
//     CORS_ALLOW_METHODS lists and Max-Age (default 86400) are sent;
//   - a 500 from an exception in a view is a response by the time the
//     middleware sees it, and gets its headers.
package djangocors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
)

const source = "corsheaders/middleware.py, conf.py, defaults.py (django-cors-headers 4.7.0, or 3.14.0 for a requirements.txt's 3.x)"

// The django-cors-headers versions this package answers as.
const (
	// Latest is what a configuration is read as unless a
	// requirements.txt pins another (Debian 13's, which e2e/python runs).
	Latest = "4.7.0"
	// V3 is what a pinned 3.x (or older) is read as: Debian 12's.
	V3 = "3.14.0"
)

// DefaultMethods are corsheaders.defaults' default_methods (the same in
// both versions).
var DefaultMethods = []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}

// DefaultHeaders are corsheaders.defaults' default_headers as version
// has them: 4.0.0 dropped accept-encoding, dnt and origin.
func DefaultHeaders(version string) []string {
	if pylit.Major(version) < 4 {
		return []string{"accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with"}
	}
	return []string{"accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"}
}

// Middleware is the name MIDDLEWARE lists.
const Middleware = "corsheaders.middleware.CorsMiddleware"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "django-cors-headers" policy format.
type Format struct{}

// Name returns "django-cors-headers".
func (*Format) Name() string { return "django-cors-headers" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Django: django-cors-headers settings" }

var settingNames = []string{"CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOW_HEADERS", "CORS_ALLOW_METHODS", "CORS_EXPOSE_HEADERS", "CORS_ALLOW_CREDENTIALS", "CORS_PREFLIGHT_MAX_AGE", "CORS_URLS_REGEX"}

// Detect claims a Django settings module that configures corsheaders.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, "corsheaders") {
		return true, "a Django settings module that uses corsheaders (django-cors-headers)"
	}
	for _, n := range settingNames {
		if strings.HasPrefix(text, n) || strings.Contains(text, "\n"+n+" ") || strings.Contains(text, "\n"+n+"=") {
			return true, "a Python module that assigns the django-cors-headers setting " + n
		}
	}
	return false, ""
}

// Parse reads text into a Config.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ParseSource implements policy.SourceParser: the settings with the
// values of the environment variables they read from src.Params
// (--param).
func (f *Format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	version, note, err := pylit.PinnedVersion(src, "django-cors-headers", Latest, V3)
	if err != nil {
		return nil, err
	}
	c, err := ParseVersion(src.Main(), src.Params, version)
	if err != nil {
		return nil, err
	}
	if note != "" {
		c.Notes = append(c.Notes, note)
	}
	return c, nil
}

// Companion implements policy.RootCompanion: a requirements.txt that
// pins django-cors-headers is read beside the settings, for its version.
func (*Format) Companion(text string) bool { return pylit.Pins(text, "django-cors-headers") }

// CompanionAtRoot implements policy.RootCompanion: requirements.txt is
// at the project's root, settings.py in the project's package below it.
func (*Format) CompanionAtRoot() bool { return true }

// v3 reports whether c answers as django-cors-headers 3.x (V3).
func (c *Config) v3() bool { return pylit.Major(c.Version) < 4 }

// Config is the settings django-cors-headers reads, with its defaults.
type Config struct {
	AllowedOrigins pylit.Strs `json:"allowed_origins"`
	Regexes        []string   `json:"allowed_origin_regexes,omitempty"`
	AllowAll       bool       `json:"allow_all_origins,omitempty"`
	AllowMethods   pylit.Strs `json:"allow_methods"`
	AllowHeaders   pylit.Strs `json:"allow_headers"`
	ExposeHeaders  pylit.Strs `json:"expose_headers"`
	Credentials    bool       `json:"allow_credentials,omitempty"`
	// PrivateNetwork is CORS_ALLOW_PRIVATE_NETWORK (4.x).
	PrivateNetwork bool `json:"allow_private_network,omitempty"`
	// Version is the django-cors-headers it answers as: Latest, or a
	// requirements.txt's pin (3.x answers as V3).
	Version string `json:"version"`
	// MaxAge is str(CORS_PREFLIGHT_MAX_AGE), "" when it is falsy.
	MaxAge    string `json:"preflight_max_age,omitempty"`
	URLsRegex string `json:"urls_regex"`
	// Installed: MIDDLEWARE lists CorsMiddleware, or the text does not
	// set MIDDLEWARE (assumed installed).
	Installed     bool `json:"installed"`
	HasMiddleware bool `json:"-"`
	// Names are the setting names the text assigns, with positions.
	At    map[string]pylit.Value `json:"-"`
	Notes []string               `json:"notes,omitempty"`

	regexes []*pylit.Regexp
	urls    *pylit.Regexp
}

// env binds what `from corsheaders.defaults import ...` imports.
func env(version string) map[string]pylit.Value {
	tuple := func(items []string) pylit.Value {
		v := pylit.Value{Kind: pylit.Tuple, Off: -1, End: -1}
		for _, s := range items {
			v.Items = append(v.Items, pylit.Value{Kind: pylit.Str, S: s, Off: -1, End: -1})
		}
		return v
	}
	h, m := tuple(DefaultHeaders(version)), tuple(DefaultMethods)
	return map[string]pylit.Value{"default_headers": h, "default_methods": m, "corsheaders.defaults.default_headers": h, "corsheaders.defaults.default_methods": m, "defaults.default_headers": h, "defaults.default_methods": m}
}

// Parse reads a settings module.
func Parse(text string) (*Config, error) { return ParseEnviron(text, nil) }

// ParseEnviron is Parse with the values of the environment variables the
// settings read (the command line's --param NAME=VALUE;
// pylit.ReadEnviron).
func ParseEnviron(text string, environ map[string]string) (*Config, error) {
	return ParseVersion(text, environ, "")
}

// ParseVersion is ParseEnviron as django-cors-headers version answers
// ("4.7.0", "3.14.0"; "" for Latest).
func ParseVersion(text string, environ map[string]string, version string) (*Config, error) {
	if version == "" {
		version = Latest
	}
	m, err := pylit.ReadEnviron(text, env(version), environ)
	if err != nil {
		return nil, err
	}
	c := &Config{
		Version:      version,
		AllowMethods: pylit.Strs{Items: DefaultMethods},
		AllowHeaders: pylit.Strs{Items: DefaultHeaders(version)},
		MaxAge:       "86400",
		URLsRegex:    `^.*$`,
		Installed:    true,
		At:           map[string]pylit.Value{},
	}
	var errs policy.Errors
	get := func(names ...string) (pylit.Value, string, bool) {
		for _, n := range names {
			for i := len(m.Assigns) - 1; i >= 0; i-- {
				if a := m.Assigns[i]; a.Name == n && !a.Indented {
					c.Notes = append(c.Notes, a.Value.EnvNotes(n)...)
					return a.Value, n, true
				}
			}
		}
		return pylit.Value{}, "", false
	}
	found := false
	strs := func(dst *pylit.Strs, names ...string) {
		v, n, ok := get(names...)
		if !ok {
			return
		}
		found = true
		c.At[n] = v
		s, e := pylit.AsStrs(v, n)
		if e != nil {
			errs = append(errs, e)
			return
		}
		if s.Set && len(s.Items) > 1 && n != "CORS_ALLOWED_ORIGINS" && n != "CORS_ORIGIN_WHITELIST" {
			errs = append(errs, v.Error(n, "a set of more than one item: Python joins it in an order that changes at each start; write a list or tuple"))
			return
		}
		*dst = s
	}
	truth := func(dst *bool, names ...string) {
		v, n, ok := get(names...)
		if !ok {
			return
		}
		found = true
		c.At[n] = v
		if v.Kind == pylit.Invalid || v.Kind == pylit.Name {
			errs = append(errs, v.Error(n, n+" must be True or False here: "+why(v)))
			return
		}
		*dst = v.Truthy()
	}
	strs(&c.AllowedOrigins, "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
	strs(&c.AllowMethods, "CORS_ALLOW_METHODS")
	strs(&c.AllowHeaders, "CORS_ALLOW_HEADERS")
	strs(&c.ExposeHeaders, "CORS_EXPOSE_HEADERS")
	truth(&c.AllowAll, "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
	truth(&c.Credentials, "CORS_ALLOW_CREDENTIALS")
	if !c.v3() {
		truth(&c.PrivateNetwork, "CORS_ALLOW_PRIVATE_NETWORK")
	}
	if v, n, ok := get("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"); ok {
		found = true
		c.At[n] = v
		if !v.Seq() {
			errs = append(errs, v.Error(n, n+" must be a list or tuple of regular expressions, not a "+v.Kind.String()))
		}
		for _, it := range v.Items {
			re, e := pylit.Compile(it, n, false, false)
			if e != nil {
				errs = append(errs, e)
				continue
			}
			c.regexes = append(c.regexes, re)
			c.Regexes = append(c.Regexes, it.S)
		}
	}
	if v, n, ok := get("CORS_PREFLIGHT_MAX_AGE"); ok {
		found = true
		c.At[n] = v
		switch v.Kind {
		case pylit.Int, pylit.Str, pylit.Float, pylit.Bool, pylit.None:
			c.MaxAge = ""
			if v.Truthy() {
				c.MaxAge = v.Repr()
			}
		default:
			errs = append(errs, v.Error(n, "CORS_PREFLIGHT_MAX_AGE must be a number: "+why(v)))
		}
	}
	if v, n, ok := get("CORS_URLS_REGEX"); ok {
		found = true
		c.At[n] = v
	}
	if v, n, ok := get("MIDDLEWARE"); ok {
		c.At[n] = v
		c.HasMiddleware = true
		s, e := pylit.AsStrs(v, n)
		if e != nil {
			errs = append(errs, e)
		} else {
			c.Installed = false
			for _, x := range s.Elems() {
				if x == Middleware {
					c.Installed = true
				}
			}
		}
		found = found || c.Installed
	}
	if !found && !strings.Contains(text, "corsheaders") {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no django-cors-headers setting found: paste the settings.py with CORS_ALLOWED_ORIGINS, CORS_ALLOWED_ORIGIN_REGEXES or CORS_ALLOW_ALL_ORIGINS"}}
	}
	if v, ok := c.At["CORS_URLS_REGEX"]; ok {
		re, e := pylit.Compile(v, "CORS_URLS_REGEX", false, false)
		if e != nil {
			errs = append(errs, e)
		}
		c.urls, c.URLsRegex = re, v.S
	} else {
		c.urls, _ = pylit.Compile(pylit.Value{Kind: pylit.Str, S: c.URLsRegex}, "", false, false)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if !c.Installed {
		c.Notes = append(c.Notes, "MIDDLEWARE does not list "+Middleware+": django-cors-headers sends no header at all")
	}
	for _, a := range m.Assigns {
		if a.Indented && (strings.HasPrefix(a.Name, "CORS_") || a.Name == "MIDDLEWARE") {
			c.Notes = append(c.Notes, "line "+strconv.Itoa(a.Line)+": "+a.Name+" is assigned inside a block (if, def, ...), which depends on run time: that assignment is not read")
		}
	}
	return c, nil
}

func why(v pylit.Value) string {
	if v.Kind == pylit.Invalid {
		return v.S
	}
	if v.Kind == pylit.Name {
		return v.S + " is not bound in this text"
	}
	return "a " + v.Kind.String()
}

// urlsplit is the scheme and netloc of Python's urllib.parse.urlsplit;
// ok is false where it raises ValueError, for a netloc with one square
// bracket but not the other ("Invalid IPv6 URL"), on which CorsMiddleware
// sends no CORS header (add_response_headers, process_response in
// 3.14.0: except ValueError: return response).
func urlsplit(s string) (scheme, netloc string, ok bool) {
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	if i := strings.IndexByte(s, ':'); i > 0 && isScheme(s[:i]) {
		scheme, s = strings.ToLower(s[:i]), s[i+1:]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
		netloc = s
	}
	return scheme, netloc, strings.Contains(netloc, "[") == strings.Contains(netloc, "]")
}

func isScheme(s string) bool {
	if s == "" || !(s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// allowed is origin_found_in_white_lists of origin, whose urlsplit is
// scheme and netloc; which says why.
func (c *Config) allowed(origin, scheme, netloc string) (bool, policy.Note) {
	if origin == "null" && c.AllowedOrigins.Contains(origin) {
		return true, policy.Note{Case: caseListed, Args: [4]string{origin, "null"}}
	}
	for _, o := range c.AllowedOrigins.Elems() {
		if os, on, _ := urlsplit(o); os == scheme && on == netloc {
			return true, policy.Note{Case: caseListed, Args: [4]string{origin, o}}
		}
	}
	for i, re := range c.regexes {
		if re.Match(origin) {
			return true, policy.Note{Case: caseRegex, Args: [4]string{origin, c.Regexes[i]}}
		}
	}
	return false, policy.Note{Case: caseNotAllowed, Args: [4]string{origin}}
}

// Line is where setting name is written, 0 when it is not.
func (c *Config) Line(name string) int { return c.At[name].Line }

func lineOf(c *Config, names ...string) string {
	for _, n := range names {
		if v, ok := c.At[n]; ok && v.Line > 0 {
			return n + " (line " + strconv.Itoa(v.Line) + ")"
		}
	}
	return names[0] + " (default)"
}
