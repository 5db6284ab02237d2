package advise

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
)

// A later fetch of a session (the scenario's then[i]) can fail for what
// an earlier one left behind: a CDN's cache that stored one site's reply
// and serves it to another (engine/cdn). Its fixes are searched here and
// checked on the whole session, explained again with the change
// (explain.RunSession): the failing fetch must pass, and every other
// fetch must pass or fail as it did before. A fix never widens the CORS
// rules: a change of the cache key leaves them exactly as they were
// (sameRules), and a policy edit of the fetch alone is checked by
// safePolicy and may allow no origin but that fetch's page
// (noNewOrigin).

// laterFixes sets the fixes of each blocked later fetch of v's session.
func (se *searcher) laterFixes(s explain.Scenario, v *explain.Verdict) {
	base := make([]explain.Verdict, 0, 1+len(v.Then))
	base = append(base, *v)
	base = append(base, v.Then...)
	for i := range v.Then {
		if w := &v.Then[i]; !w.Allowed && w.Failure() != nil && i < len(s.Then) {
			w.Fixes = se.sessionFixes(s, base, i)
		}
	}
}

// sessionFixes are the fixes of later fetch i (base[i+1]): of the cache
// that answered it, when a CDN's stored reply did; else those of the
// fetch alone, as a first fetch, kept when they hold on the session.
func (se *searcher) sessionFixes(s explain.Scenario, base []explain.Verdict, i int) []explain.Fix {
	out := []explain.Fix{}
	w := &base[i+1]
	if fromCDN(w) {
		switch {
		case s.CDN != nil:
			out = append(out, se.scenarioCDNFixes(s, base, i)...)
		case w.DecidedBy != nil && w.DecidedBy.Layer == "cdn" && s.Policy != nil:
			if f, ok := se.cdnLayerFix(s, base, i); ok {
				out = append(out, f)
			}
		}
		return out
	}
	alone := s
	alone.Request, alone.Then = s.Then[i].Request, nil
	av, ok := se.once(alone)
	if !ok || av.Allowed {
		return out
	}
	for _, f := range findFixes(alone, &av, se.lintErrs, se.o, se.reads) {
		cs, ok := applyToSession(s, i, f)
		if !ok || !se.holds(cs, base, i) {
			continue
		}
		if cs.Policy != nil && s.Policy != nil && !se.noNewOrigin(s.Policy.Format, s.Policy.Source().Main(), cs.Policy.Source().Main(), pageOrigin(&av, alone)) {
			continue
		}
		f.AllowedIn = se.sessionAllowedIn(cs, i)
		out = append(out, f)
	}
	return out
}

// fromCDN reports a fetch whose reply came from a CDN's cache.
func fromCDN(w *explain.Verdict) bool {
	n := len(w.Requests)
	return n > 0 && w.Requests[n-1].FromCDN
}

// applyToSession is s with fix f of later fetch i alone applied: the
// policy text, the replies, or that fetch's request.
func applyToSession(s explain.Scenario, i int, f explain.Fix) (explain.Scenario, bool) {
	cs := s
	switch {
	case f.Where == "client" && f.Request != nil:
		cs.Then = slices.Clone(s.Then)
		cs.Then[i].Request = *f.Request
	case f.Format == "headers":
		if f.Preflight != nil {
			cs.Preflight = f.Preflight
		}
		if f.Response != nil {
			cs.Response = f.Response
		}
		if s.Policy != nil {
			return cs, false // the replies stand for a policy's: no edit of it
		}
	case s.Policy != nil && f.Text != "":
		cs.Policy = withText(s.Policy, f.Text)
	default:
		return cs, false
	}
	return cs, true
}

// session runs the chosen browser on the whole session of s.
func (se *searcher) session(s explain.Scenario) ([]explain.Verdict, bool) {
	if se.runs >= maxFixRuns {
		return nil, false
	}
	se.runs++
	s.Browser = se.browser
	vs, err := explain.RunSession(s, se.o)
	return vs, err == nil
}

