package gomw_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/policy"
)

// field is one generated option: its Go field name and value ([]string,
// bool, int, or a goExpr written as is).
type field struct {
	name string
	val  any
}

// goExpr is Go source for a value the generator writes verbatim
// (12 * time.Hour, a function literal).
type goExpr struct {
	src string
	val any
}

func render(v any) string {
	switch x := v.(type) {
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = strconv.Quote(s)
		}
		return "[]string{" + strings.Join(q, ", ") + "}"
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case goExpr:
		return x.src
	}
	panic(fmt.Sprintf("render %T", v))
}

// source renders fields as a Go file that configures the middleware with
// call(typ{...}), imports listed.
func source(imports []string, call, typ string, fs []field) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, im := range imports {
		b.WriteString("\t" + strconv.Quote(im) + "\n")
	}
	b.WriteString(")\n\nfunc setup() {\n\t_ = " + call + "(" + typ + "{\n")
	for _, f := range fs {
		b.WriteString("\t\t" + f.name + ": " + render(f.val) + ",\n")
	}
	b.WriteString("\t})\n}\n")
	return b.String()
}

// assignments renders fields as a Go file that starts the options from
// base() and assigns each field, as gin-contrib/cors's README does.
func assignments(imports []string, call, base string, fs []field) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, im := range imports {
		b.WriteString("\t" + strconv.Quote(im) + "\n")
	}
	b.WriteString(")\n\nfunc setup() {\n\tconfig := " + base + "()\n")
	for _, f := range fs {
		if !strings.HasPrefix(f.name, "@") {
			b.WriteString("\tconfig." + f.name + " = " + render(f.val) + "\n")
		}
	}
	b.WriteString("\t_ = " + call + "(config)\n}\n")
	return b.String()
}

// pick returns one of xs.
func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// some returns a random subset of xs (each with probability 1/2), in a
// shuffled order, possibly with a duplicate.
func some(r *rand.Rand, xs []string) []string {
	var out []string
	for _, x := range xs {
		if r.IntN(2) == 0 {
			out = append(out, x)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > 0 && r.IntN(8) == 0 {
		out = append(out, out[0])
	}
	return out
}

var (
	originPool = []string{"https://app.example.com", "https://App.Example.com", "https://a.example.com", "https://b.a.example.com", "https://example.com", "http://app.example.com", "https://evil.com", "https://app.example.com:8443", "null", "https://api.test", "http://api.test"}
	methodPool = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "get", "put", "Patch", "HEAD"}
	headerPool = []string{"content-type", "x-api-key", "authorization", "x-requested-with", "accept", "X-Api-Key", "Content-Type", "x-b", "x-a"}
)

// request is a generated request: a preflight or not, an Origin or not.
func request(r *rand.Rand) policy.Request {
	req := policy.Request{URL: "http://api.test/items/1"}
	if r.IntN(5) < 3 {
		req.Method = pick(r, "OPTIONS", "OPTIONS", "OPTIONS", "options")
		if r.IntN(6) > 0 {
			req.Header.Add("Access-Control-Request-Method", pick(r, methodPool...))
		}
		switch r.IntN(4) {
		case 0:
			// the default lists' names, lower-case and sorted, a name
			// twice at times
			req.Header.Add("Access-Control-Request-Headers", pick(r, "accept,content-type", "content-type", "content-type,content-type", "accept, content-type,x-requested-with", "content-type,accept", "origin"))
		case 1, 2:
			hs := some(r, headerPool)
			if r.IntN(2) == 0 {
				sort.Strings(hs)
			}
			sep := pick(r, ",", ", ", " , ", ",  ")
			req.Header.Add("Access-Control-Request-Headers", strings.Join(hs, sep))
			if r.IntN(10) == 0 {
				req.Header.Add("Access-Control-Request-Headers", pick(r, headerPool...))
			}
		}
		if r.IntN(6) == 0 {
			req.Header.Add("Access-Control-Request-Private-Network", "true")
		}
	} else {
		req.Method = pick(r, methodPool...)
	}
	if r.IntN(8) > 0 {
		req.Header.Add("Origin", pick(r, originPool...))
	}
	return req
}

// appReply is what the application answers: 200 or 500, sometimes with
// a Vary of its own.
func appReply(r *rand.Rand) policy.Reply {
	a := policy.Reply{Status: pick(r, 200, 200, 500)}
	a.Header.Add("X-App", "1")
	if r.IntN(6) == 0 {
		a.Header.Add("Vary", "Accept-Encoding")
	}
	return a
}

// appHandler answers as a: each header set by name, then the status.
func appHandler(a policy.Reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		seen := map[string]bool{}
		for _, f := range a.Header {
			k := http.CanonicalHeaderKey(f.Name)
			if !seen[k] {
				w.Header().Del(k)
				seen[k] = true
			}
			w.Header().Add(k, f.Value)
		}
		w.WriteHeader(a.Status)
	})
}

