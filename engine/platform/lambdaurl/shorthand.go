package lambdaurl

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// SourceShorthand is the AWS CLI's shorthand syntax, which --cors takes as
// well as JSON: Key=value pairs separated by commas, a list's items
// separated by commas too (AllowOrigins=https://a.example,https://b.example)
// or in brackets (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html).
const SourceShorthand = "https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html"

// IsShorthand reports whether text is the CLI's shorthand for --cors
// rather than JSON: it starts with one of Cors's keys and "=" (braces
// around it allowed, as the Lambda guide writes {AllowOrigins="..."}).
func IsShorthand(text string) bool {
	t := strings.TrimLeft(strings.TrimSpace(text), "{ ")
	for _, f := range fields {
		if strings.HasPrefix(t, f+"=") {
			return true
		}
	}
	return false
}

// parseShorthand reads the CLI's shorthand for --cors, each value at its
// line and column; the path of a value is the JSON path it stands for.
func parseShorthand(text string) (*Cors, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	start := strings.Index(text, strings.TrimLeft(strings.TrimSpace(text), "{ "))
	body := strings.TrimRight(strings.TrimSpace(text[start:]), "} ")
	c := &Cors{At: at(text, start, "$"), Values: map[string][]Position{}}
	var errs policy.Errors
	key := ""
	off := start
	for _, tok := range strings.Split(body, ",") {
		tokOff := off
		off += len(tok) + 1
		t := strings.TrimSpace(tok)
		tokOff += strings.Index(tok, t)
		if k, v, ok := strings.Cut(t, "="); ok && contains(fields, k) {
			key, t, tokOff = k, v, tokOff+len(k)+1
			if c.Values[key] != nil {
				errs = append(errs, at(text, tokOff, "$."+key).Err("", key+" given twice"))
			}
			c.Values[key] = []Position{}
		} else if key == "" {
			errs = append(errs, at(text, tokOff, "$").Err("", "unknown key in "+strconv.Quote(t)+"; the shorthand takes "+strings.Join(fields, "=..., ")+"=... ("+SourceShorthand+")"))
			continue
		}
		t = strings.Trim(t, "[]")
		if u, err := strconv.Unquote(t); err == nil {
			t = u
		}
		p := at(text, tokOff, "$."+key)
		switch key {
		case FieldAllowCredentials:
			c.AllowCredentials = t == "true"
			if t != "true" && t != "false" {
				errs = append(errs, p.Err("", "AllowCredentials takes true or false"))
			}
		case FieldMaxAge:
			n, err := strconv.Atoi(t)
			if err != nil {
				errs = append(errs, p.Err("", "MaxAge takes a whole number of seconds"))
			} else {
				c.MaxAge = &n
			}
		default:
			p.Path += "[" + strconv.Itoa(len(c.Values[key])) + "]"
			list := c.list(key)
			*list = append(*list, t)
		}
		c.Values[key] = append(c.Values[key], p)
	}
	errs = append(errs, Validate(c)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// list is the list field named key.
func (c *Cors) list(key string) *[]string {
	switch key {
	case FieldAllowHeaders:
		return &c.AllowHeaders
	case FieldAllowMethods:
		return &c.AllowMethods
	case FieldAllowOrigins:
		return &c.AllowOrigins
	}
	return &c.ExposeHeaders
}

func at(text string, off int, path string) Position {
	l, col := policy.LineCol(text, off)
	return place.Position{Path: path, Line: l, Column: col}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