// holds reports whether the changed session cs lets later fetch i pass
// and leaves every other fetch passing, or failing as it failed in base.
func (se *searcher) holds(cs explain.Scenario, base []explain.Verdict, i int) bool {
	got, ok := se.session(cs)
	if !ok || len(got) != len(base) || !got[i+1].Allowed {
		return false
	}
	for j := range got {
		if !got[j].Allowed && (base[j].Allowed || got[j].Reason != base[j].Reason) {
			return false
		}
	}
	return true
}

// sessionAllowedIn lists the browsers whose session of s lets later
// fetch i pass: the chosen one (holds verified it) and each other engine.
func (se *searcher) sessionAllowedIn(s explain.Scenario, i int) []string {
	out := []string{}
	for _, name := range summaryBrowsers {
		if name == se.browser {
			out = append(out, name)
			continue
		}
		s.Browser = name
		if vs, err := explain.RunSession(s, se.o); err == nil && len(vs) > i+1 && vs[i+1].Allowed {
			out = append(out, name)
		}
	}
	if se.browser == "spec" {
		out = append(out, "spec")
	}
	return out
}

// scenarioCDNFixes change the scenario's own "cdn": Origin in its cache
// key, which stores each site's reply apart whatever the server sends;
// and, for a CDN that ignores Vary, honouring it, offered only when it
// is enough (the stored reply says Vary: Origin; S3 sends it only when a
// rule matched, so a reply stored for a request without Origin or from
// an origin no rule allows carries none).
func (se *searcher) scenarioCDNFixes(s explain.Scenario, base []explain.Verdict, i int) []explain.Fix {
	var out []explain.Fix
	old := *s.CDN
	keyed := old
	keyed.KeyHeaders = append(slices.Clone(old.KeyHeaders), "Origin")
	vary := old
	vary.HonoursVary = true
	varyOK := false
	if !old.HonoursVary {
		cs := s
		cs.CDN = &vary
		varyOK = se.holds(cs, base, i)
	}
	if !slices.ContainsFunc(old.KeyHeaders, func(h string) bool { return strings.EqualFold(h, "Origin") }) {
		cs := s
		cs.CDN = &keyed
		if se.holds(cs, base, i) {
			why := "add Origin to the CDN's cache key (key_headers; CloudFront: the cache policy's headers), so that it stores the reply to each Origin (and to requests without one) apart, instead of answering one with the reply stored for another"
			f := se.cdnFix(old, keyed, why, cs, i)
			if !old.HonoursVary && !varyOK {
				f.Summary += " Honouring Vary would not do: the stored reply carries no Vary: Origin (S3, for one, sends it only when a rule matched the request's Origin)."
			}
			out = append(out, f)
		}
	}
	if varyOK {
		cs := s
		cs.CDN = &vary
		why := "have the CDN honour Vary (honours_vary), as nginx and most CDNs do (CloudFront does not): the server sent Vary: Origin with the reply the CDN stored, so it would store each site's reply apart"
		out = append(out, se.cdnFix(old, vary, why, cs, i))
	}
	return out
}

// cdnFix is a fix of the scenario's "cdn": its JSON before and after.
func (se *searcher) cdnFix(old, cfg explain.CDN, why string, cs explain.Scenario, i int) explain.Fix {
	c := cfg
	text := cdnJSON(c)
	return explain.Fix{Where: "server", Format: "cdn", Summary: upperFirst(why) + ".", Steps: []string{why},
		Diff: fix.Diff("a/cdn.json", "b/cdn.json", cdnJSON(old), text), Text: text, CDN: &c, AllowedIn: se.sessionAllowedIn(cs, i)}
}

// cdnJSON writes a "cdn" as the scenario states it, one field a line
// (header names are tokens: no escaping needed beyond the quotes).
func cdnJSON(c explain.CDN) string {
	q := make([]string, len(c.KeyHeaders))
	for i, h := range c.KeyHeaders {
		q[i] = strconv.Quote(h)
	}
	return "{\n  \"key_headers\": [" + strings.Join(q, ", ") + "],\n  \"honours_vary\": " + strconv.FormatBool(c.HonoursVary) + "\n}\n"
}

