package cloudformation

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
)

// The fix of a CloudFront distribution that served one site the reply it
// stored for another: the behaviour's cache key gets Origin, so that
// CloudFront stores each site's reply apart. CloudFront keys its cache on
// the cache policy's headers (or the legacy forwarded headers) and
// ignores the origin's Vary but for Accept-Encoding (header-caching.html),
// so S3's Vary: Origin does not help: the cache key must hold Origin.
// For an S3 origin whose OPTIONS replies CloudFront caches (CachedMethods
// with OPTIONS), it must hold Access-Control-Request-Method and
// Access-Control-Request-Headers too ("Configuring CloudFront to respect
// CORS settings", header-caching.html#header-caching-web-cors; the
// CachedMethods API reference says the same).

// Request headers the cache key needs for CORS.
const (
	hdrOrigin = "Origin"
	hdrACRM   = "Access-Control-Request-Method"
	hdrACRH   = "Access-Control-Request-Headers"
)

// managedSettings are the settings of the managed cache policies whose
// cache key holds no header, by ID (using-managed-cache-policies.html):
// a behaviour that uses one gets a cache policy of the template with the
// same settings and Origin in its key. CachingOptimized: MinTTL 1,
// MaxTTL 31536000, DefaultTTL 86400, no query string or cookie, the
// cache compressed objects setting enabled (gzip and Brotli);
// CachingOptimizedForUncompressedObjects the same with it disabled.
//
// No managed policy replaces them: of those the page lists (the
// awsdocs/amazon-cloudfront-developer-guide copy read here), the one
// that keys on Origin, Elemental-MediaPackage, also keys on
// MediaPackage's query strings and has MinTTL 0. The newer
// UseOriginCacheControlHeaders is not on that copy; as AWS's current
// page is remembered [UNVERIFIED], it keys on Host as well, which an S3
// origin's cache cannot key on (header-caching.html lists Host among
// the headers an S3 origin's cache cannot be based on), and its default
// TTL is 0, so S3 objects without Cache-Control would not be cached.
// Each changes more than the key: a policy of the template is written.
var managedSettings = map[string]policySettings{
	"658327ea-f89d-4fab-a63d-7e88639e58f6": {name: "CachingOptimized", minTTL: 1, maxTTL: 31536000, defaultTTL: 86400, compressed: true},
	"b2884449-e4de-46a7-ac36-70bc7f1ddd6d": {name: "CachingOptimizedForUncompressedObjects", minTTL: 1, maxTTL: 31536000, defaultTTL: 86400},
}

type policySettings struct {
	name                       string
	minTTL, maxTTL, defaultTTL int
	compressed                 bool
}

// chooseCacheKey is ChooseLayerEdit for a reply CloudFront served from
// its cache: Origin into the cache key of the behaviour b names.
func chooseCacheKey(b fix.Blocked) (fix.Edit, string, bool) {
	if b.Resource == "" || b.Line == 0 {
		return fix.Edit{}, "", false
	}
	return fix.Edit{Op: fix.CacheKey, Old: b.Resource, Line: b.Line, Values: []string{hdrOrigin}},
		"put Origin in the cache key of the CloudFront distribution " + b.Resource + "'s cache behaviour (line " + strconv.Itoa(b.Line) +
			"; with Access-Control-Request-Method and -Headers where it caches OPTIONS), so that CloudFront stores the bucket's reply to each Origin (and to requests without one) apart, instead of answering one with the reply stored for another (CloudFront ignores Vary: Origin)", true
}

// editCacheKey makes a fix.CacheKey edit: the behaviour at line e.Line
// of distribution e.Old keys on e.Values (and on the preflight's headers
// when it caches OPTIONS), in the form it already uses: the legacy
// ForwardedValues.Headers list gets them appended; a cache policy of the
// template gets them in its HeadersConfig (HeaderBehavior none becomes
// whitelist with Headers); a managed policy without headers
// (managedSettings) is replaced by a new cache policy of the template
// with its settings and the headers, which the behaviour then names by
// !Ref. Byte splices at the reader's positions: comments and layout
// stay.
func editCacheKey(t *Template, e fix.Edit) (string, error) {
	res := t.doc.root.get("Resources")
	dn := res.get(e.Old)
	if typ := dn.get("Type"); typ == nil || typ.str != TypeDistribution {
		return "", fix.ErrNotFound
	}
	bn := behaviorAt(dn.get("Properties").get("DistributionConfig"), e.Line)
	if bn == nil {
		return "", fix.ErrNotFound
	}
	want := append([]string{}, e.Values...)
	if cachesOptions(bn) {
		want = append(want, hdrACRM, hdrACRH)
	}
	ed := &editor{d: t.doc}
	if id := bn.get("CachePolicyId"); id != nil {
		if ref := refName(id); ref != "" {
			pol := res.get(ref)
			if typ := pol.get("Type"); typ == nil || typ.str != TypeCachePolicy {
				return "", fix.ErrUnsupported // a parameter: the policy is not in the template
			}
			hc := pol.get("Properties").get("CachePolicyConfig").get("ParametersInCacheKeyAndForwardedToOrigin").get("HeadersConfig")
			return ed.headersConfig(hc, want)
		}
		if id.kind != scalarK || id.tag != "" {
			return "", errIntrinsic
		}
		set, ok := managedSettings[strings.ToLower(strings.TrimSpace(id.str))]
		if !ok {
			return "", fix.ErrUnsupported
		}
		return ed.newCachePolicy(res, id, e.Old, set, want)
	}
	fv := bn.get("ForwardedValues")
	if fv == nil || fv.kind != mapK || fv.tag != "" {
		return "", fix.ErrUnsupported
	}
	return ed.addHeaders(fv, "Headers", want)
}

