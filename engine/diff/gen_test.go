package diff_test

import (
	"math/rand"
	"strconv"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/diff"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/platform/s3"
)

var reg = all.Registry()

// Small pools, so that random pairs share literals and their request
// spaces stay small enough to check by brute force.
var (
	poolOrigins = []string{"https://app.test", "http://app.test", "https://*.sub.test", "*"}
	poolMethods = []string{"GET", "PUT", "DELETE"}
	poolHeaders = []string{"x-api-key", "content-type"}
	poolExpose  = []string{"etag", "x-request-id"}
)

func pick(r *rand.Rand, pool []string, max int) []string {
	n := 1 + r.Intn(max)
	var out []string
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		s := pool[r.Intn(len(pool))]
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// s3Rules is a random S3 configuration of n rules, written by S3's own
// writer.
func s3Rules(r *rand.Rand, n int, origins []string) diff.Config {
	c := &s3.Configuration{}
	for i := 0; i < n; i++ {
		ru := s3.Rule{AllowedOrigins: pick(r, origins, 2), AllowedMethods: pick(r, poolMethods, 2)}
		if r.Intn(2) == 0 {
			ru.AllowedHeaders = pick(r, append([]string{"*"}, poolHeaders...), 2)
		}
		if r.Intn(2) == 0 {
			ru.ExposeHeaders = pick(r, poolExpose, 2)
		}
		c.Rules = append(c.Rules, ru)
	}
	out, err := s3.WriteJSON(c)
	if err != nil {
		panic(err)
	}
	return diff.Config{Format: "s3-json", Text: out}
}

// nativeRules is a random native policy of up to two rules, the per-path
// one first so that each is reachable.
func nativeRules(r *rand.Rand) diff.Config {
	var rules []native.Rule
	for i := 0; i < 1+r.Intn(2); i++ {
		nr := native.Rule{Origins: pick(r, poolOrigins[:3], 2), Methods: pick(r, poolMethods, 2), Credentials: r.Intn(2) == 0, AllowInsecureOrigins: true}
		if r.Intn(2) == 0 {
			nr.RequestHeaders = pick(r, poolHeaders, 2)
		}
		if r.Intn(2) == 0 {
			nr.ExposedHeaders = pick(r, poolExpose, 1)
		}
		if i == 0 && r.Intn(2) == 0 {
			nr.Path = "/v" + strconv.Itoa(1+r.Intn(2)) + "/*"
		}
		rules = append(rules, nr)
	}
	p, err := native.New(rules)
	if err != nil {
		return diff.Config{Format: "native", Text: `{"origins":["https://app.test"]}`}
	}
	return diff.Config{Format: "native", Text: native.Write(p)}
}

// randomConfig is a small S3 or native configuration.
func randomConfig(r *rand.Rand) diff.Config {
	if r.Intn(2) == 0 {
		return s3Rules(r, 1+r.Intn(2), poolOrigins)
	}
	return nativeRules(r)
}

// bigS3 is an S3 configuration of n rules over n distinct origins (some
// of them wildcard patterns), each rule with its own methods, headers and
// exposed headers, as a large bucket's might be.
func bigS3(r *rand.Rand, n int) []s3.Rule {
	var rules []s3.Rule
	for i := 0; i < n; i++ {
		o := "https://app" + strconv.Itoa(i) + ".example.com"
		if i%10 == 0 {
			o = "https://*.team" + strconv.Itoa(i) + ".example.com"
		}
		ru := s3.Rule{AllowedOrigins: []string{o}, AllowedMethods: pick(r, []string{"GET", "PUT", "POST", "DELETE", "HEAD"}, 3)}
		if r.Intn(2) == 0 {
			ru.AllowedHeaders = pick(r, []string{"content-type", "x-amz-meta-owner", "x-amz-date", "authorization", "x-api-key", "*"}, 3)
		}
		if r.Intn(3) == 0 {
			ru.ExposeHeaders = pick(r, []string{"etag", "x-amz-request-id", "x-amz-version-id"}, 2)
		}
		rules = append(rules, ru)
	}
	return rules
}

func writeS3(rules []s3.Rule) diff.Config {
	out, err := s3.WriteJSON(&s3.Configuration{Rules: rules})
	if err != nil {
		panic(err)
	}
	return diff.Config{Format: "s3-json", Text: out}
}
