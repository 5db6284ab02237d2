package cloudformation_test

import (
	"cmp"
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// cacheKeyDoc cites CloudFront's cache key: only the headers in the
// cache policy's key make it store replies apart; Vary is ignored but
// for Accept-Encoding.
const cacheKeyDoc = "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/header-caching.html; using-managed-cache-policies.html"

// TestDistributionCacheKey: a distribution of the template in front of
// its bucket is the scenario's CDN when the scenario states none, keyed
// as its cache behaviour keys; a second site then gets the first one's
// stored reply where the key holds no Origin. Documentation only: no AWS
// account runs here.
func TestDistributionCacheKey(t *testing.T) {
	text := readFile(t, "cloudfront-s3.yaml")
	disabled := strings.Replace(text, "658327ea-f89d-4fab-a63d-7e88639e58f6", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", 1)
	legacy := strings.Replace(text, "          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6\n", "          ForwardedValues:\n            QueryString: false\n            Headers: [Origin]\n", 1)
	tests := []struct {
		desc, url      string
		text           string
		allowed        bool
		fromCDN        bool
		decidedBy      string
		decidedByLayer string
		cites          string
	}{
		{desc: "CachingOptimized keys on no header: shop gets www's stored reply", url: "https://static.example.com/f/a.woff2",
			fromCDN: true, decidedBy: "Cdn", decidedByLayer: "cdn", cites: cacheKeyDoc + " (CachingOptimized: no headers in the cache key)"},
		{desc: "a cache policy keying on Origin stores each site's reply apart", url: "https://static.example.com/shared/a.woff2",
			allowed: true, decidedBy: "Fonts", decidedByLayer: "cors-rule", cites: cacheKeyDoc + " (HeadersConfig whitelist Origin)"},
		{desc: "the distribution's own cloudfront.net host is the same distribution", url: "https://d111111abcdef8.cloudfront.net/f/a.woff2",
			fromCDN: true, decidedBy: "Cdn", decidedByLayer: "cdn", cites: "the template's only distribution answers its generated domain"},
		{desc: "CachingDisabled stores nothing: each site reaches the bucket", url: "https://static.example.com/f/a.woff2", text: disabled,
			allowed: true, decidedBy: "Fonts", decidedByLayer: "cors-rule", cites: cacheKeyDoc + " (CachingDisabled: every TTL 0)"},
		{desc: "legacy ForwardedValues.Headers with Origin keys on it", url: "https://static.example.com/f/a.woff2", text: legacy,
			allowed: true, decidedBy: "Fonts", decidedByLayer: "cors-rule", cites: "aws-properties-cloudfront-distribution-forwardedvalues.html; " + cacheKeyDoc},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			sc := map[string]any{
				"request": map[string]any{"origin": "https://www.example.com", "url": tc.url},
				"then":    []any{map[string]any{"request": map[string]any{"origin": "https://shop.example.com", "url": tc.url}, "after_seconds": 5}},
				"policy":  map[string]any{"format": "cloudformation", "text": cmp.Or(tc.text, text)},
			}
			b, _ := json.Marshal(sc)
			s, err := explain.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			v, err := explain.Explain(s, explain.Options{Formats: registry(), Advisor: advise.New()})
			if err != nil {
				t.Fatal(err)
			}
			if !v.Allowed || len(v.Then) != 1 {
				t.Fatalf("the first fetch: allowed %v (%s), %d later", v.Allowed, v.Reason, len(v.Then))
			}
			w := v.Then[0]
			last := w.Requests[len(w.Requests)-1]
			if w.Allowed != tc.allowed || last.FromCDN != tc.fromCDN || w.DecidedBy == nil || w.DecidedBy.Resource != tc.decidedBy || w.DecidedBy.Layer != tc.decidedByLayer {
				t.Errorf("second site: allowed %v (%s), from CDN %v, decided by %+v; want allowed %v, from CDN %v, by %s %s (%s)",
					w.Allowed, w.Reason, last.FromCDN, w.DecidedBy, tc.allowed, tc.fromCDN, tc.decidedByLayer, tc.decidedBy, tc.cites)
			}
			if tc.fromCDN && !strings.HasPrefix(w.Summary, "The CDN Cdn (line ") {
				t.Errorf("the summary does not name the distribution: %s", w.Summary)
			}
		})
	}
}

// TestUnknownCachePolicySaysWhatItAssumes: a CachePolicyId that is none
// of CloudFront's managed policies (using-managed-cache-policies.html)
// and no policy of the template is read as keying on no header, and the
// template's traps say so at the id. The note was written and then
// dropped: the reader's own notes replaced the list after the resources
// were read.
func TestUnknownCachePolicySaysWhatItAssumes(t *testing.T) {
	text := strings.Replace(readFile(t, "cloudfront-s3.yaml"), "658327ea-f89d-4fab-a63d-7e88639e58f6", "00000000-0000-0000-0000-000000000000", 1)
	tpl, err := cloudformation.Read(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tpl.Traps() {
		if f.Code == "cfn-unresolved" && strings.Contains(f.Message, "CachePolicyId 00000000-0000-0000-0000-000000000000") && f.Pos.Line > 0 {
			return
		}
	}
	t.Errorf("no cfn-unresolved at the unknown CachePolicyId in %+v", tpl.Traps())
}
