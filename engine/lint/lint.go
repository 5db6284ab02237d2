// Package lint finds dangerous and useless parts of a CORS configuration
// in any format the engine reads, and says where they are in the user's
// own text.
//
// Lint reads the text with the platform's reader (through engine/convert,
// which keeps every value's JSON path or line and column), reports what
// the platform itself refuses at upload as errors, and checks each rule
// with that platform's semantics: S3 echoes requested headers where API
// Gateway sends "*" literally, S3 and Azure pick rules by method so GET
// must be listed there but never needs listing in a native policy.
// Formats without rules (nginx, raw replies, HAR, API Gateway's REST
// headers) are probed instead: the evaluator is asked what it answers a
// made-up origin and "null", with a preflight and every method, at every
// path the format names (Targeter: each nginx location), and the CORS
// headers it sends are checked as a rule (methods, request and exposed
// headers, max-age, a fixed origin), so every check that a reply can
// show applies to them; origins an attacker can register around each
// domain the text names (whycors-probe-example.com,
// example.com.whycors-probe.invalid, a name under a public suffix) find
// an origin check by pattern that lets them through. Rules that never decide (a duplicate, or one an
// earlier rule always answers for) are found by the platform's way of
// choosing a rule.
//
// # Suppressions
//
// A finding the user accepts is marked where it arises, with the reason:
// a comment "whycors:ignore CODE reason" in nginx, JavaScript, YAML or
// HCL (on the line, or alone on the line before), or a member
// "whycors:ignore": {"CODE": "reason"} in a JSON object, which covers the
// object and everything in it (suppress.go says what each covers). One
// without a known code or a reason suppresses nothing and is reported;
// one that covers nothing is reported too.
//
// # Codes
//
// Codes are stable; messages may improve. Severity is fixed per code
// unless the table says otherwise. Codes gives each code's public
// references, which the SARIF report's rules carry; the checks'
// comments cite the project's notes behind them.
//
//	code                        severity          what
//	rejected                    error             the platform refuses the text at upload (its own message)
//	options-method              error / info      OPTIONS listed: S3 and R2 refuse it; elsewhere never needed
//	wildcard-credentials        error             "*" origin with credentials: browsers refuse the answer
//	reflect-any-origin          error / info      every Origin echoed (Express origin: true, nginx
//	                                              $http_origin, API Gateway "https://*"): error with
//	                                              credentials, info without (then it equals "*")
//	null-origin                 warning           "null" allowed: every sandboxed iframe and file: page
//	                                              sends it
//	suffix-trap                 error             a pattern or regular expression that also matches
//	                                              attackers' domains (*example.com, /example.com$/)
//	public-suffix-wildcard      error / warning   a wildcard over a public suffix (https://*.com,
//	                                              https://*.github.io): error with credentials
//	insecure-origin             error / warning   an http:// origin with credentials: error when the user
//	                                              enabled credentials, warning when the platform adds them
//	                                              (S3, Azure)
//	regex-literal               warning           an entry that looks like a regular expression on a
//	                                              platform that compares strings: it never matches
//	origin-never-matches        warning           an origin no browser sends (trailing slash, path, default
//	                                              port, uppercase, no scheme, file:, a space or comma)
//	no-origins                  error             a rule that allows no origin
//	authorization-wildcard      warning           Authorization relying on Access-Control-Allow-Headers: *
//	wildcard-headers-credentials error            "*" request headers or methods sent literally with
//	                                              credentials: browsers read it as a name
//	wildcard-expose-credentials error             Access-Control-Expose-Headers: * with credentials
//	invalid-name                warning           a method or header name that is not an HTTP token
//	safelisted-method           info              GET, HEAD or POST listed where methods do not pick a rule
//	forbidden-method            warning           CONNECT, TRACE or TRACK: fetch() never sends them
//	safelisted-header           info              Accept, Accept-Language or Content-Language listed: the
//	                                              browser never asks for them
//	forbidden-header            warning           a header a page cannot set (Cookie, Host, Sec-*, ...)
//	response-header-requested   warning           a response header (Access-Control-Allow-Origin, ...)
//	                                              listed as a request header
//	forbidden-exposed           warning           Set-Cookie or a request-only header listed as exposed
//	max-age-cap                 info / warning    max-age above a browser's cap (Safari 600, Chrome 7200);
//	                                              warning above 86400 (Firefox's cap, jub0bs's bound)
//	s3-vary                     info              S3/R2 send Vary only on a match: a CDN in front may replay
//	                                              an answer without CORS headers
//	missing-always              warning           nginx add_header Access-Control-... without always:
//	                                              the header vanishes on 4xx and 5xx replies
//	duplicate-rule              warning           a rule that repeats an earlier one entry for entry
//	unreachable-rule            warning           a rule an earlier one always answers for: native's first
//	                                              rule for a path (one for every path, or the same path),
//	                                              or S3, R2, GCS and Azure's first rule that matches origin
//	                                              and method (and, S3 and R2, headers), entries written alike
//	overlapping-paths           warning           a native rule whose path overlaps an earlier rule's, with
//	                                              origins that rule lacks: on the overlap it answers
//	                                              requests the earlier rule refuses (engine/native)
//	suppression-invalid         warning           a whycors:ignore directive without a known code or a
//	                                              reason: it suppresses nothing
//	suppression-unused          info              a whycors:ignore directive that covers no finding
package lint

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Severity of a Finding.
type Severity string

