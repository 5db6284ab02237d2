package djangocors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "django-cors-headers" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// ReadRules reads the settings into the neutral model: one rule, each
// value positioned at the setting that holds it (line 1 for a default).
//
// Semantics: origins are the application's own settings (exact entries,
// compared by scheme and host, and regexes anchored at the start (pylit.Anchored)
// because re.match anchors only the start); CORS_ALLOW_ALL_ORIGINS with
// credentials echoes every origin.
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(c, text)
	return cfg, nil
}

// ReadSourceRules implements convert.SourceReader: ReadRules of the
// settings with the values --param gives, as the version the
// requirements file after them pins, so that lint and convert read what
// explain does.
func (f *Format) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	ev, err := f.ParseSource(src)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(ev, src.Main())
	return cfg, nil
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	pos := func(names ...string) portable.Pos {
		for _, n := range names {
			if v, ok := c.At[n]; ok && v.Line > 0 {
				return portable.Pos{Line: v.Line, Column: v.Col}
			}
		}
		return portable.Pos{Line: 1, Column: 1}
	}
	r := portable.ConfigRule{Pos: pos("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"),
		Credentials: c.Credentials, CredentialsPos: pos("CORS_ALLOW_CREDENTIALS"), MaxAgePos: pos("CORS_PREFLIGHT_MAX_AGE")}
	// written reports a setting the text assigns; a list it does not is
	// corsheaders' default (portable.Value.Default).
	written := func(names ...string) bool {
		for _, n := range names {
			if _, ok := c.At[n]; ok {
				return true
			}
		}
		return false
	}
	list := func(items []string, p portable.Pos, settings ...string) []portable.Value {
		var vs []portable.Value
		def := !written(settings...)
		// An item the text does not spell, which the setting takes from
		// corsheaders.defaults (list(default_headers) + [...], the
		// library's README's way to extend them), is a default too:
		// tried as a new user would, it got three forbidden-header
		// warnings about the library's own names.
		spelt, listed := map[string]bool{}, false
		for _, n := range settings {
			listed = listed || len(c.At[n].Items) > 0
			for _, it := range c.At[n].Items {
				if it.Line > 0 {
					spelt[strings.ToLower(it.S)] = true
				}
			}
		}
		// Each item at its own place where the setting spells it:
		// tried as a new user would, a finding about one origin
		// pointed at the list's "[".
		var spelling []pylit.Value
		for _, n := range settings {
			if its := c.At[n].Items; len(its) == len(items) {
				spelling = its
			}
		}
		for j, x := range items {
			at := p
			if spelling != nil && spelling[j].Line > 0 && spelling[j].S == x {
				at = portable.Pos{Line: spelling[j].Line, Column: spelling[j].Col}
			}
			vs = append(vs, portable.Value{Text: x, Pos: at, Default: def || listed && !spelt[strings.ToLower(x)]})
		}
		return vs
	}
	switch {
	case !c.Installed:
		r.Disabled = true
	case c.AllowAll && c.Credentials:
		r.ReflectAny = true
	case c.AllowAll:
		r.Origins = []portable.Value{{Text: "*", Pos: pos("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")}}
	default:
		r.Origins = list(c.AllowedOrigins.Elems(), pos("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"), "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")
		reAt := c.At["CORS_ALLOWED_ORIGIN_REGEXES"].Items
		if len(reAt) == 0 {
			reAt = c.At["CORS_ORIGIN_REGEX_WHITELIST"].Items
		}
		for j, re := range c.Regexes {
			if r.Regex == nil {
				r.Regex = map[int]bool{}
			}
			r.Regex[len(r.Origins)] = true
			at := pos("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
			if len(reAt) == len(c.Regexes) && reAt[j].Line > 0 {
				at = portable.Pos{Line: reAt[j].Line, Column: reAt[j].Col}
			}
			r.Origins = append(r.Origins, portable.Value{Text: pylit.Anchored(re, false), Pos: at})
		}
	}
	r.Methods = list(c.AllowMethods.Elems(), pos("CORS_ALLOW_METHODS"), "CORS_ALLOW_METHODS")
	r.AllowHeaders = list(c.AllowHeaders.Elems(), pos("CORS_ALLOW_HEADERS"), "CORS_ALLOW_HEADERS")
	r.ExposeHeaders = list(c.ExposeHeaders.Elems(), pos("CORS_EXPOSE_HEADERS"), "CORS_EXPOSE_HEADERS")
	if n, err := strconv.Atoi(c.MaxAge); err == nil {
		r.MaxAge = &n
		r.MaxAgeDefault = !written("CORS_PREFLIGHT_MAX_AGE")
	}
	if c.URLsRegex != `^.*$` {
		r.PathNote = "CORS_URLS_REGEX " + strconv.Quote(c.URLsRegex) + " limits the paths; the portable form covers every path"
	}
	_, methods := c.At["CORS_ALLOW_METHODS"]
	return &portable.Config{Format: "django-cors-headers", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: !methods, OriginURLs: true}, Rules: []portable.ConfigRule{r}}, true
}

