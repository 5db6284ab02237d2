// Package caddy_test checks engine/formats/caddy against Debian's caddy
// on loopback: one caddy process a run, one site block a generated
// Caddyfile (by Host), a tiny upstream the test runs for reverse_proxy,
// and every reply's status, Access-Control-* headers and Vary compared
// with the evaluator's answer to the same request.
package caddy_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/proxytest"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// site is one generated site block's body.
func site(r *rand.Rand, upstream int) string {
	var b strings.Builder
	allowed := r.Perm(3)[:1+r.Intn(2)]
	// the matcher of allowed origins
	re := false
	switch r.Intn(4) {
	case 3:
		// A regexp whose capture the header echoes ({re.NAME.0}, or
		// Caddy 2.6's {http.regexp.NAME.0}).
		re = true
		var alts []string
		for _, i := range allowed {
			alts = append(alts, regexp.QuoteMeta(proxytest.Origins[i]))
		}
		fmt.Fprintf(&b, "\t@cors header_regexp origin Origin ^(%s)$\n", strings.Join(alts, "|"))
	case 0:
		fmt.Fprintf(&b, "\t@cors header Origin %s\n", proxytest.Origins[allowed[0]])
	case 1:
		b.WriteString("\t@cors {\n")
		for _, i := range allowed {
			fmt.Fprintf(&b, "\t\theader Origin %s\n", proxytest.Origins[i])
		}
		b.WriteString("\t}\n")
	default:
		b.WriteString("\t@cors header Origin https://*\n")
	}
	acao := proxytest.Pick(r, "{header.Origin}", "{http.request.header.Origin}", proxytest.Origins[allowed[0]], "*")
	if re {
		acao = proxytest.Pick(r, "{re.origin.0}", "{http.regexp.origin.1}", "{header.Origin}")
	}
	cred := r.Intn(2) == 0
	matcher := proxytest.Pick(r, "@cors ", "@cors ", "", "/api/* ")
	switch r.Intn(4) {
	case 0:
		fmt.Fprintf(&b, "\theader %sAccess-Control-Allow-Origin %q\n", matcher, acao)
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "\theader %sVary Origin\n", matcher)
		}
	case 1:
		fmt.Fprintf(&b, "\theader %s{\n\t\tAccess-Control-Allow-Origin %q\n\t\t%sVary Origin\n", matcher, acao, proxytest.Pick(r, "", "+"))
		if r.Intn(2) == 0 {
			b.WriteString("\t\tdefer\n")
		}
		b.WriteString("\t}\n")
	case 2:
		fmt.Fprintf(&b, "\theader %s+Access-Control-Allow-Origin %q\n", matcher, acao)
	default:
		fmt.Fprintf(&b, "\theader %s{\n\t\t-Access-Control-Allow-Origin\n\t\t%s %q\n\t}\n", matcher,
			proxytest.Pick(r, "+Access-Control-Allow-Origin", "Access-Control-Allow-Origin"), acao)
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "\theader ?Vary Origin\n")
		}
	}
	// a second writer of the origin header: Caddy's order and deferral
	// decide which one the browser sees
	switch r.Intn(5) {
	case 0:
		b.WriteString("\theader ?Access-Control-Allow-Origin \"*\"\n")
	case 1:
		b.WriteString("\theader {\n\t\tdefer\n\t\tAccess-Control-Allow-Origin https://fallback.test\n\t}\n")
	case 2:
		b.WriteString("\theader Access-Control-Allow-Origin https://fallback.test\n")
	}
	if cred {
		fmt.Fprintf(&b, "\theader %sAccess-Control-Allow-Credentials true\n", proxytest.Pick(r, "@cors ", ""))
	}
	if r.Intn(3) == 0 {
		b.WriteString("\theader -Access-Control-Allow-Credentials\n")
	}
	pre := proxytest.Pick(r, "@preflight method OPTIONS\n", "@preflight {\n\t\tmethod OPTIONS\n\t\theader Access-Control-Request-Method *\n\t}\n")
	b.WriteString("\t" + pre)
	hdrs := fmt.Sprintf("Access-Control-Allow-Methods %q\n", proxytest.Pick(r, "GET, POST", "GET, POST, PUT, PATCH, DELETE", "*"))
	if r.Intn(2) == 0 {
		hdrs += "\t\tAccess-Control-Allow-Headers \"Content-Type, Authorization\"\n"
	}
	if r.Intn(2) == 0 {
		hdrs += "\t\tAccess-Control-Max-Age 600\n"
	}
	proxy := fmt.Sprintf("reverse_proxy 127.0.0.1:%d", upstream)
	switch r.Intn(4) {
	case 0:
		proxy += " {\n\t\theader_down -Access-Control-Allow-Origin\n\t}"
	case 1:
		proxy += " {\n\t\theader_down Access-Control-Allow-Credentials false\n\t\theader_down +Vary Accept\n\t}"
	}
	switch r.Intn(4) {
	case 0:
		fmt.Fprintf(&b, "\theader @preflight {\n\t\t%s\t}\n\trespond @preflight %s\n\t%s\n", hdrs, proxytest.Pick(r, "204", "200", "\"\" 204"), proxy)
	case 1:
		fmt.Fprintf(&b, "\thandle @preflight {\n\t\theader {\n\t\t%s\t\t}\n\t\trespond 204\n\t}\n\thandle {\n\t\t%s\n\t}\n", hdrs, proxy)
	case 2:
		// reverse_proxy written first: Caddy's order puts respond before it.
		fmt.Fprintf(&b, "\treverse_proxy /api/* 127.0.0.1:%d\n\trespond @preflight 204\n\theader @preflight {\n\t\t%s\t}\n", upstream, hdrs)
	default:
		fmt.Fprintf(&b, "\troute {\n\t\theader @preflight {\n\t\t%s\t\t}\n\t\t%s\n\t\trespond @preflight 204\n\t}\n", hdrs, proxy)
	}
	return b.String()
}