// The severities, from most to least serious.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Rank orders severities: error 3, warning 2, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// Finding is one problem, with where it is in the user's text.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	// File is the file of a configuration of several files (LintSource)
	// the finding is in; "" for a configuration of one text.
	File   string `json:"file,omitempty"`
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// MaxFindings bounds what one text can produce.
const MaxFindings = 500

// Lint checks text written in format (a registered format name, or "auto"
// or "" to detect it). Findings come sorted by position. The error is
// reserved for input Lint cannot start on: an unknown or undetectable
// format, text over convert.MaxText, or text its format's reader cannot
// read at all (policy.Errors with Unreadable faults: invalid JSON, XML
// that is not well-formed, nginx syntax); everything the platform reads
// and refuses is a finding with code "rejected".
func Lint(reg *policy.Registry, text, format string) ([]Finding, error) {
	if len(text) > convert.MaxText {
		return nil, &convert.Error{Msg: "text longer than " + strconv.Itoa(convert.MaxText) + " bytes"}
	}
	// The user's own suppressions come out first (suppress.go): a JSON
	// directive is blanked, so the platform's reader does not see it.
	orig := text
	text, sups, bad := suppressions(text)
	f, err := reg.Resolve(format, policy.Source{Text: text})
	if err != nil {
		return nil, &convert.Error{Msg: err.Error()}
	}
	if out, ok, err := eachResource(reg, f, policy.Source{Text: orig}); ok {
		for i := range out {
			out[i].File = "" // the one text's name is the caller's
		}
		return out, unnamed(err)
	}
	src, err := convert.Read(reg, text, f.Name())
	if err := unreadable(f, text, err); err != nil {
		return nil, unnamed(err)
	}
	out := Read(f, text, src, err)
	for i := range out {
		// One text: its name is the caller's (a reader names it as a
		// diff would, main.tf).
		out[i].File = ""
	}
	if sups == nil && bad == nil {
		return out, nil
	}
	out = append(applySuppressions(out, sups, known(f)), bad...)
	sortFindings(out)
	return out, nil
}

// Read is Lint of a text already read: src and err are what
// convert.Read returned for text in format f. A caller that reads the
// same text for other reasons (the fix search) reads it once.
func Read(f policy.Format, text string, src *convert.Source, err error) []Finding {
	return read(&linter{format: f}, text, src, err)
}

// Errors is Read's findings of severity Error, for a caller that reads
// only those (the fix search: a fix may add no error). It leaves out
// the checks that find only warnings and notes (the rules that never
// decide, S3's Vary), the most of Read's cost for a policy of rules;
// when what they would have found could have reached MaxFindings (and
// so left out a later error), it is Read's, filtered.
func Errors(f policy.Format, text string, src *convert.Source, err error) []Finding {
	out := read(&linter{format: f, errorsOnly: true}, text, src, err)
	if err == nil && len(out)+len(src.Rules)+1 >= MaxFindings {
		out = Read(f, text, src, err)
	}
	errs := out[:0:0]
	for _, x := range out {
		if x.Severity == Error {
			errs = append(errs, x)
		}
	}
	return errs
}

func read(l *linter, text string, src *convert.Source, err error) []Finding {
	f := l.format
	var perrs policy.Errors
	var cerr *convert.Error
	switch {
	case err == nil:
		for _, e := range src.Rejects {
			l.rejected(e)
		}
		l.source(src)
		// A format with rules may have traps of its own text too (a
		// template's unresolved values).
		l.checkText(f, text)
	case errors.As(err, &perrs):
		for _, e := range perrs {
			l.rejected(e)
		}
	case errors.As(err, &cerr):
		// No rules to read: lint the text's own traps and probe the
		// evaluator.
		l.checkText(f, text)
		ev, perr := l.parse(text)
		if perr != nil {
			if errors.As(perr, &perrs) {
				for _, e := range perrs {
					l.rejected(e)
				}
			} else {
				l.add(Error, "rejected", perr.Error(), convert.Pos{})
			}
		} else {
			l.probe(ev, text)
		}
	default:
		l.add(Error, "rejected", err.Error(), convert.Pos{})
	}
	out := l.out
	sortFindings(out)
	return out
}

// checkText adds the findings of f's own check of text (TextChecker),
// or of the linter's source (SourceChecker).
func (l *linter) checkText(f policy.Format, text string) {
	if c, ok := f.(SourceChecker); ok && l.files != nil {
		for _, x := range c.CheckSource(*l.files) {
			l.addOwn(Severity(x.Severity), x.Code, x.Message, x.Pos)
		}
		return
	}
	if c, ok := f.(TextChecker); ok {
		for _, x := range c.CheckText(text) {
			l.addOwn(Severity(x.Severity), x.Code, x.Message, x.Pos)
		}
	}
}

