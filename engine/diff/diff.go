// Package diff compares two CORS configurations by the decisions they make
// rather than by their text (`whycors diff OLD NEW`): which fetch() calls
// one allows and the other blocks, and which response headers one lets
// the page read and the other does not. The two may be in any two
// formats (an S3 policy against the nginx snippet meant to replace it).
//
// # The request space
//
// Both configurations are read into the neutral model (engine/convert.Read)
// and their literals pooled: the origins they name, the methods, the
// request headers they allow, the paths of their rules, and both values
// of credentials (omit, include). To the origins it adds the ones
// misconfigured servers wrongly trust: "null"; each named origin with a
// prefix and a suffix added to its host; the same host over http; a
// subdomain; for a wildcard pattern a host it matches and one it must
// not; and one foreign origin. Methods are those named plus GET (and
// PATCH when a configuration allows any method); request headers are
// those named, lowercase, plus one no configuration names. A format
// without rules (nginx, raw replies, a HAR) gives the literals its text
// names (text.go): what has the shape of an origin, the methods it
// spells, the names on its Access-Control-Allow-Headers and
// -Expose-Headers lines, nginx's location paths.
//
// Every request of the space (origin × credentials × path × method, each
// without a non-safelisted header and with each header alone) is run
// through the browser model (engine/fetch, the profile of
// Options.Browser, Chrome by default) against each configuration, read
// once, whose evaluator answers as explain's server does; the replies are
// kept per configuration by the request the server sees. The application
// behind the configuration answers with every header either
// configuration exposes, so that what is exposed shows in the readable
// headers (compared on the requests without a header). Three kinds of request are not asked, being blocked by both
// configurations: one from an origin no rule of either could match (when
// both have rules whose origins are patterns, not code); one with a
// header when the same request without it is blocked by both (a header
// that needs a preflight never turns a blocked request into an allowed
// one); and one with a header no rule answering its origin names or
// allows with "*". Evaluate asks one request through explain.Run, as a
// user's scenario is explained; TestDiffAgainstBruteForce holds Diff to it
// over the whole space of 500 pairs of native and S3 configurations.
//
// # The report
//
// A change widens (blocked to allowed, or a header newly readable) or
// narrows (the reverse). Changes are grouped so that a large diff reads
// in a few lines: by what changed, then over credentials, methods, paths,
// origins and headers in turn, each group said in words ("newly allows
// https://evil.example with credentials on PUT /uploads/*", "no longer
// exposes etag to https://app.example on GET").
package diff

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Config is one side of a diff: a configuration's text in a registered
// format ("auto" or "" detects it), or its files (a Terraform module's
// .tf and .tfvars, a template and its parameter files), with values for
// its parameters and the resource that answers, as policy.Source has
// them.
type Config struct {
	Format   string
	Text     string
	Files    []policy.File
	Params   map[string]string
	Resource string
}

// source is c as its format's reader takes it.
func (c Config) source() policy.Source {
	return policy.Source{Text: c.Text, Files: c.Files, Params: c.Params, Resource: c.Resource}
}

// Options are what Diff works with besides the two configurations.
type Options struct {
	// Formats reads both configurations.
	Formats *policy.Registry
	// Browser is the browser profile the requests run in: "chrome" (the
	// default), "firefox", "safari" or "spec".
	Browser string
	// MaxAsked bounds the requests asked of each configuration (0:
	// DefaultMaxAsked); a larger space is a *SpaceError.
	MaxAsked int
}

// DefaultMaxAsked is the bound on the requests asked of each
// configuration: about 20 s on one core of this project's machine.
const DefaultMaxAsked = 200_000

// SpaceError is a request space too large to compare within
// Options.MaxAsked.
type SpaceError struct{ Max int }

func (e *SpaceError) Error() string {
	return "the two configurations name too many origins, methods, headers and paths to compare: more than " +
		strconv.Itoa(e.Max) + " requests would be asked of each; compare a part of them at a time"
}

