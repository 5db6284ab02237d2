package terraform

import (
	"net/url"
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
	"github.com/whycors/whycors/engine/wire"
)

// Module answers requests as the resource of a Terraform module (or
// plan) that the request reaches. It implements policy.Evaluator.
type Module struct {
	sites []*site
	// chosen is the answering site; nil when the request's host chooses.
	chosen *site
	notes  []portable.Finding
}

// ReadModule reads a module's files (src.Text as main.tf, or src.Files),
// resolves its variables and locals, and chooses the answering resource.
// Every fault comes back, positioned in its file, as a policy.Errors.
func ReadModule(src policy.Source) (*Module, error) {
	m := readModule(src)
	if len(m.errs) > 0 {
		return nil, slices.Concat(m.why, m.errs)
	}
	at := pos{File: mainFile, Line: 1, Column: 1}
	if src.Text == "" && len(src.Files) > 0 {
		at.File = src.Files[0].Name
	}
	return assemble(m.sites, m.notes.list, m.why, src.Resource, at)
}

// assemble builds each site's evaluator and chooses the answering one.
func assemble(sites []*site, notes []portable.Finding, why policy.Errors, resource string, at pos) (*Module, error) {
	var errs policy.Errors
	mod := &Module{sites: sites, notes: notes}
	for _, s := range sites {
		errs = append(errs, s.build()...)
	}
	if len(errs) > 0 {
		// What stayed unknown is said with the refusal it may have
		// caused: a bucket whose cors_rule blocks were all a dynamic
		// block with a for_each not known here was S3's "no CORSRule"
		// alone.
		return nil, slices.Concat(why, errs)
	}
	mod.notes = append(append(append(mod.notes, starNotes(sites)...), twiceNotes(sites)...), orderNotes(sites)...)
	switch {
	case resource != "":
		if mod.chosen = siteNamed(sites, resource); mod.chosen == nil {
			e := at.err("no resource " + resource + " with a CORS configuration in the module")
			if len(sites) > 0 {
				e.Msg += "; resources with one: " + addresses(sites)
			}
			return nil, policy.Errors{e}
		}
	case len(sites) == 0:
		return nil, policy.Errors{at.err("no resource with a CORS configuration (" + typeNames + ")")}
	case len(sites) == 1:
		mod.chosen = sites[0]
	default:
		// The request's host chooses among those it can name (a bucket
		// by its endpoint); an API's host is its generated id, which no
		// request here names. A request that names none is answered
		// with the list to choose from (caseNoSite), and only a module
		// none of whose resources a host names is refused.
		for _, s := range sites {
			if nameable(s) {
				return mod, nil
			}
		}
		e := sites[0].At.err("the module has several resources with CORS (" + addresses(sites) + ") and no request's host names one: choose the one that answers with --resource ADDRESS (policy.resource)")
		return nil, policy.Errors{e}
	}
	return mod, nil
}

// siteNamed is the site whose address is resource (a module's own
// resource may be named without its "module." prefix), or nil.
func siteNamed(sites []*site, resource string) *site {
	var out *site
	for _, s := range sites {
		if s.Address == resource || strings.TrimPrefix(s.Address, "module.") == resource {
			out = s
		}
	}
	return out
}

// nameable reports a site a request's host can name (a bucket by its
// endpoint, hostNames).
func nameable(s *site) bool {
	return s.Name != "" && (s.Shape.NameAttr != "" || s.Shape.BucketRef != "")
}

// Resources implements policy.Resourcer: the addresses of the module's
// resources with CORS, in rule order, for a lint of each.
func (*HCL) Resources(src policy.Source) []string {
	m := readModule(src)
	if len(m.errs) > 0 {
		return nil
	}
	return (&Module{sites: m.sites}).Sites()
}

// Sites lists the addresses of the resources with CORS, in rule order.
func (m *Module) Sites() []string {
	out := make([]string, len(m.sites))
	for i, s := range m.sites {
		out[i] = s.Address
	}
	return out
}

// Chosen is the address of the resource that answers every request, or
// "" when the request's host chooses.
func (m *Module) Chosen() string {
	if m.chosen == nil {
		return ""
	}
	return m.chosen.Address
}

