// Package apache reads the CORS part of an Apache httpd configuration and
// answers requests the way Apache httpd 2.4 (Debian 12's apache2) would
// (format name "apache").
//
// Understood (httpd.apache.org/docs/2.4: mod_headers, mod_setenvif,
// mod_rewrite, core <If> and expressions, sections and their merging):
//   - Header [always|onsuccess] set|add|append|merge|unset|setifempty|
//     edit|edit* name [value [replacement]] [env=[!]VAR], with %{VAR}e in
//     values ("(null)" when VAR is unset); onsuccess lines act on the
//     reply's own table (the backend's headers), always lines on a
//     second table sent first; on a reply Apache generates itself (a
//     RewriteRule [R=204], [F], [G], a 404 of its own handlers) only the
//     always lines are sent; a proxied 4xx or 5xx keeps both; merge
//     skips a value already among the header's tokens;
//   - SetEnvIf / SetEnvIfNoCase attribute regex [!]VAR[=value] with $0..$9,
//     in the server and virtual host (before anything else) and in
//     matching sections;
//   - <VirtualHost> chosen among those with the request's port by ServerName /
//     ServerAlias, else the first of them;
//     <Location> (prefix, a prefix not ending in / ends at a /),
//     <LocationMatch>, <Directory> (for a file under DocumentRoot, not a
//     proxied request; shorter paths first), <If> / <ElseIf> / <Else>
//     with the ap_expr subset of expr.go, merged in Apache's order:
//     server, virtual host, Directory, Location, If sections; the Header
//     lists of them all apply in that order;
//   - RewriteEngine, RewriteCond %{VAR} regex [NC,OR] and RewriteRule
//     pattern - [R=2xx|F|G,L], or a target with R=3xx, in the server or
//     virtual host;
//   - a .htaccess in DocumentRoot (told by what only one holds:
//     RewriteBase, a file test, a relative rewrite; htaccessLike), as
//     WordPress and Laravel ship them: RewriteBase, RewriteCond
//     %{REQUEST_FILENAME} -f / -d (whycors cannot see the disk, and
//     says what it took it to hold), RewriteRule rewrites with $N, %N,
//     E=, END, each an internal redirect that runs the file again
//     (htaccess.go); a .php target or "/" is the application's;
//   - ProxyPass (which replies are the backend's); a request no ProxyPass
//     covers is served by Apache itself, whose 4xx and 5xx (a missing
//     file) carry only the always lines.
//
// WriteRules (write.go) writes a neutral policy as virtual host
// directives, exactly: an <If> / <ElseIf> chain of Header always set
// lines and a RewriteRule [R=204] a rule for its preflights.
//
// %{Name}i in a Header value is a fault: mod_headers reads it as %i, the
// server's idle percentage. Directives that change the reply in ways not
// modelled (ErrorDocument, Redirect, Include, RequestHeader, ...) are
// reported with their position.
package apache

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

const source = "httpd.apache.org/docs/2.4/mod/mod_headers.html; mod_setenvif.html; mod_rewrite.html"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "apache" policy format.
type Format struct{}

// RulesAreHeaderLines: each rule is a header line, named by its header
// (explain.HeaderLines).
func (*Format) RulesAreHeaderLines() {}