// behaviorAt is the cache behaviour of a DistributionConfig at line.
func behaviorAt(dc *node, line int) *node {
	if dc == nil || dc.kind != mapK {
		return nil
	}
	if cbs := dc.get("CacheBehaviors"); cbs != nil && cbs.kind == seqK {
		for _, b := range cbs.items {
			if b.kind == mapK && b.line == line {
				return b
			}
		}
	}
	if b := dc.get("DefaultCacheBehavior"); b != nil && b.kind == mapK && b.line == line {
		return b
	}
	return nil
}

// cachesOptions reports a behaviour whose CachedMethods lists OPTIONS.
func cachesOptions(b *node) bool {
	l := b.get("CachedMethods")
	if l == nil || l.kind != seqK {
		return false
	}
	for _, m := range l.items {
		if m.kind == scalarK && strings.EqualFold(m.str, "OPTIONS") {
			return true
		}
	}
	return false
}

// missing are the names of want that list l (nil: none) lacks, header
// names compared without case; ok false when l keys on every header
// ("*": nothing is cached) or is not a list of literals.
func missing(l *node, want []string) (out []string, ok bool) {
	if l != nil && (l.kind != seqK || l.tag != "") {
		return nil, false
	}
	have := map[string]bool{}
	if l != nil {
		for _, it := range l.items {
			if it.kind != scalarK || it.tag != "" || it.str == "*" {
				return nil, false
			}
			have[strings.ToLower(it.str)] = true
		}
	}
	for _, w := range want {
		if !have[strings.ToLower(w)] {
			have[strings.ToLower(w)] = true
			out = append(out, w)
		}
	}
	return out, true
}

// addHeaders appends the names of want that m's list under key lacks,
// creating the list when m has none.
func (ed *editor) addHeaders(m *node, key string, want []string) (string, error) {
	add, ok := missing(m.get(key), want)
	if !ok {
		return "", fix.ErrUnsupported
	}
	if len(add) == 0 {
		return ed.d.text, nil
	}
	return ed.list(m, key, fix.Edit{Op: fix.Add, Values: add})
}

// headersConfig puts want into a cache policy's HeadersConfig:
// appended to Headers under whitelist; under none, HeaderBehavior
// becomes whitelist and Headers lists want
// (aws-properties-cloudfront-cachepolicy-headersconfig.html: none keys
// on no header, whitelist on the Headers listed).
func (ed *editor) headersConfig(hc *node, want []string) (string, error) {
	if hc == nil || hc.kind != mapK || hc.tag != "" {
		return "", fix.ErrUnsupported
	}
	beh := hc.get("HeaderBehavior")
	if beh == nil || beh.kind != scalarK || beh.tag != "" {
		return "", errIntrinsic
	}
	switch beh.str {
	case "whitelist":
		return ed.addHeaders(hc, "Headers", want)
	case "none":
		if l := hc.get("Headers"); l != nil && (l.kind != seqK || len(l.items) > 0) {
			// Names listed under none key nothing today: whitelist
			// would key on them too.
			return "", fix.ErrUnsupported
		}
		text, err := ed.replaceScalar(beh, "whitelist")
		if err != nil {
			return "", err
		}
		d, perr := readDoc(text, ed.d.file)
		if perr != nil {
			return "", fix.ErrUnsupported
		}
		hc2 := findPath(d.root, hc.path)
		if hc2 == nil {
			return "", fix.ErrUnsupported
		}
		return (&editor{d: d}).addHeaders(hc2, "Headers", want)
	}
	return "", fix.ErrUnsupported
}

