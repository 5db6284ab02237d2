package serverless

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// DocVariables is the framework's page on variables: ${source:name},
// with a fallback after a comma (${env:STAGE, 'dev'}).
const DocVariables = "https://www.serverless.com/framework/docs/guides/variables"

// DocParams is its page on parameters: a params section of values by
// stage, with default for every stage, read as ${param:name}.
const DocParams = "https://www.serverless.com/framework/docs/guides/parameters"

// maxVariables bounds the variables one file resolves.
const maxVariables = 10000

// expand replaces each ${...} variable of s: ${self:a.b} by that scalar
// of the file, any other source (env, opt, param, ssm, ...) by the value
// params give for "source:name" or "name", else by its fallback
// (DocVariables). unresolved lists what it could not resolve.
func (r *reader) expand(s string, depth int) (out string, unresolved []string) {
	if depth > maxDepth {
		return s, []string{s}
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), unresolved
		}
		end := closing(s, i+2)
		if end < 0 {
			b.WriteString(s)
			return b.String(), append(unresolved, s[i:])
		}
		b.WriteString(s[:i])
		v, ok := r.variable(s[i+2:end], depth)
		if !ok {
			unresolved = append(unresolved, s[i:end+1])
		}
		b.WriteString(v)
		s = s[end+1:]
	}
}

// closing is the index of the "}" that closes the variable opened before
// from, nested variables skipped.
func closing(s string, from int) int {
	depth := 1
	for i := from; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// variable resolves the inside of one ${...}.
func (r *reader) variable(inner string, depth int) (string, bool) {
	// Variables that name each other many times over are a YAML bomb of
	// their own: past maxVariables resolutions a file's variables stay
	// unresolved.
	if r.resolved++; r.resolved > maxVariables {
		return "${" + inner + "}", false
	}
	ref, fallback, hasFallback := cutTop(inner)
	ref = strings.TrimSpace(ref)
	if v, ok := r.lookup(ref, depth); ok {
		return v, true
	}
	if hasFallback {
		fb := strings.TrimSpace(fallback)
		if len(fb) >= 2 && (fb[0] == '\'' && fb[len(fb)-1] == '\'' || fb[0] == '"' && fb[len(fb)-1] == '"') {
			return fb[1 : len(fb)-1], true
		}
		v, un := r.expand(fb, depth+1)
		return v, len(un) == 0
	}
	return "${" + inner + "}", false
}

// lookup is the value of one reference: self:path in the file, or a
// parameter.
func (r *reader) lookup(ref string, depth int) (string, bool) {
	if p, ok := strings.CutPrefix(ref, "self:"); ok {
		t := r.d.root
		for _, k := range strings.Split(p, ".") {
			if t, ok = get(t, k); !ok {
				return "", false
			}
		}
		if t.Kind != yaml.ScalarNode {
			return "", false
		}
		v, un := r.expand(t.Value, depth+1)
		return v, len(un) == 0
	}
	if v, ok := r.params[ref]; ok {
		return v, true
	}
	if _, name, ok := strings.Cut(ref, ":"); ok {
		if v, ok := r.params[name]; ok {
			return v, true
		}
	}
	if name, ok := strings.CutPrefix(ref, "param:"); ok {
		return r.fileParam(name, depth)
	}
	return "", false
}

// fileParam is the value the file's own params section gives a
// ${param:name}: the stage's, else params.default's (DocParams). The
// stage is provider.stage as it resolves (an --param stage=prod or
// opt:stage=prod given), else "dev", the framework's default. Found as a
// new user would: ${param:webOrigin} with a params section was an
// unresolved variable, an error.
func (r *reader) fileParam(name string, depth int) (string, bool) {
	params, ok := get(r.d.root, "params")
	if !ok {
		return "", false
	}
	// The stage asked for (--param stage=prod, or opt:stage as
	// serverless deploy --stage prod gives it), else provider.stage,
	// else "dev" (found by an adversarial review: with no
	// provider.stage, --param stage=prod still read default's).
	stage := "dev"
	if v, ok := r.params["opt:stage"]; ok {
		stage = v
	} else if v, ok := r.params["stage"]; ok {
		stage = v
	} else if p, ok := get(r.d.root, "provider"); ok {
		if s, ok := get(p, "stage"); ok && s.Kind == yaml.ScalarNode {
			if v, un := r.expand(s.Value, depth+1); len(un) == 0 && v != "" {
				stage = v
			}
		}
	}
	for _, section := range []string{stage, "default"} {
		if sec, ok := get(params, section); ok {
			if v, ok := get(sec, name); ok && v.Kind == yaml.ScalarNode {
				s, un := r.expand(v.Value, depth+1)
				return s, len(un) == 0
			}
		}
	}
	return "", false
}

// cutTop splits a variable's inside at its first comma outside nested
// variables and quotes: the reference and its fallback.
func cutTop(s string) (ref, fallback string, ok bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case c == '}':
			depth--
		case c == ',' && depth == 0:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