// FileName is "settings.py", the name a fix's diff gives the text.
func (*Format) FileName() string { return "settings.py" }

// EditText makes e in the settings: an item added at the end of the
// list or tuple the setting is written as (CORS_ALLOWED_ORIGINS or the
// older name the text uses), or the setting added at the end of the
// module, with the library's defaults kept for methods and headers.
func (*Format) EditText(text string, e fix.Edit) (string, error) { return editIn(text, nil, "", e) }

// EditSource implements fix.SourceEditor: EditText with the values of the
// environment variables the code reads from src.Params (--param), so
// that an option read from one is edited as the verdict read it: its
// value is the fix (fix.ParamChange).
func (*Format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	version, _, err := pylit.PinnedVersion(src, "django-cors-headers", Latest, V3)
	if err != nil {
		return "", fix.ErrNotFound
	}
	return editIn(src.Main(), src.Params, version, e)
}

// editIn is EditText of text with environ's values, as version reads it.
func editIn(text string, environ map[string]string, version string, e fix.Edit) (string, error) {
	c, err := ParseVersion(text, environ, version)
	if err != nil || e.Rule != 0 {
		return "", fix.ErrNotFound
	}
	origins := "CORS_ALLOWED_ORIGINS"
	if _, ok := c.At["CORS_ORIGIN_WHITELIST"]; ok {
		if _, ok := c.At[origins]; !ok {
			origins = "CORS_ORIGIN_WHITELIST"
		}
	}
	kw := map[string]string{fix.Origins: origins, fix.Methods: "CORS_ALLOW_METHODS", fix.AllowHeaders: "CORS_ALLOW_HEADERS", fix.Credentials: "CORS_ALLOW_CREDENTIALS"}
	vals := map[string]pylit.Value{}
	for k, v := range c.At {
		// A default tuple (default_headers) is not in the text: add the
		// setting rather than edit the library.
		if v.Off >= 0 {
			vals[k] = v
		}
	}
	key := kw[e.Field]
	if _, has := vals[key]; !has && e.Op == fix.Add && (e.Field == fix.Methods || e.Field == fix.AllowHeaders) {
		// The library's defaults, kept: by name when the text imports
		// them, else written out.
		name := map[string]string{fix.Methods: "default_methods", fix.AllowHeaders: "default_headers"}[e.Field]
		if strings.Contains(text, "import") && strings.Contains(text, name) {
			q := pylit.Quote(text)
			items := []string{"*" + name}
			for _, v := range e.Values {
				items = append(items, pylit.Lit(v, q))
			}
			if !strings.HasSuffix(text, "\n") && text != "" {
				text += "\n"
			}
			return text + key + " = (" + strings.Join(items, ", ") + ")\n", nil
		}
	}
	return pylit.EditOptions(text, e, kw, vals, nil, map[string][]string{fix.Methods: DefaultMethods, fix.AllowHeaders: DefaultHeaders(c.Version)})
}
