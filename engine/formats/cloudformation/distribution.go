package cloudformation

import (
	"strings"

	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/portable"
	"github.com/whycors/whycors/engine/wire"
)

// The CloudFront resources that put a shared cache in front of a bucket.
const (
	TypeDistribution = "AWS::CloudFront::Distribution"
	TypeCachePolicy  = "AWS::CloudFront::CachePolicy"
)

// managedCachePolicies are CloudFront's managed cache policies by ID, with
// the request headers each puts in the cache key, and nil for one that
// caches nothing (using-managed-cache-policies.html: CachingOptimized and
// CachingOptimizedForUncompressedObjects key on no header, CachingDisabled
// has every TTL 0, Elemental-MediaPackage keys on Origin, Amplify on
// Authorization, CloudFront-Viewer-Country and Host). The normalized
// Accept-Encoding a policy may add is left out: a browser's fetch() of
// one page sends the same one every time.
var managedCachePolicies = map[string][]string{
	"658327ea-f89d-4fab-a63d-7e88639e58f6": {},
	"b2884449-e4de-46a7-ac36-70bc7f1ddd6d": {},
	"4135ea2d-6df8-44a3-9df3-4b5a84be39ad": nil,
	"08627262-05a9-4f76-9ded-b50ca2e3a84f": {"Origin"},
	"2e54312d-136d-493c-8eb9-b001f22f67d2": {"Authorization", "CloudFront-Viewer-Country", "Host"},
}

// Distribution is an AWS::CloudFront::Distribution: the hosts it
// answers (its Aliases besides its own ID.cloudfront.net) and its cache
// behaviours, the path-pattern ones first in the template's order and
// the default last, as CloudFront matches them.
type Distribution struct {
	ID           string
	Aliases      []string
	Behaviors    []Behavior
	Line, Column int
}

// Behavior is one cache behaviour: the paths it takes, the template's
// bucket it sends them to (by logical ID; "" when its origin is no
// bucket of the template), and what its cache keys on.
type Behavior struct {
	PathPattern string // "" for the default behaviour
	Bucket      string
	// KeyHeaders are the request headers in the cache key (the cache
	// policy's HeadersConfig, or the legacy ForwardedValues.Headers);
	// Cached is false when the policy caches nothing (every TTL 0).
	KeyHeaders []string
	Cached     bool
	// Known is false when the cache key comes from a policy the template
	// does not hold (an ID whycors does not know, a parameter).
	Known        bool
	Line, Column int
}

// distribution reads an AWS::CloudFront::Distribution
// (aws-properties-cloudfront-distribution-distributionconfig.html):
// Aliases, Origins (an S3 origin's DomainName: !GetAtt BUCKET.DomainName
// or .RegionalDomainName, or the bucket's host name written out),
// DefaultCacheBehavior and CacheBehaviors with TargetOriginId,
// CachePolicyId (a managed policy's ID, or !Ref of the template's
// AWS::CloudFront::CachePolicy) or the legacy ForwardedValues.Headers.
func (rd *reader) distribution(k, props *node) {
	dc := props.get("DistributionConfig")
	if dc == nil || dc.kind != mapK {
		return
	}
	d := Distribution{ID: k.str, Line: k.line, Column: k.col}
	if as := dc.get("Aliases"); as != nil && as.kind == seqK {
		for _, a := range as.items {
			if s, ok := rd.r.str(a); ok {
				d.Aliases = append(d.Aliases, strings.ToLower(s))
			}
		}
	}
	origins := map[string]string{} // origin Id -> bucket logical ID
	if os := dc.get("Origins"); os != nil && os.kind == seqK {
		for _, o := range os.items {
			id, _ := rd.r.str(o.get("Id"))
			origins[id] = rd.originBucket(o.get("DomainName"))
		}
	}
	behavior := func(b *node, pattern string) {
		if b == nil || b.kind != mapK {
			return
		}
		target, _ := rd.r.str(b.get("TargetOriginId"))
		bh := Behavior{PathPattern: pattern, Bucket: origins[target], Line: b.line, Column: b.col}
		bh.KeyHeaders, bh.Cached, bh.Known = rd.cacheKey(b)
		d.Behaviors = append(d.Behaviors, bh)
	}
	if cbs := dc.get("CacheBehaviors"); cbs != nil && cbs.kind == seqK {
		for _, b := range cbs.items {
			p, _ := rd.r.str(b.get("PathPattern"))
			behavior(b, p)
		}
	}
	behavior(dc.get("DefaultCacheBehavior"), "")
	rd.t.Distributions = append(rd.t.Distributions, d)
}

// originBucket is the logical ID of the template's bucket an origin's
// DomainName names, or "".
func (rd *reader) originBucket(n *node) string {
	if name, arg, ok := intrinsic(n); ok && name == "GetAtt" {
		target := arg.str
		if arg.kind == seqK && len(arg.items) > 0 {
			target = arg.items[0].str
		}
		target, _, _ = strings.Cut(target, ".")
		return target
	}
	host, ok := rd.r.str(n)
	if !ok {
		return ""
	}
	for i, k := range rd.res.keys {
		typ, _ := rd.r.str(rd.res.vals[i].get("Type"))
		name, _ := rd.r.str(rd.res.vals[i].get("Properties").get("BucketName"))
		if typ == TypeBucket && name != "" && strings.HasPrefix(strings.ToLower(host), strings.ToLower(name)+".s3") {
			return k.str
		}
	}
	return ""
}

