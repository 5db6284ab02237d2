package chromium

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/whycors/whycors/engine/explain"
)

// The random mix: RandomCases exchanges drawn with RandomSeed (see Generate).
const (
	RandomCases = 180
	RandomSeed  = 20260703
)

// Case is one exchange of the corpus: a scenario with a stable id (the
// subtest name, so `go test -run 'TestChromium/<id>'` runs one) and a
// description. Catalog names the entry of shared/reference/browser-cors.md
// "Catalog" the case exercises, when there is one.
type Case struct {
	ID       string           `json:"id"`
	Desc     string           `json:"desc"`
	Catalog  string           `json:"catalog,omitempty"`
	Scenario explain.Scenario `json:"scenario"`
}

// LoadCorpus reads a corpus file (a JSON array of Case).
func LoadCorpus(path string) ([]Case, error) { return LoadRecords[Case](path) }

// LoadRecords reads a JSON array of T: a corpus, or a harness's recording
// (testdata/observed-chromium.json, e2e/firefox's
// testdata/observed-firefox.json), whose record type each harness defines.
func LoadRecords[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rs []T
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

// Effective returns the scenario the browser runs: the URL's path gets the
// exchange prefix /t/<id>, so that no preflight cache entry of another
// exchange can answer for it (the cache is keyed by URL, Fetch §4.9) and
// every server request and console line can be told apart; so does each
// later fetch's URL of a session (scenario "then") and each route's URL (a redirect target, on any *.test host); "{t}" in reply
// header values (a Location) becomes the same prefix.
func Effective(c Case) (explain.Scenario, string, error) {
	s := c.Scenario
	u, err := url.Parse(s.Request.URL)
	if err != nil {
		return s, "", err
	}
	prefix := "/t/" + c.ID
	u.Path = prefix + u.Path
	if u.RawPath != "" {
		u.RawPath = prefix + u.RawPath
	}
	s.Request.URL = u.String()
	// A later fetch of a session runs under the same prefix: it meets the
	// preflight cache entries of the session's earlier fetches (the same
	// URL), and no other exchange's.
	if s.Then != nil {
		then := make([]explain.Later, len(s.Then))
		for i, l := range s.Then {
			lu, err := url.Parse(l.Request.URL)
			if err != nil {
				return s, "", err
			}
			lu.Path = prefix + lu.Path
			if lu.RawPath != "" {
				lu.RawPath = prefix + lu.RawPath
			}
			then[i] = l
			then[i].Request.URL = lu.String()
		}
		s.Then = then
	}
	fix := func(r *explain.Reply) *explain.Reply {
		if r == nil {
			return nil
		}
		out := *r
		out.Header = r.Header.Clone()
		for i := range out.Header {
			out.Header[i].Value = strings.ReplaceAll(out.Header[i].Value, "{t}", prefix)
		}
		return &out
	}
	s.Preflight = fix(s.Preflight)
	s.Response = fix(s.Response)
	if s.Routes != nil {
		routes := make([]explain.Route, len(s.Routes))
		for i, r := range s.Routes {
			ru, err := url.Parse(r.URL)
			if err != nil {
				return s, "", err
			}
			ru.Path = prefix + ru.Path
			if ru.RawPath != "" {
				ru.RawPath = prefix + ru.RawPath
			}
			routes[i] = explain.Route{URL: ru.String(), Preflight: fix(r.Preflight), Response: fix(r.Response)}
		}
		s.Routes = routes
	}
	return s, u.Path, nil
}

func validID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// The domains whose hosts the harnesses place in an IP address space
// other than loopback, for Local Network Access (scenario "network"):
// Chromium is told that the ports they reach are public and local. Every
// other *.test host is on loopback, as 127.0.0.1 is.
const (
	PublicDomain = "pub.test"
	LocalDomain  = "lan.test"
)

// AddressSpace is the IP address space the harness puts host in.
func AddressSpace(host string) string {
	switch {
	case strings.HasSuffix(host, "."+PublicDomain):
		return "public"
	case strings.HasSuffix(host, "."+LocalDomain), strings.HasSuffix(host, ".local"):
		// A .local name (mDNS) is also what Local Network Access's
		// mixed-content exemption looks for.
		return "local"
	}
	return "loopback"
}

// ChromiumOnly says why a case can run only in the Chromium harness, or
// "": a scenario with a network needs its pages placed in IP address
// spaces (--ip-address-space-overrides) and served over https, which
// the Firefox and WebKit harnesses, whose one proxy answers every host
// on loopback over http, cannot do.
func ChromiumOnly(c Case) string {
	if c.Scenario.Network != nil {
		return "Local Network Access: the page and target in IP address spaces, over https"
	}
	return ""
}

// CheckNetwork reports a case whose network disagrees with the address
// spaces its hosts are placed in (AddressSpace): the page's origin and
// the request's URL, defaults filled in as explain fills them (public,
// public).
func CheckNetwork(c Case) error {
	n := c.Scenario.Network
	if n == nil {
		return nil
	}
	page, target := n.Page, n.Target
	if page == "" {
		page = "public"
	}
	if target == "" {
		target = "public"
	}
	o, err := url.Parse(c.Scenario.Request.Origin)
	if err != nil {
		return err
	}
	u, err := url.Parse(c.Scenario.Request.URL)
	if err != nil {
		return err
	}
	if got := AddressSpace(o.Hostname()); got != page {
		return fmt.Errorf("network.page is %s but the harness puts %s in %s", page, o.Hostname(), got)
	}
	if got := AddressSpace(u.Hostname()); got != target {
		return fmt.Errorf("network.target is %s but the harness puts %s in %s", target, u.Hostname(), got)
	}
	return nil
}

// WithoutChromiumOnly is cs without the cases only the Chromium harness
// can run (ChromiumOnly), and how many it left out, for the Firefox and
// WebKit harnesses.
func WithoutChromiumOnly(cs []Case) (keep []Case, left int) {
	for _, c := range cs {
		if ChromiumOnly(c) == "" {
			keep = append(keep, c)
		}
	}
	return keep, len(cs) - len(keep)
}
