// Package yamlpos reads the position go.yaml.in/yaml/v3 gives a syntax
// error, for the formats that read YAML (CloudFormation and SAM,
// serverless.yml, ingress-nginx, Traefik), each of which had its own copy.
package yamlpos

import (
	"strconv"
	"strings"
)

// Error returns the 1-based line and the problem of a YAML syntax error
// whose text is msg ("yaml: line N: problem"); line 1 when it names none.
//
// yaml.v3 names the line where the construct being parsed started (the
// "context mark"), else the problem's, 0-based; it adds 1 only to a
// scanner's error (decode.go, parser.fail). A parser's problem, the
// ones below, so named a line one early: a list not closed on line 7
// was reported at line 6 (tried as a new user would).
func Error(msg string) (line int, problem string) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:"))
	line = 1
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return line, msg
	}
	i := strings.IndexByte(rest, ':')
	if i <= 0 {
		return line, msg
	}
	n, err := strconv.Atoi(rest[:i])
	if err != nil || n < 0 {
		return line, msg
	}
	problem = strings.TrimSpace(rest[i+1:])
	if parserProblem[problem] {
		n++
	}
	return max(n, 1), problem
}

// parserProblem are the problems yaml.v3's parser sets (parserc.go,
// yaml_parser_set_parser_error and _context); every other is the
// scanner's.
var parserProblem = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}