// cacheKey is what a cache behaviour's cache keys on: its cache
// policy's headers (header-caching.html: only the headers in the cache
// key make CloudFront store replies apart), or the legacy
// ForwardedValues.Headers ("*" forwards every header, so nothing is
// shared between requests that differ in any header: not modelled as a
// cache); known is false when the policy is not one whycors can read.
func (rd *reader) cacheKey(b *node) (hs []string, cached, known bool) {
	if id := b.get("CachePolicyId"); id != nil {
		if ref := refName(id); ref != "" {
			return rd.cachePolicy(rd.res.get(ref))
		}
		s, ok := rd.r.str(id)
		hs, found := managedCachePolicies[strings.ToLower(s)]
		if !ok || !found {
			rd.t.Assumptions = append(rd.t.Assumptions, portable.Finding{Code: codeUnresolved, Severity: "info",
				Message: "CachePolicyId " + s + " is no cache policy whycors knows: the cache key is taken to hold no header",
				Pos:     portable.Pos{Path: id.path, Line: id.line, Column: id.col}})
			return nil, true, false
		}
		return hs, hs != nil, true
	}
	fv := b.get("ForwardedValues").get("Headers")
	if fv == nil {
		return nil, true, true
	}
	for _, h := range fv.items {
		if s, ok := rd.r.str(h); ok {
			if s == "*" {
				return nil, false, true
			}
			hs = append(hs, s)
		}
	}
	return hs, true, true
}

// cachePolicy reads an AWS::CloudFront::CachePolicy resource's cache
// key headers (CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig:
// HeaderBehavior none or whitelist, Headers) and whether it caches
// (a MaxTTL of 0 caches nothing).
func (rd *reader) cachePolicy(r *node) (hs []string, cached, known bool) {
	cfg := r.get("Properties").get("CachePolicyConfig")
	if cfg == nil {
		return nil, true, false
	}
	if n, ok := rd.r.integer(cfg.get("MaxTTL")); ok && n == 0 {
		return nil, false, true
	}
	hc := cfg.get("ParametersInCacheKeyAndForwardedToOrigin").get("HeadersConfig")
	if beh, _ := rd.r.str(hc.get("HeaderBehavior")); beh == "whitelist" {
		if l := hc.get("Headers"); l != nil && l.kind == seqK {
			for _, h := range l.items {
				if s, ok := rd.r.str(h); ok {
					hs = append(hs, s)
				}
			}
		}
	}
	return hs, true, true
}

// behaviorFor is the cache behaviour of the distribution that answers
// url's host, for url's path, or nil: the first path pattern that
// matches (CloudFront's * and ? wildcards, case-sensitive), else the
// default.
func (t *Template) behaviorFor(url string) (*Distribution, *Behavior) {
	host, p := urlHost(url), urlPath(url)
	var d *Distribution
	for i := range t.Distributions {
		if t.Distributions[i].answers(host, len(t.Distributions) == 1) {
			d = &t.Distributions[i]
			break
		}
	}
	if d == nil {
		return nil, nil
	}
	for i := range d.Behaviors {
		b := &d.Behaviors[i]
		if b.PathPattern == "" {
			return d, b
		}
		if pathPattern("/"+strings.TrimPrefix(b.PathPattern, "/"), p) {
			return d, b
		}
	}
	return d, nil
}

// pathPattern reports whether a cache behaviour's PathPattern matches
// path: * is any run of characters, / included, ? one character, the
// rest literal and case-sensitive (distribution-web-values-specify.html,
// "Path pattern").
func pathPattern(pat, path string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for i := len(path); i >= 0; i-- {
				if pathPattern(pat[1:], path[i:]) {
					return true
				}
			}
			return false
		case '?':
			if path == "" {
				return false
			}
		default:
			if path == "" || path[0] != pat[0] {
				return false
			}
		}
		pat, path = pat[1:], path[1:]
	}
	return path == ""
}

// answers reports whether the distribution answers requests to host: one
// of its aliases, or a *.cloudfront.net host when it is the template's
// only distribution (its generated domain name is not in the template).
func (d *Distribution) answers(host string, only bool) bool {
	for _, a := range d.Aliases {
		if a == host {
			return true
		}
	}
	return only && strings.HasSuffix(host, ".cloudfront.net")
}

// CDNFor implements explain.CDNSource: the shared cache a distribution
// of the template puts in front of url, keyed as its cache behaviour
// keys (CloudFront ignores Vary but for Accept-Encoding,
// header-caching.html); ok false when no distribution answers url or
// its behaviour caches nothing.
func (t *Template) CDNFor(url string) (cdn.Config, wire.Place, bool) {
	d, b := t.behaviorFor(url)
	if b == nil || !b.Cached {
		return cdn.Config{}, wire.Place{}, false
	}
	return cdn.Config{KeyHeaders: b.KeyHeaders}, wire.Place{Layer: "cdn", Resource: d.ID, File: t.File, Line: b.Line, Column: b.Column}, true
}
