package ingressnginx

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// The controller's defaults (internal/ingress/annotations/cors/main.go,
// controller v1.15.1).
const (
	DefaultMethods = "GET, PUT, POST, DELETE, PATCH, OPTIONS"
	DefaultHeaders = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization"
	DefaultMaxAge  = 1728000
)

// The controller's checks of the annotation values, the same patterns:
// a whole value is validated first, spaces removed (its validators, with
// --enable-annotation-validation on by default); each origin is then
// checked again on its own.
var (
	originListValid = regexp.MustCompile(`^((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+)|\*)?$`)
	originValid     = regexp.MustCompile(`^([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)?$`)
	methodsValid    = regexp.MustCompile(`^([A-Za-z]+,?\s?)+$`)
	exposeValid     = regexp.MustCompile(`^(([A-Za-z0-9\-\_]+|\*),?\s?)+$`)
	headersValid    = regexp.MustCompile(`^[A-Za-z0-9-_, ]*$`)
	crlf            = regexp.MustCompile(`\r|\n`)
)

// Cors is the controller's cors.Config of one Ingress: what the
// template's CORS block is built from.
type Cors struct {
	Enabled          bool
	AllowOrigin      []string // ["*"], the valid origins, or none
	AllowMethods     string
	AllowHeaders     string
	AllowCredentials bool
	ExposeHeaders    string // "" sends no Access-Control-Expose-Headers
	MaxAge           int
	// Defaulted says which annotations the controller did not take as
	// written, and why: a value its validation refused (the controller
	// logs it and uses its default), or an origin it skipped.
	Defaulted []Defaulted
}

// Defaulted is one annotation value the controller did not take.
type Defaulted struct {
	Name string // the annotation, without the prefix
	// Why: "invalid" (the whole value refused: the default is used),
	// "empty" (an empty value: the default), "skipped" (one origin of
	// the list dropped, in Value).
	Why   string
	Value string
	Pos   portable.Pos
}

// value is checkAnnotation and parseString of one annotation: its value,
// and "" with why it is not there ("missing", "invalid", "empty").
func (in *Ingress) value(name string, valid func(string) bool) (string, string, portable.Pos) {
	a, ok := in.Get(name)
	if !ok {
		return "", "missing", portable.Pos{}
	}
	if a.Value != "" && (!valid(a.Value) || crlf.MatchString(a.Value)) {
		return "", "invalid", a.ValuePos
	}
	lines := strings.Split(a.Value, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	v := strings.Join(lines, "\n")
	if v == "" {
		return "", "empty", a.ValuePos
	}
	return v, "", a.ValuePos
}

func noSpaces(re *regexp.Regexp) func(string) bool {
	return func(s string) bool { return re.MatchString(strings.ReplaceAll(s, " ", "")) }
}

func (in *Ingress) boolean(name string) (bool, string, portable.Pos) {
	a, ok := in.Get(name)
	if !ok {
		return false, "missing", portable.Pos{}
	}
	b, err := strconv.ParseBool(a.Value)
	if err != nil {
		if a.Value == "" {
			return false, "empty", a.ValuePos
		}
		return false, "invalid", a.ValuePos
	}
	return b, "", a.ValuePos
}

// parseCors is the controller's cors annotation parser: every value it
// refuses falls back to the default, none fails the Ingress.
func parseCors(in *Ingress) Cors {
	var c Cors
	note := func(name, why, v string, p portable.Pos) {
		if why != "" && why != "missing" {
			c.Defaulted = append(c.Defaulted, Defaulted{Name: name, Why: why, Value: v, Pos: p})
		}
	}
	var why string
	var at portable.Pos
	c.Enabled, why, at = in.boolean("enable-cors")
	note("enable-cors", why, "", at)

	origins, why, at := in.value("cors-allow-origin", noSpaces(originListValid))
	note("cors-allow-origin", why, "", at)
	if why != "" {
		c.AllowOrigin = []string{"*"}
	} else {
		c.AllowOrigin = []string{}
		for _, o := range strings.Split(origins, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			if o == "*" {
				c.AllowOrigin = []string{"*"}
				break
			}
			if !originValid.MatchString(o) {
				note("cors-allow-origin", "skipped", o, at)
				continue
			}
			c.AllowOrigin = append(c.AllowOrigin, o)
		}
	}

	// a list annotation: the value validated (spaces removed), then
	// matched again as written; the default when either refuses it
	list := func(name string, re *regexp.Regexp, def string) string {
		v, why, at := in.value(name, noSpaces(re))
		if why == "" && !re.MatchString(v) {
			why = "invalid"
		}
		note(name, why, "", at)
		if why != "" {
			return def
		}
		return v
	}
	c.AllowHeaders = list("cors-allow-headers", headersValid, DefaultHeaders)
	c.AllowMethods = list("cors-allow-methods", methodsValid, DefaultMethods)
	c.AllowCredentials, why, at = in.boolean("cors-allow-credentials")
	note("cors-allow-credentials", why, "", at)
	if why != "" {
		c.AllowCredentials = true
	}
	c.ExposeHeaders = list("cors-expose-headers", exposeValid, "")

	c.MaxAge = DefaultMaxAge
	if a, ok := in.Get("cors-max-age"); ok {
		n, err := strconv.Atoi(a.Value)
		if err != nil {
			why = "invalid"
			if a.Value == "" {
				why = "empty"
			}
			note("cors-max-age", why, "", a.ValuePos)
		} else {
			c.MaxAge = n
		}
	}
	return c
}

// OriginPattern is the regular expression the template tests
// $http_origin with (~*, so without regard to case), for a list of
// origins other than ["*"]: each origin quoted, its first * one label of
// letters, digits and hyphens, the alternatives anchored at the end only.
func OriginPattern(origins []string) string {
	var b strings.Builder
	b.WriteString("(")
	for i, o := range origins {
		q := regexp.QuoteMeta(o)
		q = strings.Replace(q, `\*`, `[A-Za-z0-9\-]+`, 1)
		b.WriteString("(" + q + ")")
		if i != len(origins)-1 {
			b.WriteString("|")
		}
	}
	b.WriteString(")$")
	return b.String()
}