// InputError is a configuration Diff cannot read: Side is "old" or
// "new", Err the reader's error (a positioned policy.Errors when the
// format's reader refused the text).
type InputError struct {
	Side string
	Err  error
}

func (e *InputError) Error() string { return e.Side + ": " + e.Err.Error() }

// Unwrap returns the reader's error.
func (e *InputError) Unwrap() error { return e.Err }

// Directions of a change.
const (
	Widen  = "widen"  // blocked to allowed, or a header newly readable
	Narrow = "narrow" // allowed to blocked, or a header no longer readable
)

// What changed, in a Group.
const (
	Allows         = "allows"           // blocked in OLD, allowed in NEW
	NoLongerAllow  = "no-longer-allows" // allowed in OLD, blocked in NEW
	Exposes        = "exposes"          // allowed in both; NEW lets the page read more headers
	NoLongerExpose = "no-longer-exposes"
)

// Request is one request of the space: a fetch() from Origin to Path
// with Method, Header (a lowercase non-safelisted request header, or ""
// for none) and credentials "include" (Credentials) or "omit".
type Request struct {
	Origin      string `json:"origin"`
	Method      string `json:"method"`
	Header      string `json:"header,omitempty"`
	Path        string `json:"path"`
	Credentials bool   `json:"credentials"`
}

// Outcome is what the browser does with one request against one
// configuration: allowed or not, and the response headers the page can
// read (lowercase, sorted).
type Outcome struct {
	Allowed  bool     `json:"allowed"`
	Readable []string `json:"readable,omitempty"`
}

// Group is one line of the report: requests that changed the same way.
type Group struct {
	Direction string `json:"direction"` // Widen or Narrow
	Change    string `json:"change"`    // Allows, NoLongerAllow, Exposes or NoLongerExpose
	// Summary says the group in words.
	Summary string   `json:"summary"`
	Origins []string `json:"origins"`
	Methods []string `json:"methods"`
	// Paths are the rules' paths as written ("/" when neither
	// configuration has paths).
	Paths []string `json:"paths"`
	// Credentials is "include" or "omit" when only requests with (or
	// without) credentials changed, "" when both did.
	Credentials string `json:"credentials,omitempty"`
	// Headers are, for Allows and NoLongerAllow, the request headers
	// whose addition changed the verdict (empty when the request without
	// any changed); for the exposure changes, the response headers.
	Headers []string `json:"headers,omitempty"`
	// Requests are the requests of the space the group covers, in the
	// space's order (for an exposure change, the requests whose readable
	// headers changed).
	Requests []Request `json:"-"`
	// Count is len(Requests).
	Count int `json:"requests"`
	// Pos is where NEW names one of the group's headers, for a group of
	// headers; else where it names one of the group's origins (its
	// Pattern, when NEW has it), else where one of its patterns matches
	// one, else its first rule (zero when it has none).
	Pos portable.Pos `json:"pos"`
	// Pattern, for a group of more origins than its words name, is an
	// origin pattern of NEW (of OLD, for a narrowing) that matches them
	// all, which the summary names.
	Pattern string `json:"pattern,omitempty"`
}

// Report is the result of a diff.
type Report struct {
	Browser string `json:"browser"`
	// Formats are the two configurations' formats as read.
	OldFormat string `json:"old_format"`
	NewFormat string `json:"new_format"`
	// Space is the number of requests of the space; Asked the number run
	// against each configuration.
	Space int `json:"space"`
	Asked int `json:"asked"`
	// Groups are the changes, widening ones first.
	Groups []Group `json:"groups"`
}

// Widens reports whether any group widens.
func (r *Report) Widens() bool { return r.has(Widen) }

// Narrows reports whether any group narrows.
func (r *Report) Narrows() bool { return r.has(Narrow) }

