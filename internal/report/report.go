// Package report writes the command line's findings in the forms a
// pipeline reads: SARIF 2.1.0 for code scanning, GitHub Actions workflow
// commands for annotations, and Markdown for a pull-request comment.
// `whycors lint` uses it; so can any command whose results are findings
// at a place in a file.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// Rule is a kind of finding.
type Rule struct {
	ID      string
	Level   string // the most severe level it is reported at: error, warning or note
	Summary string // one sentence
	HelpURI string
}

// Result is one finding at a place in a file.
type Result struct {
	RuleID  string
	Level   string // error, warning or note
	Message string
	File    string // as given on the command line
	Line    int    // from 1; 0 when the finding has only a Path
	Column  int    // from 1; 0 when unknown
	Path    string // the value's JSON path, when the format has one
}

// Tool names what produced the results.
type Tool struct {
	Name           string
	Version        string
	InformationURI string
}

// SARIF writes results as a SARIF 2.1.0 log
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) with
// what GitHub code scanning reads
// (docs.github.com, "SARIF support for code scanning"): every rule with
// its help URI, each result's file as a URI relative to root under the
// base id %SRCROOT% (a file outside root, as an absolute file: URI), its region (a finding placed by JSON path alone is
// given line 1 and its path in the message), and a partial fingerprint
// that stays when lines move (rule, file, path or message).
func SARIF(w io.Writer, tool Tool, rules []Rule, results []Result, root string) error {
	type message struct {
		Text string `json:"text"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           region   `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             message           `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	type config struct {
		Level string `json:"level"`
	}
	type rule struct {
		ID                   string  `json:"id"`
		Name                 string  `json:"name,omitempty"`
		ShortDescription     message `json:"shortDescription"`
		FullDescription      message `json:"fullDescription"`
		HelpURI              string  `json:"helpUri,omitempty"`
		Help                 message `json:"help"`
		DefaultConfiguration config  `json:"defaultConfiguration"`
	}
	type driver struct {
		Name           string `json:"name"`
		Version        string `json:"version,omitempty"`
		InformationURI string `json:"informationUri,omitempty"`
		Rules          []rule `json:"rules"`
	}
	type run struct {
		Tool struct {
			Driver driver `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]artifactRoot `json:"originalUriBaseIds,omitempty"`
		Results            []result                `json:"results"`
	}
	var r run
	v := tool.Version
	if v != "" && (v[0] < '0' || v[0] > '9') {
		v = "0.0.0-" + v // SARIF2005: a version starts with a number; a build from a checkout says "dev"
	}
	r.Tool.Driver = driver{Name: tool.Name, Version: v, InformationURI: tool.InformationURI, Rules: []rule{}}
	index := map[string]int{}
	for i, x := range rules {
		index[x.ID] = i
		r.Tool.Driver.Rules = append(r.Tool.Driver.Rules, rule{ID: x.ID, Name: ruleName(x.ID), ShortDescription: message{x.Summary},
			FullDescription: message{x.Summary}, HelpURI: x.HelpURI, Help: message{x.Summary + " " + x.HelpURI},
			DefaultConfiguration: config{x.Level}})
	}
	if abs, err := filepath.Abs(root); err == nil {
		r.OriginalURIBaseIDs = map[string]artifactRoot{"%SRCROOT%": {URI: fileURI(abs) + "/"}}
	}
	r.Results = []result{}
	for _, x := range results {
		i, ok := index[x.RuleID]
		if !ok {
			return fmt.Errorf("report: result for rule %q, which is not among the rules", x.RuleID)
		}
		msg := x.Message
		line := x.Line
		if line == 0 {
			line = 1 // code scanning needs a line; the path says where
		}
		if x.Path != "" {
			msg += " (at " + x.Path + ")"
		}
		uri, base := artifactOf(root, x.File)
		r.Results = append(r.Results, result{RuleID: x.RuleID, RuleIndex: i, Level: x.Level, Message: message{msg},
			Locations:           []location{{physical{artifact{uri, base}, region{line, x.Column}}}},
			PartialFingerprints: map[string]string{"whycorsFinding/v1": fingerprint(x)}})
	}
	log := struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}{"https://json.schemastore.org/sarif-2.1.0.json", "2.1.0", []run{r}}
	b, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

type artifactRoot struct {
	URI string `json:"uri"`
}

