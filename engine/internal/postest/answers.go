package postest

import (
	"errors"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Pools the random policies and fetches of AnswersAsNative draw from:
// listed and unlisted origins, a subdomain pattern, methods and headers
// that need a preflight and ones that do not, paths in and out of the
// rules' (a case differing, a longer segment).
var (
	ruleOrigins  = []string{"https://app.test", "https://admin.test", "http://app.test", "https://*.sub.test", "*"}
	fetchOrigins = []string{"https://app.test", "https://admin.test", "http://app.test", "https://a.sub.test", "https://evil.test"}
	ruleMethods  = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "*"}
	ruleHeaders  = []string{"x-api-key", "content-type", "authorization", "*"}
	rulePaths    = []string{"/api", "/v1/", "/"}
	fetchPaths   = []string{"/api", "/api/items", "/apix", "/API/items", "/v1", "/v1/x", "/other"}
)

// some is 1 to max distinct members of pool.
func some(r *rand.Rand, pool []string, max int) []string {
	var out []string
	for i := 1 + r.Intn(max); i > 0; i-- {
		if s := pool[r.Intn(len(pool))]; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// RandomPolicy is a seeded random portable policy of one to three rules.
func RandomPolicy(r *rand.Rand) portable.Policy {
	var p portable.Policy
	for i := 1 + r.Intn(3); i > 0; i-- {
		ru := portable.Rule{Origins: some(r, ruleOrigins, 2), Credentials: r.Intn(2) == 0}
		if r.Intn(4) != 0 {
			ru.Methods = some(r, ruleMethods, 2)
		}
		if r.Intn(2) == 0 {
			ru.AllowHeaders = some(r, ruleHeaders, 2)
		}
		if r.Intn(3) == 0 {
			ru.ExposeHeaders = some(r, []string{"X-Request-Id", "ETag"}, 2)
		}
		if r.Intn(3) == 0 {
			v := 60 * r.Intn(20)
			ru.MaxAge = &v
		}
		if r.Intn(2) == 0 {
			ru.Paths = some(r, rulePaths, 2)
		}
		p.Rules = append(p.Rules, ru)
	}
	return p
}

func randomFetch(r *rand.Rand) explain.Request {
	req := explain.Request{Origin: fetchOrigins[r.Intn(len(fetchOrigins))], URL: "https://api.test" + fetchPaths[r.Intn(len(fetchPaths))],
		Init: fetch.Init{Method: []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}[r.Intn(6)]}}
	if r.Intn(2) == 0 {
		req.Credentials = "include"
	}
	switch r.Intn(5) {
	case 1:
		req.Headers = headers.List{{Name: "X-Api-Key", Value: "k"}}
	case 2:
		req.Headers = headers.List{{Name: "Content-Type", Value: "application/json"}}
	case 3:
		req.Headers = headers.List{{Name: "Authorization", Value: "Bearer t"}, {Name: "X-Api-Key", Value: "k"}}
	}
	return req
}

// Verdict is what the page sees of req under the policy text in format:
// allowed or not, and the response headers it can read.
func Verdict(t testing.TB, reg *policy.Registry, format, text string, req explain.Request) string {
	t.Helper()
	v, err := explain.Run(explain.Scenario{Request: req, Policy: &explain.Policy{Format: format, Text: text}}, explain.Options{Formats: reg})
	if err != nil {
		t.Fatalf("explain %s: %v\n%s", format, err, text)
	}
	if !v.Allowed {
		return "blocked"
	}
	return "allowed, reads " + strings.Join(v.ReadableHeaders, ",")
}

// WriterAnswersAsNative runs AnswersAsNative for the format name of fs
// (a package's Formats(), which must be a convert.Writer) in reg, on 60
// policies from seed with 25 fetches each, and fails when fewer than
// half the policies were written.
func WriterAnswersAsNative(t *testing.T, reg *policy.Registry, fs []policy.Format, name string, seed int64) {
	t.Helper()
	WriterAnswersAsNativeOf(t, reg, fs, name, seed, 60, 30)
}

// WriterAnswersAsNativeOf is WriterAnswersAsNative on policies random
// policies, failing when fewer than min were written (a target that
// refuses more of them, such as a hosting headers file).
func WriterAnswersAsNativeOf(t *testing.T, reg *policy.Registry, fs []policy.Format, name string, seed int64, policies, min int) {
	t.Helper()
	w, ok := Lookup(t, fs, name).(interface {
		WriteRules(portable.Policy, []string, *portable.Notes) (string, error)
	})
	if !ok {
		t.Fatalf("%s has no WriteRules", name)
	}
	compared, written := AnswersAsNative(t, reg, name, w.WriteRules, rand.New(rand.NewSource(seed)), policies, 25)
	t.Logf("%d policies written, %d fetches answered alike", written, compared)
	if written < min {
		t.Errorf("only %d of %d policies written", written, policies)
	}
}

// AnswersAsNative checks the promise of a convert.Writer (write, of the
// format name in reg): for seeded random portable policies, the text it
// writes, read back by the format's own reader, makes the browser
// (explain.Run, Chrome) reach native's verdict for the same policy on
// random fetches; allowed or not, and what the page reads. A note of the
// writer excuses a blocked fetch native allows, never the reverse. A
// policy native refuses (any origin with credentials) is left out. It
// returns the number of fetches compared and of policies written.
func AnswersAsNative(t *testing.T, reg *policy.Registry, name string, write func(portable.Policy, []string, *portable.Notes) (string, error), r *rand.Rand, policies, fetches int) (compared, written int) {
	t.Helper()
	fetches = shortFetches(fetches)
	for k := 0; k < policies; k++ {
		p := RandomPolicy(r)
		ref, err := native.FromPortable(p, nil, &portable.Notes{})
		if err != nil {
			continue
		}
		n := &portable.Notes{}
		text, err := write(p, nil, n)
		var refusal *portable.Refusal
		if errors.As(err, &refusal) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		written++
		for i := 0; i < fetches; i++ {
			req := randomFetch(r)
			want, got := Verdict(t, reg, "native", ref, req), Verdict(t, reg, name, text, req)
			compared++
			if want == got || got == "blocked" && len(n.List()) > 0 {
				continue
			}
			t.Errorf("%s %s from %s (credentials %q, headers %v):\nnative: %s\n%s: %s\npolicy: %+v\nwritten:\n%s\nnotes: %+v", req.Method, req.URL, req.Origin, req.Credentials, req.Headers, want, name, got, p.Rules, text, n.List())
			return compared, written
		}
	}
	return compared, written
}

// ReaderAnswersAsFormat checks a convert.Reader's promise: each of texts
// (in the format name of reg) converted into native (convert.ToNative)
// makes the browser reach the format's own verdict on random fetches
// from r (allowed or not, and what the page reads), unless a note of
// the conversion says which way: Narrower excuses a fetch the format
// allows and native blocks, Differs either way; a conversion refused
// (a wider note) is counted, not compared. It returns how many
// conversions had no note changing a decision, were compared and were
// refused.
func ReaderAnswersAsFormat(t *testing.T, reg *policy.Registry, name string, texts []string, r *rand.Rand, fetches int) (exact, converted, refused int) {
	t.Helper()
	fetches = shortFetches(fetches)
	for _, text := range texts {
		out, notes, err := convert.ToNative(reg, text, name)
		if err != nil {
			refused++
			continue
		}
		converted++
		effects := map[string]bool{}
		for _, n := range convert.Changes(notes) {
			effects[n.Effect] = true
		}
		if len(effects) == 0 {
			exact++
		}
		for k := 0; k < fetches; k++ {
			req := randomFetch(r)
			want, got := Verdict(t, reg, name, text, req), Verdict(t, reg, "native", out, req)
			if want == got || effects[convert.Differs] || got == "blocked" && effects[convert.Narrower] {
				continue
			}
			t.Errorf("%s %s from %s (credentials %q, headers %v): %s %s, its rules in native %s, and no note says so\n%s\nnative:\n%s\nnotes: %+v", req.Method, req.URL, req.Origin, req.Credentials, req.Headers, name, want, got, text, out, notes)
			return exact, converted, refused
		}
	}
	return exact, converted, refused
}

// WrittenTexts are the texts w (a convert.Writer's WriteRules) writes
// for n random policies from seed 5, those it does not refuse; half the
// policies are for simple requests only (no methods or headers), which
// a target that answers no preflight itself can be read back from
// exactly.
func WrittenTexts(w interface {
	WriteRules(portable.Policy, []string, *portable.Notes) (string, error)
}, n int) []string {
	r := rand.New(rand.NewSource(5))
	var out []string
	for i := range n {
		p := RandomPolicy(r)
		for j := range p.Rules {
			if i%2 == 0 {
				p.Rules[j].Methods, p.Rules[j].AllowHeaders = nil, nil
			}
		}
		if text, err := w.WriteRules(p, nil, &portable.Notes{}); err == nil {
			out = append(out, text)
		}
	}
	return out
}

// shortFetches is fetches, or a fifth of it (at least one) under -short:
// scripts/test runs the engine's tests again as js/wasm under Node with
// -short, where a verdict costs five to ten times its native CPU and
// these two checks were the most of the step's test time; every policy
// and text is still written and read there, and the native run asks the
// full count.
func shortFetches(fetches int) int {
	if testing.Short() {
		return max(1, fetches/5)
	}
	return fetches
}