// newCachePolicy points the behaviour's CachePolicyId (the managed
// policy's ID at id) to a new AWS::CloudFront::CachePolicy resource
// with the managed policy's settings and want in its key, added after
// the template's last resource. Its Name, unique in the account as
// CloudFront requires, is the stack's name and the resource's.
func (ed *editor) newCachePolicy(res, id *node, dist string, set policySettings, want []string) (string, error) {
	if res == nil || res.kind != mapK || len(res.keys) == 0 || res.flow && !ed.d.json {
		return "", fix.ErrUnsupported
	}
	name := dist + "CachePolicy"
	for n := 2; res.get(name) != nil; n++ {
		name = dist + "CachePolicy" + strconv.Itoa(n)
	}
	ref := "!Ref " + name
	if ed.d.json {
		ref = `{"Ref": ` + strconv.Quote(name) + `}`
	}
	end := ed.valueEnd(id)
	if end < 0 || id.style == block {
		return "", fix.ErrUnsupported
	}
	text := ed.d.text[:id.off] + ref + ed.d.text[end:]
	d, perr := readDoc(text, ed.d.file)
	if perr != nil {
		return "", fix.ErrUnsupported
	}
	res2 := d.root.get("Resources")
	if res2 == nil || res2.kind != mapK || len(res2.keys) == 0 {
		return "", fix.ErrUnsupported
	}
	ed2 := &editor{d: d}
	// The indentation a level adds: the first resource's own keys'
	// below its name (two spaces when it cannot tell).
	step := 2
	if v := res2.vals[0]; v.kind == mapK && !v.flow && len(v.keys) > 0 && v.keys[0].col > res2.keys[0].col {
		step = v.keys[0].col - res2.keys[0].col
	}
	if ed.d.json {
		ind, _ := lineIndentOf(d.text, res2.keys[len(res2.keys)-1].off)
		return ed2.insertEntry(res2, name, policyJSON(name, set, want, ind, strings.Repeat(" ", step)))
	}
	ind := strings.Repeat(" ", res2.keys[0].col-1)
	return ed2.insertEntry(res2, name, policyYAML(name, set, want, ind, strings.Repeat(" ", step)))
}

func lineIndentOf(text string, off int) (string, bool) { return fix.LineIndent(text, off) }

// policyComment says what the new cache policy is (CloudFront takes a
// comment of at most 128 characters: CachePolicyConfig, API reference).
func policyComment(set policySettings) string {
	return set.name + "'s settings, Origin in the key (CORS)"
}

// policyYAML is the new resource's value in a YAML block mapping whose
// keys are indented ind, one level being step.
func policyYAML(name string, set policySettings, want []string, ind, step string) string {
	var b strings.Builder
	l := func(depth int, s string) { b.WriteString("\n" + ind + strings.Repeat(step, depth) + s) }
	l(1, "Type: "+TypeCachePolicy)
	l(1, "Properties:")
	l(2, "CachePolicyConfig:")
	l(3, "Name: !Sub '${AWS::StackName}-"+name+"'")
	l(3, "Comment: "+strconv.Quote(policyComment(set)))
	l(3, "DefaultTTL: "+strconv.Itoa(set.defaultTTL))
	l(3, "MaxTTL: "+strconv.Itoa(set.maxTTL))
	l(3, "MinTTL: "+strconv.Itoa(set.minTTL))
	l(3, "ParametersInCacheKeyAndForwardedToOrigin:")
	l(4, "EnableAcceptEncodingGzip: "+strconv.FormatBool(set.compressed))
	l(4, "EnableAcceptEncodingBrotli: "+strconv.FormatBool(set.compressed))
	l(4, "HeadersConfig:")
	l(5, "HeaderBehavior: whitelist")
	l(5, "Headers:")
	for _, h := range want {
		l(6, "- "+h)
	}
	l(4, "CookiesConfig:")
	l(5, "CookieBehavior: none")
	l(4, "QueryStringsConfig:")
	l(5, "QueryStringBehavior: none")
	return b.String()
}

// policyJSON is the new resource's value in JSON, its closing brace at
// indentation ind, one level being step.
func policyJSON(name string, set policySettings, want []string, ind, step string) string {
	q := make([]string, len(want))
	for i, h := range want {
		q[i] = strconv.Quote(h)
	}
	lines := []string{
		`{`,
		step + `"Type": "` + TypeCachePolicy + `",`,
		step + `"Properties": {`,
		step + step + `"CachePolicyConfig": {`,
		step + step + step + `"Name": {"Fn::Sub": "${AWS::StackName}-` + name + `"},`,
		step + step + step + `"Comment": ` + strconv.Quote(policyComment(set)) + `,`,
		step + step + step + `"DefaultTTL": ` + strconv.Itoa(set.defaultTTL) + `,`,
		step + step + step + `"MaxTTL": ` + strconv.Itoa(set.maxTTL) + `,`,
		step + step + step + `"MinTTL": ` + strconv.Itoa(set.minTTL) + `,`,
		step + step + step + `"ParametersInCacheKeyAndForwardedToOrigin": {`,
		step + step + step + step + `"EnableAcceptEncodingGzip": ` + strconv.FormatBool(set.compressed) + `,`,
		step + step + step + step + `"EnableAcceptEncodingBrotli": ` + strconv.FormatBool(set.compressed) + `,`,
		step + step + step + step + `"HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": [` + strings.Join(q, ", ") + `]},`,
		step + step + step + step + `"CookiesConfig": {"CookieBehavior": "none"},`,
		step + step + step + step + `"QueryStringsConfig": {"QueryStringBehavior": "none"}`,
		step + step + step + `}`,
		step + step + `}`,
		step + `}`,
		`}`,
	}
	return strings.Join(lines, "\n"+ind)
}
