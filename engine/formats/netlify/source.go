package netlify

import (
	"errors"
	"path"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// ParseSource reads a site's _headers file and netlify.toml together
// (policy.SourceParser): src's Files by name (a name ending in .toml is
// netlify.toml), or its one text. Netlify keeps the rules of _headers,
// then those of netlify.toml, an identical rule once (the parser's
// mergeHeaders); faults name their file.
func (*Format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	if len(src.Files) == 0 {
		return (&Format{}).Parse(src.Main())
	}
	c, err := ParseFiles(src.Files)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ParseFiles reads _headers files and netlify.toml (by name: a name
// ending in .toml is netlify.toml, any other a _headers file) into one
// configuration, with every file's faults (Error.File set). The rules
// it could read come back with the error.
func ParseFiles(files []policy.File) (*Config, error) {
	all := &Config{Syntax: HeadersFile}
	if len(files) > 0 {
		all.main = files[0].Name
	}
	var rules, tomlRules []Rule
	var errs policy.Errors
	for _, f := range files {
		var c *Config
		var err error
		if strings.HasSuffix(path.Base(f.Name), ".toml") {
			c, err = ParseTOML(f.Text)
			all.Redirects = append(all.Redirects, c.Redirects...)
		} else {
			c, err = ParseHeaders(f.Text)
		}
		for i := range c.Rules {
			c.Rules[i].file = f.Name
		}
		if c.Syntax == TOML {
			tomlRules = append(tomlRules, c.Rules...)
		} else {
			rules = append(rules, c.Rules...)
		}
		var es policy.Errors
		if errors.As(err, &es) {
			for _, e := range es {
				e.File = f.Name
				errs = append(errs, e)
			}
		}
	}
	all.Rules = dedupe(append(rules, tomlRules...))
	if len(errs) > 0 {
		return all, errs
	}
	return all, nil
}