// Findings are what the reader could not resolve (each with what the
// verdict assumes) and the module's traps.
func (m *Module) Findings() []portable.Finding { return m.notes }

// siteFor is the site that answers a request to rawURL.
func (m *Module) siteFor(rawURL string) *site {
	if m.chosen != nil {
		return m.chosen
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	first := strings.SplitN(strings.TrimPrefix(u.Path, "/"), "/", 2)[0]
	for _, s := range m.sites {
		if hostNames(s.Shape.Platform, host, first, s.Name) {
			return s
		}
	}
	return nil
}

// hostNames reports whether host (and the path's first segment, for
// path-style URLs) name bucket or account name on platform: S3's
// virtual-hosted and path-style endpoints (BUCKET.s3.amazonaws.com,
// BUCKET.s3.REGION.amazonaws.com, s3.REGION.amazonaws.com/BUCKET), GCS's
// (BUCKET.storage.googleapis.com, storage.googleapis.com/BUCKET) and
// Azure's blob endpoint (ACCOUNT.blob.core.windows.net).
func hostNames(platform, host, first, name string) bool {
	if name == "" {
		return false
	}
	name = strings.ToLower(name)
	switch platform {
	case platS3:
		return strings.HasSuffix(host, ".amazonaws.com") && s3.NamesBucket(name, host, "/"+first)
	case platGCS:
		return host == name+".storage.googleapis.com" || host == "storage.googleapis.com" && first == name
	case platAzure:
		return host == name+".blob.core.windows.net"
	}
	return false
}

// RepliesFromRulesOnlyAt implements explain.RulesOnlyAt: a storage
// bucket's or account's CORS rules decide its whole reply (S3, Cloud
// Storage and Azure Storage send no header one writes), so such a
// resource that decided leaves no replies to write in the fix's place.
func (m *Module) RepliesFromRulesOnlyAt(decided wire.Place) bool {
	if decided.Layer != "cors-rule" {
		return false
	}
	for _, s := range m.sites {
		if s.Address == decided.Resource {
			switch s.Shape.Platform {
			case platS3, platGCS, platAzure:
				return true
			}
			return false
		}
	}
	return false
}

// Respond implements policy.Evaluator: the answering resource's
// platform answers, and the outcome names the resource and the rule
// block that decided (the resource's own block when no rule matched).
// Rule indexes count the resource's own rule blocks: "rule 1" of a
// Cloud Storage bucket is its first cors block, whatever comes before
// it in the module.
func (m *Module) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	s := m.siteFor(req.URL)
	if s == nil {
		// No resource of the module serves this host.
		out := policy.Outcome{Reply: app, Decision: policy.Note{Case: caseNoSite, Args: [4]string{req.URL}, List: m.Sites()}, Words: words{}}
		if req.Method == "OPTIONS" {
			out.Reply = policy.Reply{Status: 404, Header: headers.List{{Name: "Content-Length", Value: "0"}}}
		}
		return out
	}
	out := s.ev.Respond(req, app)
	at := s.At
	if len(out.Rules) > 0 {
		rules := make([]policy.Rule, len(out.Rules))
		copy(rules, out.Rules)
		doc := s.doc()
		for i := range rules {
			if s.sent != nil && rules[i].Index >= 0 && rules[i].Index < len(s.sent) {
				rules[i].Index = s.sent[rules[i].Index] // as written
			}
			if rules[i].Matched {
				at = s.rulePos(rules[i].Index)
			}
			if rules[i].Source == "" {
				// The resource's platform's document, not the
				// module's list of every platform (whose first,
				// S3's, an HTTP API's steps then linked).
				rules[i].Source = doc
			}
		}
		out.Rules = rules
	}
	out.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: s.Address, File: at.File, Line: at.Line, Column: at.Column}
	return out
}

const caseNoSite = "no-site"

// words says this package's own notes (policy.Words); the platforms'
// notes keep their own words.
type words struct{}

func (words) Rule(policy.Rule) string { return "" }

func (words) Decision(n policy.Note) string {
	if n.Case == caseNoSite {
		return "the request's host names none of the module's buckets (" + strings.Join(n.List, ", ") + "): no resource answers; choose one with --resource"
	}
	return ""
}
