package diff

import (
	"sort"
	"strconv"
	"strings"
)

// atom is one change on one request, before grouping: for the allow
// changes hdr is the request header ("" for the request without one), for
// the exposure changes the response header.
type atom struct {
	change string
	req    Request
	hdr    string
	reqs   []Request // the requests it covers (header variants that changed with it)
	order  int       // position in the space, for a stable report
}

// compare runs every request of sp against both configurations and
// returns the changes, in the space's order, and how many requests each
// configuration was asked: at most maxAsked, else a *SpaceError.
func compare(sp *space, a, b *runner, maxAsked int) ([]atom, int, error) {
	var out []atom
	var err error
	asked := 0
	reaches := sp.reaches(a.side.cfg, b.side.cfg)
	sp.bases(func(base Request) {
		re := reaches[base.Origin]
		if err != nil || !re.asked {
			return
		}
		hdrs := re.headers
		if hdrs == nil {
			hdrs = sp.headers
		}
		if asked+1+len(hdrs) > maxAsked {
			err = &SpaceError{maxAsked}
			return
		}
		var oa, ob Outcome
		if oa, ob, err = both(a, b, base); err != nil {
			return
		}
		asked++
		baseChange := allowChange(oa, ob)
		baseAtom := -1
		if baseChange != "" {
			baseAtom = len(out)
			out = append(out, atom{change: baseChange, req: base, reqs: []Request{base}, order: len(out)})
		} else if oa.Allowed {
			for _, h := range minus(ob.Readable, oa.Readable) {
				out = append(out, atom{change: Exposes, req: base, hdr: h, reqs: []Request{base}, order: len(out)})
			}
			for _, h := range minus(oa.Readable, ob.Readable) {
				out = append(out, atom{change: NoLongerExpose, req: base, hdr: h, reqs: []Request{base}, order: len(out)})
			}
		}
		if !oa.Allowed && !ob.Allowed {
			// A header that needs a preflight does not turn a blocked
			// request into an allowed one (package doc); nor does one
			// no rule answering the origin names (reaches).
			return
		}
		var covered []Request
		for _, h := range hdrs {
			r := base
			r.Header = h
			var ha, hb Outcome
			if ha, hb, err = both(a, b, r); err != nil {
				return
			}
			asked++
			switch c := allowChange(ha, hb); {
			case c == "":
			case c == baseChange:
				covered = append(covered, r)
			default:
				out = append(out, atom{change: c, req: base, hdr: h, reqs: []Request{r}, order: len(out)})
			}
		}
		if baseAtom >= 0 {
			out[baseAtom].reqs = append(out[baseAtom].reqs, covered...)
		}
	})
	return out, asked, err
}

// both asks r of both configurations.
func both(a, b *runner, r Request) (oa, ob Outcome, err error) {
	if oa, err = a.run(r); err != nil {
		return
	}
	ob, err = b.run(r)
	return
}

func allowChange(a, b Outcome) string {
	switch {
	case !a.Allowed && b.Allowed:
		return Allows
	case a.Allowed && !b.Allowed:
		return NoLongerAllow
	}
	return ""
}

// minus lists what a has and b does not (both sorted).
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		i := sort.SearchStrings(b, x)
		if i == len(b) || b[i] != x {
			out = append(out, x)
		}
	}
	return out
}

// set is a group's values of one dimension, in first-seen order.
type set []string

func (s set) key() string { return strings.Join(s, "\x00") }

