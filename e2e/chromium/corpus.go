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
