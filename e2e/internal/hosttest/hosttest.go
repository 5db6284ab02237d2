// Package hosttest holds what the round trips of the hosting writers
// (e2e/netlify, e2e/hosting) share: seeded random portable policies,
// the requests to ask about, and the check that the headers a real
// package gives a request are the ones the policy says.
package hosttest

import (
	"math/rand"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/portable"
)

// Pools the policies and requests draw from. Paths without letters
// ("/1", "/20/") are ones Netlify can say; a request path differing in
// case, or extending a segment ("/apix", "/12"), must not be covered.
var (
	Origins   = []string{"https://app.test", "https://admin.test", "http://app.test", "https://*.sub.test", "*"}
	AskOrigin = []string{"https://app.test", "https://admin.test", "http://app.test", "https://a.sub.test", "https://evil.test"}
	Paths     = []string{"/api", "/v1/", "/", "/1", "/20/", "/v1.0"}
	AskPaths  = []string{"/", "/api", "/api/", "/api/x", "/api/x/y", "/apix", "/API/x", "/v1", "/v1/x", "/1", "/1/", "/1/x/y", "/12", "/20", "/20/x", "/v1.0/a", "/v1x0/a", "/other"}
	methods   = []string{"GET", "PUT", "DELETE", "PATCH", "*"}
	hdrs      = []string{"x-api-key", "content-type", "authorization", "*"}
)

func some(r *rand.Rand, pool []string, max int) []string {
	var out []string
	for i := 1 + r.Intn(max); i > 0; i-- {
		if s := pool[r.Intn(len(pool))]; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Policy is a seeded random portable policy of one to three rules.
func Policy(r *rand.Rand) portable.Policy {
	var p portable.Policy
	for i := 1 + r.Intn(3); i > 0; i-- {
		ru := portable.Rule{Origins: some(r, Origins, 2), Credentials: r.Intn(2) == 0}
		if r.Intn(2) == 0 {
			ru.Methods = some(r, methods, 2)
		}
		if r.Intn(2) == 0 {
			ru.AllowHeaders = some(r, hdrs, 2)
		}
		if r.Intn(3) == 0 {
			ru.ExposeHeaders = some(r, []string{"X-Request-Id", "ETag"}, 2)
		}
		if r.Intn(3) == 0 {
			v := 60 * r.Intn(20)
			ru.MaxAge = &v
		}
		if r.Intn(4) != 0 {
			ru.Paths = some(r, Paths, 2)
		}
		p.Rules = append(p.Rules, ru)
	}
	return p
}

// Check says how the CORS headers h that a request for path from origin
// got differ from the policy's: none, or those of the first rule whose
// path and origin match, naming the origin (or "*" for a rule of any
// origin without credentials). A static host names one origin for every
// request (origin ""): its Access-Control-Allow-Origin must then be an
// origin the first rule covering path for that origin allows. "" when
// they agree.
func Check(p portable.Policy, path, origin string, h headers.List) string {
	acao, has := h.Get("Access-Control-Allow-Origin")
	if !has {
		return "" // narrower at most: the writer's notes say where
	}
	ask := origin
	if ask == "" {
		ask = acao
	}
	var rule *portable.Rule
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.MatchPath(path) && (ask == "*" || r.MatchOrigin(ask)) {
			rule = r
			break
		}
	}
	if rule == nil {
		return "Access-Control-Allow-Origin: " + acao + ", but no rule covers " + path + " for " + ask
	}
	if acao == "*" && (!rule.AnyOrigin() || rule.Credentials) {
		return "Access-Control-Allow-Origin: *, but the first rule for " + path + " allows " + strings.Join(rule.Origins, ", ") + " (credentials " + strconv.FormatBool(rule.Credentials) + ")"
	}
	if acao != "*" && origin != "" && acao != origin {
		return "Access-Control-Allow-Origin: " + acao + " for the origin " + origin
	}
	want := map[string]string{"access-control-allow-origin": acao}
	if rule.Credentials {
		want["access-control-allow-credentials"] = "true"
	}
	if len(rule.Methods) > 0 {
		want["access-control-allow-methods"] = strings.Join(rule.Methods, ", ")
	}
	if len(rule.AllowHeaders) > 0 {
		want["access-control-allow-headers"] = strings.Join(rule.AllowHeaders, ", ")
	}
	if len(rule.ExposeHeaders) > 0 {
		want["access-control-expose-headers"] = strings.Join(rule.ExposeHeaders, ", ")
	}
	if rule.MaxAge != nil {
		want["access-control-max-age"] = strconv.Itoa(*rule.MaxAge)
	}
	got := map[string]string{}
	for _, f := range h {
		if n := strings.ToLower(f.Name); strings.HasPrefix(n, "access-control-") {
			got[n] = f.Value
		}
	}
	for k, v := range want {
		if got[k] != v {
			return k + ": " + strconv.Quote(got[k]) + ", the policy's rule says " + strconv.Quote(v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			return k + ": " + strconv.Quote(v) + ", which the policy's rule does not say"
		}
	}
	return ""
}
