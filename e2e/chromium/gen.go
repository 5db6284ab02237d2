package chromium

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// The random mix draws every part of an exchange from the same building
// blocks as testdata/corpus.json, so that combinations the hand-written
// cases never pair (a 500 preflight with a bad ACAM and credentials, say)
// still get compared with Chromium.
const pageOrigin = "http://app.test"

var (
	genMethods = []string{"GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "PATCH", "patch", "put", "FOO"}
	genCreds   = []string{"", "", "omit", "same-origin", "include", "include"}
	genModes   = []string{"", "", "", "", "", "", "cors", "no-cors", "same-origin"}
	// Request headers: safelisted, unsafe, forbidden, Chromium-only
	// safelisted, Authorization.
	genReqHeaders = []headers.Field{
		{Name: "X-Test", Value: "1"},
		{Name: "X-Api-Key", Value: "k"},
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Content-Type", Value: "text/plain;charset=UTF-8"},
		{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
		{Name: "Accept", Value: "application/json"},
		{Name: "Accept-Language", Value: "fr"},
		{Name: "Content-Language", Value: "de@"},
		{Name: "Authorization", Value: "Bearer t"},
		{Name: "Range", Value: "bytes=0-10"},
		{Name: "Range", Value: "bytes=-10"},
		{Name: "DPR", Value: "2"},
		{Name: "Cookie", Value: "a=b"},
		{Name: "X-Requested-With", Value: "XMLHttpRequest"},
	}
	genACAO  = []string{"", pageOrigin, pageOrigin, "*", "*", "http://other.test", pageOrigin + "/", "null", "-", pageOrigin + ", http://other.test", "two-lines"}
	genACAC  = []string{"", "", "true", "true", "True"}
	genACAM  = []string{"", "GET, POST", "PUT", "PUT, DELETE, PATCH", "*", "patch", "FOO", "PUT, (bad)", "put"}
	genACAH  = []string{"", "*", "x-test", "X-Test, X-Api-Key, Content-Type", "content-type", "authorization, x-test", "x-test;"}
	genACEH  = []string{"", "", "X-A", "*", "x-a, x-b", "Set-Cookie"}
	genPFSt  = []int{200, 204, 204, 204, 206, 301, 400, 404, 500}
	genResSt = []int{200, 200, 200, 201, 204, 302, 404, 500}
)

// Generate returns n cases drawn with a PCG generator seeded with seed;
// the same seed gives the same cases.
func Generate(seed uint64, n int) []Case {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	out := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		var desc []string
		req := explain.Request{Origin: pageOrigin, URL: "http://api.test/r", Init: fetch.Init{Method: pick(genMethods), Credentials: pick(genCreds), Mode: pick(genModes)}}
		if req.Mode == "no-cors" && r.IntN(2) == 0 {
			req.Method = "GET"
		}
		// No body with GET/HEAD: that TypeError has its own corpus cases.
		if m := strings.ToUpper(req.Method); m != "GET" && m != "HEAD" && r.IntN(3) > 0 {
			b := "payload"
			req.Body = &b
		}
		for k := r.IntN(4); k > 0; k-- {
			req.Headers = append(req.Headers, genReqHeaders[r.IntN(len(genReqHeaders))])
		}
		desc = append(desc, fmt.Sprintf("%s creds=%q mode=%q headers=%d", req.Method, req.Credentials, req.Mode, len(req.Headers)))
		s := explain.Scenario{Request: req}
		if r.IntN(6) > 0 {
			pf := &explain.Reply{Status: genPFSt[r.IntN(len(genPFSt))]}
			pf.Header = corsHeaders(pick(genACAO), pick(genACAC))
			if v := pick(genACAM); v != "" {
				pf.Header = append(pf.Header, headers.Field{Name: "Access-Control-Allow-Methods", Value: v})
			}
			if v := pick(genACAH); v != "" {
				pf.Header = append(pf.Header, headers.Field{Name: "Access-Control-Allow-Headers", Value: v})
			}
			if pf.Status >= 300 && pf.Status < 400 {
				pf.Header = append(pf.Header, headers.Field{Name: "Location", Value: "{t}/elsewhere"})
			}
			s.Preflight = pf
			desc = append(desc, fmt.Sprintf("preflight %d", pf.Status))
		}
		if r.IntN(8) > 0 {
			res := &explain.Reply{Status: genResSt[r.IntN(len(genResSt))]}
			res.Header = corsHeaders(pick(genACAO), pick(genACAC))
			if v := pick(genACEH); v != "" {
				res.Header = append(res.Header, headers.Field{Name: "Access-Control-Expose-Headers", Value: v})
			}
			res.Header = append(res.Header, headers.Field{Name: "X-A", Value: "1"}, headers.Field{Name: "Content-Type", Value: "text/plain"})
			if r.IntN(3) == 0 {
				res.Header = append(res.Header, headers.Field{Name: "Set-Cookie", Value: "s=1"}, headers.Field{Name: "X-B", Value: "2"})
			}
			if res.Status == 302 {
				res.Header = append(res.Header, headers.Field{Name: "Location", Value: "{t}/moved"})
			}
			s.Response = res
			desc = append(desc, fmt.Sprintf("response %d", res.Status))
		}
		out = append(out, Case{ID: fmt.Sprintf("rnd-%03d", i), Desc: "random: " + strings.Join(desc, ", "), Scenario: s})
	}
	return out
}

// corsHeaders builds the Access-Control-Allow-Origin and -Credentials
// lines; "two-lines" sends the page origin on two lines.
func corsHeaders(acao, acac string) headers.List {
	var l headers.List
	switch acao {
	case "":
	case "two-lines":
		l = append(l, headers.Field{Name: "Access-Control-Allow-Origin", Value: pageOrigin}, headers.Field{Name: "Access-Control-Allow-Origin", Value: pageOrigin})
	default:
		l = append(l, headers.Field{Name: "Access-Control-Allow-Origin", Value: acao})
	}
	if acac != "" {
		l = append(l, headers.Field{Name: "Access-Control-Allow-Credentials", Value: acac})
	}
	return l
}