// corners are the documented corners engine/formats/caddy's tests name,
// run as sites of their own with cornerRequests.
var corners = []string{
	// deferred handlers apply innermost first: the earlier one wins
	"\theader @o {\n\t\tAccess-Control-Allow-Origin https://a.test\n\t\tdefer\n\t}\n\t@o header Origin *\n\theader {\n\t\tAccess-Control-Allow-Origin https://z.test\n\t\tdefer\n\t}\n\treverse_proxy {{up}}\n",
	// ?field only when absent
	"\theader ?Access-Control-Allow-Origin *\n\treverse_proxy {{up}}\n",
	// no handler writes: deferred headers never applied
	"\theader -Server\n\theader {\n\t\tAccess-Control-Allow-Origin *\n\t\tdefer\n\t}\n\theader Vary Origin\n",
	// handle groups
	"\t@p method OPTIONS\n\thandle @p {\n\t\theader Access-Control-Allow-Methods GET\n\t\trespond 204\n\t}\n\thandle {\n\t\treverse_proxy {{up}}\n\t}\n",
	// path matcher on a lower-cased path; immediate ACAO plus upstream's
	"\theader /api/* Access-Control-Allow-Origin *\n\treverse_proxy {{up}}\n",
	// header_down before the copy
	"\theader Access-Control-Allow-Origin https://a.test\n\treverse_proxy {{up}} {\n\t\theader_down -Access-Control-Allow-Origin\n\t}\n",
	// the snippet (snippet, defined at the top of the file) with the
	// requests' origin and with another: its {args.0} substituted
	"\timport cors https://q.test\n\treverse_proxy {{up}}\n",
	"\timport cors https://a.test\n\treverse_proxy {{up}}\n",
	// two handle blocks with equal matchers (names aside) are one route
	// to Caddy (httpcaddyfile consolidateRoutes): both run
	"\t@a header Origin *\n\t@b header Origin *\n\thandle @a {\n\t\theader Access-Control-Allow-Origin https://a.test\n\t}\n\thandle @b {\n\t\theader Access-Control-Allow-Credentials true\n\t}\n\treverse_proxy {{up}}\n",
	// replace with a regexp, and a delete by pattern
	"\treverse_proxy {{up}}\n\theader {\n\t\tAccess-Control-Allow-Origin \"^\\*$\" https://r.test\n\t\t-Access-Control-Allow-Cred*\n\t}\n",
}

// pathCorners are handle_path sites (a handle whose routes see the path
// without its prefix), asked pathRequests: each shows the path its
// routes saw in Access-Control-Expose-Headers ({path}), which the
// comparison reads.
var pathCorners = []string{
	"\thandle_path /api/* {\n\t\t@x path /x\n\t\theader @x Access-Control-Allow-Origin https://hp.test\n\t\theader Access-Control-Expose-Headers {path}\n\t\treverse_proxy {{up}}\n\t}\n\thandle {\n\t\theader Access-Control-Allow-Origin https://other.test\n\t\treverse_proxy {{up}}\n\t}\n",
	// the catch-all handle sorts after handle_path: one group
	"\thandle {\n\t\trespond 404\n\t}\n\thandle_path /api* {\n\t\theader Access-Control-Expose-Headers {path}\n\t\t@o method OPTIONS\n\t\trespond @o 204\n\t}\n\theader Access-Control-Allow-Origin *\n\treverse_proxy {{up}}\n",
	"\thandle_path /api/ {\n\t\theader Access-Control-Expose-Headers {path}\n\t}\n\treverse_proxy {{up}}\n",
}

var pathRequests = []string{"/api/x", "/API/x", "/api", "/api/", "/apix", "/other", "/api//x", "/api/./x/"}

// corsSnippet is the snippet the corners import.
const corsSnippet = "(cors) {\n\t@origin header Origin {args.0}\n\theader @origin {\n\t\tAccess-Control-Allow-Origin \"{args.0}\"\n\t\tVary Origin\n\t\tdefer\n\t}\n}\n"