// Name returns "apache".
func (*Format) Name() string { return "apache" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Apache httpd: Header directives" }

// Platform names Apache in messages.
func (*Format) Platform() string { return "Apache httpd" }

// Doc is the reference the evaluation rests on.
func (*Format) Doc() string { return source }

// NoRulesWhy says why an Apache configuration cannot be converted from.
func (*Format) NoRulesWhy() string {
	return "the reader evaluates the Header and SetEnvIf directives but exposes no rule model to convert from; convert from the policy you generated it from, or write the rules in the native format"
}

// apacheFirst reports whether a text's first word is Apache's: a
// RewriteEngine line claims the text only after one (a last look: an
// indented one in a CloudFormation UserData script made the template
// ambiguous). The reader's own directives and sections, and the PHP and
// authentication lines a .htaccess has that it does not read.
func apacheFirst(w string) bool {
	if strings.HasPrefix(w, "<") {
		return sectionNames[w[1:]]
	}
	return skipped[w] || unsupported[w] != "" || readDirectives[w] || otherFirst[w]
}

var (
	sectionNames = map[string]bool{
		"ifmodule": true, "ifdefine": true, "ifversion": true, "files": true, "filesmatch": true, "if": true,
		"limit": true, "limitexcept": true, "virtualhost": true, "directory": true, "directorymatch": true,
		"location": true, "locationmatch": true,
	}
	readDirectives = map[string]bool{
		"header": true, "setenvif": true, "setenvifnocase": true, "rewriteengine": true, "rewritebase": true,
		"rewritecond": true, "rewriterule": true, "proxypass": true,
	}
	otherFirst = map[string]bool{
		"order": true, "fileetag": true, "alias": true, "scriptalias": true, "php_value": true, "php_flag": true,
		"authname": true, "rewriteoptions": true,
	}
)

// Detect claims text with a mod_headers line of an Access-Control- or
// Vary header: "Header [always|onsuccess] <action> Access-Control-...",
// a verb no Caddyfile or nginx directive has; else a RewriteEngine
// line (a .htaccess before its CORS lines).
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	rewrite := false
	first := ""
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if first == "" && len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			first = strings.ToLower(strings.TrimRight(f[0], ">"))
		}
		if len(f) >= 2 && strings.EqualFold(f[0], "RewriteEngine") && apacheFirst(first) {
			// mod_rewrite's verb, which no other server's file has: a
			// .htaccess without CORS lines yet (WordPress's) is Apache's.
			rewrite = true
		}
		if len(f) < 3 || !strings.EqualFold(f[0], "Header") {
			continue
		}
		rest := f[1:]
		if strings.EqualFold(rest[0], "always") || strings.EqualFold(rest[0], "onsuccess") {
			rest = rest[1:]
		}
		if len(rest) < 2 || !headerActions[strings.ToLower(rest[0])] {
			continue
		}
		n := strings.ToLower(strings.Trim(rest[1], "\"'"))
		if strings.HasPrefix(n, "access-control-") || n == "vary" {
			return true, "an Apache Header " + strings.ToLower(rest[0]) + " line of " + strings.Trim(rest[1], "\"'")
		}
	}
	if rewrite {
		return true, "an Apache RewriteEngine line"
	}
	return false, ""
}