func (r *Report) has(dir string) bool {
	for _, g := range r.Groups {
		if g.Direction == dir {
			return true
		}
	}
	return false
}

// side is one configuration as the diff asks it.
type side struct {
	format policy.Format
	src    policy.Source
	text   string // src's main text
	eval   policy.Evaluator
	cfg    *portable.Config // nil for a format without rules
}

func readSide(name string, c Config, reg *policy.Registry) (*side, error) {
	src := c.source()
	f, err := reg.Resolve(c.Format, src)
	if err != nil {
		return nil, &InputError{name, err}
	}
	ev, err := policy.Parse(f, src)
	if err != nil {
		return nil, &InputError{name, err}
	}
	s := &side{format: f, src: src, text: src.Main(), eval: ev}
	cfg, err := convert.ReadSource(reg, src, f.Name())
	var cerr *convert.Error
	switch {
	case errors.As(err, &cerr):
		// No rules to read (raw replies, nginx): no literals.
	case err != nil:
		return nil, &InputError{name, err}
	default:
		s.cfg = cfg
	}
	return s, nil
}

// resourcesOf lists the resources with CORS of c's template or module
// when it holds several and names none (policy.Unchosen).
func resourcesOf(reg *policy.Registry, c Config) []string {
	src := c.source()
	f, err := reg.Resolve(c.Format, src)
	if err != nil {
		return nil
	}
	return policy.Unchosen(f, src)
}

// eachResource compares two templates or modules of several resources
// with CORS resource by resource, when neither names one: each answers
// its own requests (a bucket's host, an API's), and one reading of the
// whole would ask only one of them (tried as a new user would: every
// origin list changed to "*" was "the same decisions"). Each group's
// summary starts with its resource. Resources on one side only are an
// error that names them. ok is false when neither side has several.
func eachResource(old, new Config, o Options) (*Report, bool, error) {
	if old.Resource != "" || new.Resource != "" {
		return nil, false, nil
	}
	a, b := resourcesOf(o.Formats, old), resourcesOf(o.Formats, new)
	if len(a) < 2 && len(b) < 2 {
		return nil, false, nil
	}
	var onlyOld, onlyNew []string
	for _, n := range a {
		if !slices.Contains(b, n) {
			onlyOld = append(onlyOld, n)
		}
	}
	for _, n := range b {
		if !slices.Contains(a, n) {
			onlyNew = append(onlyNew, n)
		}
	}
	if len(onlyOld)+len(onlyNew) > 0 {
		return nil, true, errors.New("the two configurations have different resources with CORS (only in OLD: " + strings.Join(onlyOld, ", ") +
			"; only in NEW: " + strings.Join(onlyNew, ", ") + "): compare one resource at a time with --resource NAME")
	}
	rep := &Report{}
	for _, n := range b {
		oc, nc := old, new
		oc.Resource, nc.Resource = n, n
		r, err := Diff(oc, nc, o)
		if err != nil {
			return nil, true, err
		}
		rep.Browser, rep.OldFormat, rep.NewFormat = r.Browser, r.OldFormat, r.NewFormat
		rep.Space += r.Space
		rep.Asked += r.Asked
		for _, g := range r.Groups {
			g.Summary = n + ": " + g.Summary
			rep.Groups = append(rep.Groups, g)
		}
	}
	// Widening groups first, as one diff orders them.
	sort.SliceStable(rep.Groups, func(i, j int) bool {
		return rep.Groups[i].Direction == Widen && rep.Groups[j].Direction != Widen
	})
	return rep, true, nil
}