// addOwn adds a finding of the format's own check, which says in the
// format's words what a check of the rules said at the same place with
// the same code: it takes that finding's place. Tried as a new user
// would, flask-cors's default origins with credentials were two
// reflect-any-origin errors at one line.
func (l *linter) addOwn(sev Severity, code, msg string, at convert.Pos) {
	for i := range l.out {
		if f := &l.out[i]; f.Line == at.Line && f.Column == at.Column && (f.Code == code || sameFinding(f, code)) && f.File == at.File && at.Line > 0 {
			f.Severity, f.Code, f.Message, f.Path = sev, code, msg, at.Path
			return
		}
	}
	l.add(sev, code, msg, at)
}

// sameFinding reports a finding of the rules' check that a format's own
// code says in its words: django-cors-headers' and flask-cors's
// regex-without-end-anchor is the suffix-trap of a pattern without $
// (regex's "not anchored with $"), said with re.match's words. Tried as
// a new user would, one regex was two errors; a suffix-trap of another
// kind at the same place (an unescaped dot) stays.
func sameFinding(f *Finding, code string) bool {
	return code == "regex-without-end-anchor" && f.Code == "suffix-trap" && strings.Contains(f.Message, "not anchored with $")
}

// sortFindings orders findings by position, keeping the order of those
// at one place.
func sortFindings(out []Finding) {
	if len(out) <= 16 {
		// The few findings of most texts: an insertion sort, stable as
		// sort.SliceStable, without its swapper's allocation.
		// (slices.SortStableFunc, here and in advise's chooseTargets,
		// cost the full engine's wasm 25 KB raw, 2.6 KB brotli.)
		for i := 1; i < len(out); i++ {
			for j := i; j > 0 && (out[j].Line < out[j-1].Line || out[j].Line == out[j-1].Line && out[j].Column < out[j-1].Column); j-- {
				out[j], out[j-1] = out[j-1], out[j]
			}
		}
		return
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
}

// Platformer is a format that names its platform in a sentence ("S3",
// "Express cors()"); without it, messages use the format's name.
type Platformer interface {
	Platform() string
}

// TextChecker is a format with traps in its own text that no rule model
// shows (nginx's add_header without always): CheckText lists them,
// positioned.
type TextChecker interface {
	CheckText(text string) []portable.Finding
}

// Coder is a format whose own checks (TextChecker, the explainer's
// Trapper) report codes of their own: LintCodes lists each, so that
// `whycors lint --codes` and the SARIF report name it and a
// whycors:ignore directive may (CodesOf).
type Coder interface {
	LintCodes() []portable.Code
}

type linter struct {
	format policy.Format
	// files is the configuration of several files (or parameters)
	// LintSource reads; nil for one text.
	files *policy.Source
	// errorsOnly skips the checks that find no error (Errors).
	errorsOnly bool
	out        []Finding
}

// parse is the format's evaluator of text, or of the linter's source.
func (l *linter) parse(text string) (policy.Evaluator, error) {
	if l.files != nil {
		return policy.Parse(l.format, *l.files)
	}
	return l.format.Parse(text)
}

func (l *linter) add(sev Severity, code, msg string, at convert.Pos) {
	if len(l.out) >= MaxFindings {
		return
	}
	// A finding said already is not said again. The list is short (at
	// most MaxFindings, most policies a handful), so it is searched, not
	// hashed: a map and a key per finding were a tenth of linting a
	// fix search's changed policy.
	for i := range l.out {
		if f := &l.out[i]; f.Line == at.Line && f.Column == at.Column && f.Code == code && f.File == at.File && f.Path == at.Path && f.Message == msg {
			return
		}
	}
	l.out = append(l.out, Finding{Severity: sev, Code: code, Message: msg, File: at.File, Path: at.Path, Line: at.Line, Column: at.Column})
}

func (l *linter) rejected(e *policy.Error) {
	at := convert.Pos{File: e.File, Path: e.Path, Line: e.Line, Column: e.Column}
	if e.LintCode != "" {
		// No refusal: a value not given here, which the user can give.
		l.add(Warning, e.LintCode, e.Msg, at)
		return
	}
	msg := e.Msg
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	if strings.HasSuffix(e.Msg, "Unsupported method is OPTIONS") {
		// S3 refuses OPTIONS (aws/aws-sdk-js#3667, cloud-policies.md
		// §1.2); the preflight never needs it listed.
		l.add(Error, "options-method", platformName(l.format)+" refuses OPTIONS in AllowedMethods ("+msg+"); remove it: the preflight itself is answered from the rule that allows the real method", at)
		return
	}
	who := platformName(l.format)
	if e.Platform != "" {
		who = e.Platform
	}
	l.add(Error, "rejected", who+" refuses this: "+msg, at)
}

// platform names what answers src: its own platform when the format is
// a template of another's (Config.Platform), else the format's.
func (l *linter) platform(src *convert.Source) string {
	if src != nil && src.Platform != "" {
		return src.Platform
	}
	return platformName(l.format)
}

func platformName(f policy.Format) string {
	if p, ok := f.(Platformer); ok {
		return p.Platform()
	}
	return f.Name()
}