// Parse reads the configuration.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// The cases of Apache's notes (words). A rule's note is the Header
// action that ran (N 1 for always), or why it did not; the decision's
// Args[0] says who answered ("app", "generated"), Args[1] "proxied" or
// "local", N the status, M a RewriteRule's line, List the steps in
// pairs (a step word, a line).
const (
	caseEnv      = "env"
	caseStatus   = "status"
	caseMergeHad = "merge-had"
	caseDecision = "decision"

	stepEnvYes = "setenv"
	stepEnvNo  = "setenv-no"
	stepIf     = "if"
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	table := ""
	if n.N == 1 {
		table = "always "
	}
	switch n.Case {
	case "set", "add", "append", "merge", "setifempty":
		return "Header " + table + n.Case + " " + n.Args[0] + " " + strconv.Quote(n.Args[1])
	case "unset":
		return "Header " + table + "unset " + n.Args[0]
	case "edit", "edit*":
		return "Header " + table + n.Case + " " + n.Args[0]
	case caseMergeHad:
		return "Header merge " + n.Args[0] + ": " + strconv.Quote(n.Args[1]) + " is already there"
	case caseEnv:
		if n.N == 1 {
			return "Header " + n.Args[0] + " applies only when " + n.Args[1] + " is not set, and it is"
		}
		return "Header " + n.Args[0] + " applies only when " + n.Args[1] + " is set (env=), and no SetEnvIf set it for this request"
	case caseStatus:
		return "Header " + n.Args[1] + " " + n.Args[0] + " without always is not sent with the " + strconv.Itoa(n.N) + " Apache generates itself: only the always table is"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	var steps []string
	for i := 0; i+1 < len(n.List); i += 2 {
		switch n.List[i] {
		case stepEnvYes:
			steps = append(steps, "SetEnvIf at line "+n.List[i+1]+" matched")
		case stepEnvNo:
			steps = append(steps, "SetEnvIf at line "+n.List[i+1]+" did not match")
		case stepIf:
			steps = append(steps, "<If> at line "+n.List[i+1]+" is true")
		case stepRewrite, stepFile, stepNoFile, stepDir, stepNoDir:
			p := ""
			if i+3 < len(n.List) && n.List[i+2] == stepPath {
				p = n.List[i+3]
			}
			steps = append(steps, rewriteStep(n.List[i], n.List[i+1], p))
		case stepWork:
			steps = append(steps, "RewriteRule at line "+n.List[i+1]+": the rules read more than 8 MB for this request, where whycors stops with 500")
		case stepLong:
			steps = append(steps, "RewriteRule at line "+n.List[i+1]+" made a path longer than 8,190 bytes, where whycors stops with 500")
		case stepLoop:
			steps = append(steps, "RewriteRule at line "+n.List[i+1]+" rewrote the request an eleventh time: Apache answers 500 (LimitInternalRecursion 10)")
		}
	}
	if assumedDisk(n.List) {
		steps = append(steps, "whycors cannot see the disk: it takes a path whose last segment has an extension as a file (and a .php segment with more path after it), and / as the only directory")
	}
	switch {
	case n.Args[1] == "file" && n.N == 404:
		steps = append(steps, "Apache answered 404 itself: nothing rewrote "+n.Args[2]+" to a script, and it is taken to be no file")
	case n.Args[1] == "file" && n.N == 405:
		steps = append(steps, "Apache answered 405 itself: its file handler serves "+n.Args[2]+" to GET, HEAD, POST and OPTIONS only")
	case n.Args[1] == "file":
		steps = append(steps, "Apache served "+n.Args[2]+" itself as a file ("+strconv.Itoa(n.N)+"), no application behind it")
	case n.Args[0] == "generated" && n.M > 0:
		steps = append(steps, "RewriteRule at line "+strconv.Itoa(n.M)+" answered "+strconv.Itoa(n.N))
	case n.Args[0] == "generated":
		steps = append(steps, "Apache answered "+strconv.Itoa(n.N)+" itself (not proxied)")
	case n.Args[1] == "proxied":
		steps = append(steps, "the backend answered "+strconv.Itoa(n.N)+" through ProxyPass")
	case n.Args[1] == "script":
		steps = append(steps, "the application answered "+strconv.Itoa(n.N)+" for "+n.Args[2]+" (taken to be a script Apache hands to PHP, whose replies keep the Header lines without always)")
	default:
		steps = append(steps, "the application answered "+strconv.Itoa(n.N))
	}
	return strings.Join(steps, "; ")
}

// rewriteStep says what a .htaccess's RewriteRule or RewriteCond at
// line did with the path p.
func rewriteStep(step, line, p string) string {
	switch step {
	case stepRewrite:
		return "RewriteRule at line " + line + " rewrote the request to " + p + ", which runs again as a new request"
	case stepFile:
		return "RewriteCond at line " + line + " takes " + p + " as a file"
	case stepNoFile:
		return "RewriteCond at line " + line + " takes " + p + " as no file"
	case stepDir:
		return "RewriteCond at line " + line + " takes " + p + " as a directory"
	}
	return "RewriteCond at line " + line + " takes " + p + " as no directory"
}

// assumedDisk reports whether steps hold a file test, whose answer
// whycors assumed.
func assumedDisk(steps []string) bool {
	for i := 0; i < len(steps); i += 2 {
		switch steps[i] {
		case stepFile, stepNoFile, stepDir, stepNoDir:
			return true
		}
	}
	return false
}