// Diff compares OLD and NEW over the request space both define.
func Diff(old, new Config, o Options) (*Report, error) {
	if o.Browser == "" {
		o.Browser = "chrome"
	}
	if _, ok := fetch.Lookup(o.Browser); !ok {
		return nil, errors.New("unknown browser " + quote(o.Browser))
	}
	if rep, ok, err := eachResource(old, new, o); ok {
		return rep, err
	}
	a, b, err := readBoth(old, new, o.Formats)
	if err != nil {
		return nil, err
	}
	sp := newSpace(a, b)
	p, _ := fetch.Lookup(o.Browser)
	ra, rb := newRunner(a, p, sp), newRunner(b, p, sp)
	if o.MaxAsked <= 0 {
		o.MaxAsked = DefaultMaxAsked
	}
	ch, asked, err := compare(sp, ra, rb, o.MaxAsked)
	if err != nil {
		return nil, err
	}
	rep := &Report{Browser: o.Browser, OldFormat: a.format.Name(), NewFormat: b.format.Name(), Space: sp.size(), Asked: asked}
	rep.Groups = group(ch, sp.pathsShown(), sp.pathNoted)
	for i := range rep.Groups {
		g := &rep.Groups[i]
		g.Pos = b.pos(g.Origins, g.Paths)
		if g.Direction == Narrow {
			// An origin the new side no longer names is where the old
			// side named it, in the rule the new side keeps in its
			// place: tried as a new user would, the narrowing of rule
			// 1's origin was placed at rule 3's "*".
			if p, ok := movedFrom(a, b, g.Origins); ok {
				g.Pos = p
			}
		}
		if p, ok := b.headerPos(g); ok {
			g.Pos = p
		}
		by := b
		if g.Direction == Narrow {
			by = a
		}
		if p, at := by.patternOf(g.Origins); p != "" {
			// Many origins that one pattern covers are that pattern's doing.
			g.Pattern = p
			g.Summary += " (all matched by " + p + ")"
			if by == b && at.Line > 0 {
				g.Pos = at
			}
		}
	}
	return rep, nil
}

// patternOf is an origin pattern of the side's rules ("*" aside) that
// matches every one of origins, when there are more than the words name;
// "" when none does. at is where the pattern is.
func (s *side) patternOf(origins []string) (pattern string, at portable.Pos) {
	if s.cfg == nil || len(origins) <= maxNamed {
		return "", at
	}
	for _, r := range s.cfg.Rules {
		for j, v := range r.Origins {
			e := strings.ToLower(strings.TrimSpace(v.Text))
			if r.Regex[j] || e == "*" || !strings.Contains(e, "*") {
				continue
			}
			all := true
			for _, o := range origins {
				if !glob(e, o) {
					all = false
					break
				}
			}
			if all {
				return v.Text, v.Pos
			}
		}
	}
	return "", at
}

// Evaluate runs one request of the space against configuration c
// through explain.Run, reading c again: the brute force a test holds
// Diff to.
func Evaluate(c Config, req Request, sp *Space, o Options) (Outcome, error) {
	if o.Browser == "" {
		o.Browser = "chrome"
	}
	s, err := readSide("config", c, o.Formats)
	if err != nil {
		return Outcome{}, err
	}
	return oracle(s, o, sp.sp, req)
}

// Space is the request space of two configurations (SpaceOf), for a
// caller that checks a report request by request.
type Space struct{ sp *space }

// SpaceOf returns the request space Diff asks for OLD and NEW.
func SpaceOf(old, new Config, o Options) (*Space, error) {
	a, b, err := readBoth(old, new, o.Formats)
	if err != nil {
		return nil, err
	}
	return &Space{newSpace(a, b)}, nil
}