// serve runs req through h in process.
func serve(h http.Handler, req policy.Request) *httptest.ResponseRecorder {
	hr := httptest.NewRequest(req.Method, req.URL, nil)
	for _, f := range req.Header {
		hr.Header.Add(f.Name, f.Value)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, hr)
	return w
}

// compared are the headers compared besides every Access-Control-* one.
var compared = []string{"Vary", "X-App"}

// diff compares the real reply with the format's, status and headers.
func diff(real *httptest.ResponseRecorder, got policy.Reply) string {
	var out []string
	if real.Code != got.Status {
		out = append(out, fmt.Sprintf("status: real %d, ours %d", real.Code, got.Status))
	}
	names := append([]string(nil), compared...)
	for k := range real.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			names = append(names, k)
		}
	}
	for _, f := range got.Header {
		if strings.HasPrefix(http.CanonicalHeaderKey(f.Name), "Access-Control-") {
			names = append(names, http.CanonicalHeaderKey(f.Name))
		}
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		rv, gv := real.Header()[n], got.Header.Values(n)
		if !slices.Equal(rv, gv) {
			out = append(out, fmt.Sprintf("%s: real %q, ours %q", n, rv, gv))
		}
	}
	return strings.Join(out, "; ")
}

func reqString(req policy.Request) string {
	var b strings.Builder
	b.WriteString(req.Method + " " + req.URL)
	for _, f := range req.Header {
		b.WriteString("\n  " + f.Name + ": " + f.Value)
	}
	return b.String()
}

// library is one middleware under test.
type library struct {
	format policy.Format
	// options generates a configuration; build makes the real middleware
	// from it around the application (nil when the library refuses it,
	// as gin-contrib/cors panics on a conflict).
	options func(r *rand.Rand) []field
	src     func(fs []field) string
	build   func(fs []field, app http.Handler) (http.Handler, error)
}

const (
	configs  = 100 // configurations a library
	requests = 12  // requests a configuration
)

// run is the differential test of one library: configs × requests cases,
// seeded, in at most a few seconds.
func run(t *testing.T, lib library) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WHYCORS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (WHYCORS_SEED=%d to repeat)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 18))
	cases, refused, fails, allowed := 0, 0, 0, 0
	for i := 0; cases < configs*requests && i < 4*configs; i++ {
		fs := lib.options(r)
		text := lib.src(fs)
		ev, perr := lib.format.Parse(text)
		for range requests {
			req, app := request(r), appReply(r)
			h, berr := lib.build(fs, appHandler(app))
			if berr != nil || perr != nil {
				if (berr == nil) != (perr == nil) {
					t.Errorf("library refuses: %v; format refuses: %v\n%s", berr, perr, text)
					fails++
				}
				refused++
				break
			}
			cases++
			real := serve(h, req)
			if real.Header().Get("Access-Control-Allow-Origin") != "" {
				allowed++
			}
			got := ev.Respond(req, app)
			if d := diff(real, got.Reply); d != "" {
				fails++
				t.Errorf("%s\n%s\n%s", d, text, reqString(req))
			}
			if fails > 5 {
				t.Fatal("too many differences")
			}
		}
	}
	t.Logf("%d cases agree, %d of them with Access-Control-Allow-Origin (%d configurations refused by both)", cases, allowed, refused)
	if cases < 200 {
		t.Errorf("only %d cases", cases)
	}
}

// setFields sets each generated field of the options struct *opts by
// name (a goExpr's value is the typed one: a time.Duration, a func).
func setFields(opts any, fs []field) {
	v := reflect.ValueOf(opts).Elem()
	for _, f := range fs {
		if strings.HasPrefix(f.name, "@") {
			continue // a mark for the generator's source, not a field
		}
		val := f.val
		if g, ok := val.(goExpr); ok {
			val = g.val
		}
		v.FieldByName(f.name).Set(reflect.ValueOf(val))
	}
}

// lists generates the fields every library has, under its own names
// (origins, methods, headers, exposed, credentials), from pools.
func lists(r *rand.Rand, names [5]string, origins []string) []field {
	var fs []field
	if r.IntN(5) > 0 {
		fs = append(fs, field{names[0], some(r, origins)})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{names[1], some(r, methodPool)})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{names[2], some(r, append([]string{"*", "x_b", " x-a "}, headerPool...))})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{names[3], some(r, []string{"x-total", "ETag", "x-a"})})
	}
	if r.IntN(2) == 0 {
		fs = append(fs, field{names[4], r.IntN(2) == 0})
	}
	return fs
}

// originFunc is a generated origin function that returns a constant,
// with its Go source; fn makes the library's function type from it.
func originFunc(r *rand.Rand, name, sig, ret string, fn func(bool) any) field {
	b := r.IntN(2) == 0
	return field{name, goExpr{fmt.Sprintf("func%s { return %v%s }", sig, b, ret), fn(b)}}
}