// cdnLayerFix edits the CDN the configuration holds (a template's
// CloudFront distribution) with the format's LayerEditor: its cache
// key, checked on the whole session, the CORS rules left as they were.
func (se *searcher) cdnLayerFix(s explain.Scenario, base []explain.Verdict, i int) (explain.Fix, bool) {
	format := s.Policy.Format
	pf, ok := se.reads.lookup(format)
	if !ok {
		return explain.Fix{}, false
	}
	le, isLayer := pf.(fix.LayerEditor)
	_, isEditor := pf.(fix.Editor)
	if !isLayer || !isEditor {
		return explain.Fix{}, false
	}
	w := &base[i+1]
	later := s
	later.Request = s.Then[i].Request
	b := blocked(w, pageOrigin(w, later), requestMethod(w, later))
	b.Resource, b.Line = w.DecidedBy.Resource, w.DecidedBy.Line
	e, why, ok := le.ChooseLayerEdit(b)
	if !ok {
		return explain.Fix{}, false
	}
	src0 := s.Policy.Source()
	text0 := src0.Main()
	text, err := fix.ApplySource(pf, src0, e)
	if err != nil || text == text0 {
		return explain.Fix{}, false
	}
	cs := s
	cs.Policy = withText(s.Policy, text)
	if !se.sameRules(format, text0, text) || !se.safePolicy(cs) || !se.holds(cs, base, i) {
		return explain.Fix{}, false
	}
	// Labelled as the first fetch's fixes are: each file by its own
	// name (found as a new user would: "--- a/template.yaml" for a
	// template given as --policy cf.yaml, which git apply refused).
	f := explain.Fix{Where: "server", Format: format, Summary: upperFirst(why) + ".", Steps: []string{why}, AllowedIn: se.sessionAllowedIn(cs, i)}
	changes(&f, pf, src0, cs.Policy.Source())
	return f, true
}

// ruleTexts are the CORS rules of text as their values read, positions
// left out (an edit elsewhere moves them).
func (se *searcher) ruleTexts(format, text string) ([]string, bool) {
	src, err := se.reads.read(format, text)
	if err != nil || src == nil {
		return nil, false
	}
	var out []string
	for _, r := range src.Rules {
		var b strings.Builder
		for _, l := range [][]convert.Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
			for _, v := range l {
				b.WriteString(v.Text + "\x00")
			}
			b.WriteString("\x01")
		}
		b.WriteString(strconv.FormatBool(r.ReflectAny) + strconv.FormatBool(r.Credentials) + strconv.FormatBool(r.EchoAllHeaders) + strings.Join(r.Paths, "\x00"))
		if r.MaxAge != nil {
			b.WriteString(strconv.Itoa(*r.MaxAge))
		}
		out = append(out, b.String())
	}
	return out, true
}

// sameRules reports whether after's CORS rules are before's, value for
// value: an edit of a layer in front of them changes none.
func (se *searcher) sameRules(format, before, after string) bool {
	a, ok1 := se.ruleTexts(format, before)
	b, ok2 := se.ruleTexts(format, after)
	return ok1 && ok2 && slices.Equal(a, b)
}

// noNewOrigin reports whether every origin after's rules allow was
// already written in before's, or is page, the origin of the page whose
// fetch failed: a fix of a later fetch allows no other origin.
func (se *searcher) noNewOrigin(format, before, after, page string) bool {
	a, err1 := se.reads.read(format, before)
	b, err2 := se.reads.read(format, after)
	if err1 != nil || err2 != nil || a == nil || b == nil {
		return false
	}
	had := map[string]bool{page: true}
	for _, r := range a.Rules {
		for _, o := range r.Origins {
			had[strings.TrimSpace(o.Text)] = true
		}
	}
	for _, r := range b.Rules {
		for _, o := range r.Origins {
			if !had[strings.TrimSpace(o.Text)] {
				return false
			}
		}
	}
	return true
}

// withText is p with text as its main text (its first file's, when it
// came as files), its other files, parameters and resource kept.
func withText(p *explain.Policy, text string) *explain.Policy {
	cp := *p
	if cp.Text == "" && len(cp.Files) > 0 {
		cp.Files = slices.Clone(cp.Files)
		cp.Files[0].Text = text
	} else {
		cp.Text = text
	}
	return &cp
}