func readBoth(old, new Config, reg *policy.Registry) (a, b *side, err error) {
	if a, err = readSide("old", old, reg); err != nil {
		return nil, nil, err
	}
	if b, err = readSide("new", new, reg); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// Requests lists every request of the space, header variants included.
func (s *Space) Requests() []Request {
	var out []Request
	s.sp.each(func(r Request) { out = append(out, r) })
	return out
}

// runner asks one configuration, with its evaluator read once, through
// the browser model (engine/fetch) directly: explain.Run would build each
// verdict's steps and rule sentences, which a diff never reads (about
// 780 µs a request against a 100-rule S3 policy, 85% of it the steps'
// words). The server's replies are kept by the request the server sees,
// so the same request with and without credentials is answered once.
// Evaluate, the oracle the property test holds this to, goes through
// explain.Run.
type runner struct {
	side    *side
	profile *fetch.Profile
	sp      *space
	replies map[string]policy.Outcome
	url     string // the fetch's first URL, for a captured reply (explain.Captured)
}

func newRunner(s *side, p *fetch.Profile, sp *space) *runner {
	return &runner{side: s, profile: p, sp: sp, replies: map[string]policy.Outcome{}}
}

func (r *runner) run(req Request) (Outcome, error) {
	in := fetch.Init{Method: req.Method, Credentials: "omit"}
	if req.Credentials {
		in.Credentials = "include"
	}
	if req.Header != "" {
		in.Headers = headers.List{headerField(req.Header)}
	}
	r.url = r.sp.url(req.Path)
	fr, pre, err := r.profile.NewRequest(req.Origin, r.url, in)
	if err != nil {
		return Outcome{}, err
	}
	res := r.profile.Run(fr, pre, r)
	return Outcome{Allowed: res.Allowed, Readable: res.Readable}, nil
}

// Answer implements fetch.Server as explain's server does for a
// scenario with a policy and the space's application reply: OPTIONS
// reaches an application that answers 404, other methods one that
// answers sp.app; a captured reply answers the fetch's first URL only.
func (r *runner) Answer(req policy.Request, preflight bool, hop int) policy.Outcome {
	app := *r.sp.app
	if preflight {
		app = policy.Reply{Status: 404}
	}
	if _, captured := r.side.format.(explain.Captured); captured && hop > 0 && req.URL != r.url {
		return policy.Outcome{Reply: app}
	}
	var k strings.Builder
	k.WriteString(req.Method + " " + req.URL)
	if preflight {
		k.WriteString(" preflight")
	}
	for _, f := range req.Header {
		k.WriteString("\n" + f.Name + ": " + f.Value)
	}
	key := k.String()
	if out, ok := r.replies[key]; ok {
		return out
	}
	out := r.side.eval.Respond(req, app)
	out = policy.Outcome{Reply: out.Reply}
	r.replies[key] = out
	return out
}

// oracle asks one configuration through explain.Run, as a user's
// scenario would be explained: Evaluate's way.
func oracle(s *side, o Options, sp *space, req Request) (Outcome, error) {
	sc := explain.Scenario{
		Browser:  o.Browser,
		Request:  explain.Request{Origin: req.Origin, URL: sp.url(req.Path), Init: fetch.Init{Method: req.Method, Credentials: "omit"}},
		Response: sp.app,
		Policy:   &explain.Policy{Format: s.format.Name(), Text: s.src.Text, Files: s.src.Files, Params: s.src.Params, Resource: s.src.Resource},
	}
	if req.Credentials {
		sc.Request.Credentials = "include"
	}
	if req.Header != "" {
		sc.Request.Headers = headers.List{headerField(req.Header)}
	}
	v, err := explain.Run(sc, explain.Options{Formats: o.Formats})
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Allowed: v.Allowed, Readable: v.ReadableHeaders}, nil
}