func (s set) with(v string) set {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// draft is a group being merged.
type draft struct {
	change                         string
	origins, creds, paths, methods set
	headers                        set
	reqs                           []Request
	order                          int
}

// dims of a draft, by name, for merging over one of them.
const (
	dimCreds = iota
	dimMethods
	dimPaths
	dimOrigins
	dimHeaders
)

func (d *draft) dim(i int) *set {
	switch i {
	case dimCreds:
		return &d.creds
	case dimMethods:
		return &d.methods
	case dimPaths:
		return &d.paths
	case dimOrigins:
		return &d.origins
	}
	return &d.headers
}

// merge joins the drafts that agree on everything but dimension dim.
func merge(in []*draft, dim int) []*draft {
	var out []*draft
	by := map[string]*draft{}
	for _, d := range in {
		parts := []string{d.change}
		for i := dimCreds; i <= dimHeaders; i++ {
			if i != dim {
				parts = append(parts, d.dim(i).key())
			}
		}
		k := strings.Join(parts, "\x01")
		g, ok := by[k]
		if !ok {
			by[k] = d
			out = append(out, d)
			continue
		}
		for _, v := range *d.dim(dim) {
			*g.dim(dim) = g.dim(dim).with(v)
		}
		g.reqs = append(g.reqs, d.reqs...)
		g.order = min(g.order, d.order)
	}
	return out
}

// group merges the atoms over credentials, methods, paths, origins and
// headers in turn, and says each group in words. shown maps a sent path to
// the way it is shown.
func group(atoms []atom, shown map[string]string, pathNoted bool) []Group {
	drafts := make([]*draft, len(atoms))
	for i, a := range atoms {
		c := "omit"
		if a.req.Credentials {
			c = "include"
		}
		d := &draft{change: a.change, origins: set{a.req.Origin}, creds: set{c}, paths: set{shown[a.req.Path]},
			methods: set{a.req.Method}, reqs: a.reqs, order: a.order}
		if a.hdr != "" {
			d.headers = set{a.hdr}
		}
		drafts[i] = d
	}
	for _, dim := range []int{dimCreds, dimMethods, dimPaths, dimOrigins, dimHeaders} {
		drafts = merge(drafts, dim)
	}
	// With only "/" asked the path says nothing, unless a side limits
	// its paths in a way no rule path shows (flask-cors's regex
	// resource): tried as a new user would, "no longer allows ... on
	// GET" named no path where the change was outside /api alone.
	onlyRoot := len(shown) == 1 && !pathNoted
	rank := map[string]int{Allows: 0, Exposes: 1, NoLongerAllow: 2, NoLongerExpose: 3}
	sort.SliceStable(drafts, func(x, y int) bool {
		if rx, ry := rank[drafts[x].change], rank[drafts[y].change]; rx != ry {
			return rx < ry
		}
		return drafts[x].order < drafts[y].order
	})
	out := make([]Group, 0, len(drafts))
	for _, d := range drafts {
		g := Group{Change: d.change, Direction: Widen, Origins: d.origins, Methods: d.methods, Paths: d.paths,
			Headers: d.headers, Requests: d.reqs, Count: len(d.reqs)}
		if d.change == NoLongerAllow || d.change == NoLongerExpose {
			g.Direction = Narrow
		}
		if len(d.creds) == 1 {
			g.Credentials = d.creds[0]
		}
		g.Summary = words(g, onlyRoot)
		out = append(out, g)
	}
	return out
}

// maxNamed is how many origins a summary names before "and N more".
const maxNamed = 3

// words says a group in one line: "newly allows https://evil.example with
// credentials on PUT /uploads/*".
func words(g Group, onlyRoot bool) string {
	var b strings.Builder
	switch g.Change {
	case Allows:
		b.WriteString("newly allows ")
	case NoLongerAllow:
		b.WriteString("no longer allows ")
	case Exposes:
		b.WriteString("newly exposes " + strings.Join(g.Headers, ", ") + " to ")
	case NoLongerExpose:
		b.WriteString("no longer exposes " + strings.Join(g.Headers, ", ") + " to ")
	}
	if (g.Change == Allows || g.Change == NoLongerAllow) && len(g.Headers) > 0 {
		// The unlisted header stands for any header neither
		// configuration names.
		named := make([]string, 0, len(g.Headers))
		for _, h := range g.Headers {
			if h != unlistedHdr {
				named = append(named, h)
			}
		}
		switch {
		case len(named) == 0:
			b.WriteString("any request header from ")
		case len(named) < len(g.Headers):
			b.WriteString("the headers " + strings.Join(named, ", ") + " and any other from ")
		case len(named) == 1:
			b.WriteString("the header " + named[0] + " from ")
		default:
			b.WriteString("the headers " + strings.Join(named, ", ") + " from ")
		}
	}
	b.WriteString(listed(g.Origins, "origins"))
	switch g.Credentials {
	case "include":
		b.WriteString(" with credentials")
	case "omit":
		b.WriteString(" without credentials")
	}
	b.WriteString(" on " + strings.Join(g.Methods, ", "))
	if !onlyRoot {
		b.WriteString(" " + strings.Join(g.Paths, ", "))
	}
	return b.String()
}

// listed names up to maxNamed values and counts the rest.
func listed(v []string, what string) string {
	if len(v) <= maxNamed {
		return strings.Join(v, ", ")
	}
	return strings.Join(v[:maxNamed], ", ") + " and " + strconv.Itoa(len(v)-maxNamed) + " more " + what
}