var cornerRequests = []struct {
	req policy.Request
	up  string
}{
	{policy.Request{Method: "GET", URL: "/API/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}, "200 star"},
	{policy.Request{Method: "options", URL: "/api/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}, "404 echo"},
	{policy.Request{Method: "OPTIONS", URL: "/x", Header: headers.List{{Name: "Origin", Value: "https://q.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, "500 none"},
	{policy.Request{Method: "GET", URL: "/x"}, "404 echo"},
}

// request is one generated request.
func request(r *rand.Rand) (policy.Request, string) {
	req := policy.Request{Method: proxytest.Pick(r, proxytest.Methods...), URL: proxytest.Pick(r, "/api/items", "/other", "/API/x")}
	if r.Intn(6) != 0 {
		req.Header.Add("Origin", proxytest.Pick(r, proxytest.Origins...))
	}
	switch r.Intn(3) {
	case 0:
		req.Method = proxytest.Pick(r, "OPTIONS", "OPTIONS", "options")
		if r.Intn(4) != 0 {
			req.Header.Add("Access-Control-Request-Method", proxytest.Pick(r, proxytest.Methods...))
		}
	}
	return req, proxytest.Pick(r, proxytest.Ups...)
}

func TestDifferential(t *testing.T) {
	bin, err := exec.LookPath("caddy")
	if err != nil {
		proxytest.Missing(t, "no caddy found; apt-get install caddy")
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	proxytest.Recorded(t, "caddy", strings.Fields(string(out))[0])

	upstream := proxytest.Upstream(t)
	port := proxytest.FreePort(t)
	seed := proxytest.Seed(20261203)
	rnd := rand.New(rand.NewSource(seed))
	const configs = 70
	var file strings.Builder
	file.WriteString("{\n\tadmin off\n\tauto_https off\n}\n")
	// A snippet, as Caddy's documentation writes CORS (the corners
	// import it): Caddy 2.6 substitutes {args.N}.
	file.WriteString(corsSnippet)
	bodies := make([]string, configs, configs+len(corners))
	for i := range bodies {
		bodies[i] = site(rnd, upstream)
	}
	for _, c := range corners {
		bodies = append(bodies, strings.ReplaceAll(c, "{{up}}", "127.0.0.1:"+strconv.Itoa(upstream)))
	}
	// Written sites: convert --to caddy's text for seeded random neutral
	// policies, each before a reverse_proxy to the upstream.
	var written []proxytest.WrittenSite
	for i := 0; i < 50; i++ {
		w := proxytest.WrittenSite{Host: fmt.Sprintf("w%d.localhost:%d", i, port), Policy: proxytest.Portable(rnd)}
		w.Text = caddy.Write(w.Policy)
		for k := 0; k < 5; k++ {
			w.Fetches = append(w.Fetches, proxytest.RandomFetch(rnd))
		}
		fmt.Fprintf(&file, "http://%s {\n%s\treverse_proxy 127.0.0.1:%d\n}\n", w.Host, w.Text, upstream)
		written = append(written, w)
	}
	var cases []proxytest.Case
	for i, b := range bodies {
		fmt.Fprintf(&file, "http://c%d.localhost:%d {\n%s}\n", i, port, b)
		for k := 0; k < 4; k++ {
			c := proxytest.Case{Host: fmt.Sprintf("c%d.localhost:%d", i, port), Site: b}
			c.Req, c.Up = request(rnd)
			if i >= configs {
				c.Req, c.Up = cornerRequests[k].req, cornerRequests[k].up
				c.Req.Header = c.Req.Header.Clone()
			}
			cases = append(cases, c)
		}
	}
	for i, b := range pathCorners {
		b = strings.ReplaceAll(b, "{{up}}", "127.0.0.1:"+strconv.Itoa(upstream))
		host := fmt.Sprintf("p%d.localhost:%d", i, port)
		fmt.Fprintf(&file, "http://%s {\n%s}\n", host, b)
		for _, u := range pathRequests {
			cases = append(cases, proxytest.Case{Host: host, Site: b, Up: "200 none",
				Req: policy.Request{Method: "OPTIONS", URL: u, Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}})
			cases = append(cases, proxytest.Case{Host: host, Site: b, Up: "200 star",
				Req: policy.Request{Method: "GET", URL: u, Header: headers.List{{Name: "Origin", Value: "https://q.test"}}}})
		}
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(conf, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model, err := caddy.Parse(file.String())
	if err != nil {
		t.Fatalf("the reader rejects the generated Caddyfile: %v", err)
	}
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	proxytest.Serve(t, cmd, port, os.Kill)
	t.Logf("%d sites (%d of them corners), seed %d", len(bodies), len(corners), seed)
	proxytest.Run(t, port, model, cases)
	t.Run("written", func(t *testing.T) { proxytest.RunWritten(t, port, written) })
}