// pos is where the side's configuration names one of origins, else
// where an entry of it that may match one of them is (a pattern), else its
// first rule; for a configuration without rules, where its text first
// names one of origins.
func (s *side) pos(origins, paths []string) portable.Pos {
	cfg := s.cfg
	if cfg == nil {
		lower := strings.ToLower(s.text)
		for _, o := range origins {
			if i := strings.Index(lower, o); i >= 0 && o != "null" {
				line, col := policy.LineCol(s.text, i)
				return portable.Pos{Line: line, Column: col}
			}
		}
		return portable.Pos{}
	}
	if len(cfg.Rules) == 0 {
		return portable.Pos{}
	}
	if len(origins) > maxNamed {
		origins = origins[:maxNamed] // the ones the words name
	}
	for _, exact := range []bool{true, false} {
		for _, o := range origins {
			for _, r := range cfg.Rules {
				if r.Disabled || !coversShown(r.Paths, paths) {
					// Another resource's, or another path's: tried as a
					// new user would, a group of /public/* was placed
					// at the /api rule's origin.
					continue
				}
				for _, v := range r.Origins {
					if v.Pos.Line == 0 {
						continue
					}
					if strings.EqualFold(v.Text, o) || !exact && mayMatch(portable.ConfigRule{Origins: []portable.Value{v}}, o) {
						return v.Pos
					}
				}
			}
		}
	}
	// No entry names them: the origins of the first rule of these paths,
	// which decides them there.
	for _, r := range cfg.Rules {
		if !r.Disabled && coversShown(r.Paths, paths) {
			for _, v := range r.Origins {
				if v.Pos.Line > 0 {
					return v.Pos
				}
			}
			return r.Pos
		}
	}
	return cfg.Rules[0].Pos
}

// movedFrom is the place, in new, of the rule that stands where old's
// rule naming one of origins exactly stood (the same number), when new
// names none of them exactly: its first origin entry.
func movedFrom(old, new *side, origins []string) (portable.Pos, bool) {
	if old.cfg == nil || new.cfg == nil || exactIndex(new.cfg, origins) >= 0 {
		return portable.Pos{}, false
	}
	k := exactIndex(old.cfg, origins)
	for _, r := range new.cfg.Rules {
		if r.Index == k && k >= 0 && len(r.Origins) > 0 && r.Origins[0].Pos.Line > 0 {
			return r.Origins[0].Pos, true
		}
	}
	return portable.Pos{}, false
}

// exactIndex is the Index of cfg's first rule naming one of origins
// exactly, or -1.
func exactIndex(cfg *portable.Config, origins []string) int {
	for _, r := range cfg.Rules {
		for _, v := range r.Origins {
			for _, o := range origins {
				if strings.EqualFold(v.Text, o) {
					return r.Index
				}
			}
		}
	}
	return -1
}

// coversShown reports that a rule of rulePaths (empty: every path)
// covers one of a group's paths as the report shows them ("/api/*",
// "api.example.com/v1", "/"): nil shown paths are covered.
func coversShown(rulePaths, shown []string) bool {
	if len(rulePaths) == 0 || len(shown) == 0 {
		return true
	}
	for _, s := range shown {
		if i := strings.IndexByte(s, '/'); i > 0 {
			s = s[i:] // a host's path
		}
		s = strings.TrimSuffix(s, "/*")
		if s == "" {
			s = "/"
		}
		for _, p := range rulePaths {
			if portable.UnderPath(s, p) || portable.UnderPath(s+"/x", p) {
				return true
			}
		}
	}
	return false
}

// headerPos is where NEW names one of a group's headers, when the group
// is about headers (a request header newly allowed, a response header
// newly exposed) and NEW lists one: the change is that entry's doing,
// not the origins'.
func (s *side) headerPos(g *Group) (portable.Pos, bool) {
	if s.cfg == nil || len(g.Headers) == 0 {
		return portable.Pos{}, false
	}
	for _, r := range s.cfg.Rules {
		if r.Disabled {
			continue
		}
		list := r.AllowHeaders
		if g.Change == Exposes || g.Change == NoLongerExpose {
			list = r.ExposeHeaders
		}
		for _, v := range list {
			for _, h := range g.Headers {
				if v.Pos.Line > 0 && strings.EqualFold(strings.TrimSpace(v.Text), h) {
					return v.Pos, true
				}
			}
		}
	}
	return portable.Pos{}, false
}

func quote(s string) string { return "\"" + s + "\"" }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