// ruleName is a rule id in the PascalCase SARIF's rule names use
// ("suffix-trap" is "SuffixTrap"); "" for a one-word id, whose name
// would only repeat it (SARIF §3.49.7: then omit the name).
func ruleName(id string) string {
	if !strings.Contains(id, "-") {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// artifactOf is file as a URI relative to root under %SRCROOT%, with
// forward slashes and each segment percent-encoded as a URI reference
// needs; a file outside root is an absolute file: URI of its own, with
// no base. A file that is an http or https URL (a finding about a live
// server, such as probe --attack's) is that URL, with no base.
func artifactOf(root, file string) (uri, base string) {
	if u, err := url.Parse(file); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u.String(), ""
	}
	ar, err1 := filepath.Abs(root)
	af, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return escapePath(file), ""
	}
	r, err := filepath.Rel(ar, af)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fileURI(af), ""
	}
	return escapePath(r), "%SRCROOT%"
}

// escapePath percent-encodes each segment of a path.
func escapePath(p string) string {
	segs := strings.Split(filepath.ToSlash(p), "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return strings.Join(segs, "/")
}

// fileURI is an absolute path as a file: URI.
func fileURI(abs string) string {
	p := escapePath(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	return "file://" + p
}

// escapeSegment percent-encodes what a URI path segment may not hold
// as is (RFC 3986 §3.3: unreserved, sub-delims, ':' and '@' stay).
func escapeSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// fingerprint identifies a finding across edits that move it: its rule,
// its file, and its JSON path or, without one, its message.
func fingerprint(x Result) string {
	where := x.Path
	if where == "" {
		where = x.Message
	}
	sum := sha256.Sum256([]byte(x.RuleID + "\x00" + filepath.ToSlash(x.File) + "\x00" + where))
	return hex.EncodeToString(sum[:16])
}

// GitHub writes results as GitHub Actions workflow commands, one line
// each, which the runner shows as annotations on the file
// (docs.github.com, "Workflow commands for GitHub Actions": ::error,
// ::warning, ::notice with file, line, col and title).
func GitHub(w io.Writer, results []Result) error {
	for _, x := range results {
		cmd := "notice"
		switch x.Level {
		case "error":
			cmd = "error"
		case "warning":
			cmd = "warning"
		}
		props := "file=" + escapeProperty(filepath.ToSlash(x.File))
		if x.Line > 0 {
			props += ",line=" + strconv.Itoa(x.Line)
			if x.Column > 0 {
				props += ",col=" + strconv.Itoa(x.Column)
			}
		}
		props += ",title=" + escapeProperty("whycors "+x.RuleID)
		msg := x.Message
		if x.Path != "" {
			msg += " (at " + x.Path + ")"
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, escapeData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData and escapeProperty escape a workflow command's message and
// property values as the runner decodes them (actions/toolkit's
// command.ts: %, CR and LF in data; also ':' and ',' in properties).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Markdown writes results as a table for a pull-request comment, with a
// heading that counts them; every cell is escaped so a message cannot
// break the table or inject markup.
func Markdown(w io.Writer, title string, results []Result) error {
	counts := map[string]int{}
	for _, x := range results {
		counts[x.Level]++
	}
	fmt.Fprintf(w, "### %s\n\n", escapeCell(title))
	if len(results) == 0 {
		_, err := io.WriteString(w, "No findings.\n")
		return err
	}
	fmt.Fprintf(w, "%d error(s), %d warning(s), %d note(s).\n\n", counts["error"], counts["warning"], counts["note"])
	io.WriteString(w, "| Level | Rule | Where | Finding |\n| --- | --- | --- | --- |\n")
	for _, x := range results {
		where := filepath.ToSlash(x.File)
		if x.Line > 0 {
			where += ":" + strconv.Itoa(x.Line)
			if x.Column > 0 {
				where += ":" + strconv.Itoa(x.Column)
			}
		}
		if x.Path != "" {
			where += " " + x.Path
		}
		if _, err := fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", x.Level, strings.ReplaceAll(x.RuleID, "`", ""), escapeCell(where), escapeCell(x.Message)); err != nil {
			return err
		}
	}
	return nil
}

// escapeCell makes s safe inside a table cell: a backslash before every
// Markdown punctuation character that could start markup or a cell, and
// line breaks as spaces.
func escapeCell(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_{}[]()#+-.!|<>~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
