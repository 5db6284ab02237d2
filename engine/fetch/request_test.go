package fetch_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

func profile(t testing.TB, name string) *fetch.Profile {
	t.Helper()
	p, ok := fetch.Lookup(name)
	if !ok {
		t.Fatalf("no profile %q", name)
	}
	return p
}

func TestNormalizeMethod(t *testing.T) {
	tests := []struct{ desc, in, want, source string }{
		{desc: "lowercase put uppercased", in: "put", want: "PUT", source: "Fetch normalize (browser-cors.md §1.1)"},
		{desc: "mixed delete", in: "dElEtE", want: "DELETE", source: "Fetch normalize"},
		{desc: "patch stays lowercase", in: "patch", want: "patch", source: "Fetch §1.1: PATCH is NOT normalized"},
		{desc: "unknown method kept", in: "Purge", want: "Purge", source: "Fetch normalize"},
	}
	for _, tc := range tests {
		if got := fetch.NormalizeMethod(tc.in); got != tc.want {
			t.Errorf("%s: NormalizeMethod(%q) = %q, want %q (%s)", tc.desc, tc.in, got, tc.want, tc.source)
		}
	}
}

func TestSafelistedRequestHeader(t *testing.T) {
	long := strings.Repeat("a", 129)
	tests := []struct {
		desc, name, value, source string
		spec, chrome              bool
	}{
		{desc: "accept any MIME", name: "Accept", value: "application/json", spec: true, chrome: true, source: "Fetch §1.2 accept branch"},
		{desc: "accept with quote", name: "Accept", value: "\"", source: "WPT not-cors-safelisted.json accept:\""},
		{desc: "accept 129 bytes", name: "Accept", value: long, source: "Fetch §1.2: value > 128 bytes"},
		{desc: "accept-language fr", name: "Accept-Language", value: "fr", spec: true, chrome: true, source: "WPT cors-no-preflight"},
		{desc: "content-language with @", name: "Content-Language", value: "@", source: "WPT not-cors-safelisted.json"},
		{desc: "content-type text/plain", name: "Content-Type", value: "text/plain", spec: true, chrome: true, source: "Fetch §1.2"},
		{desc: "content-type case-insensitive essence", name: "Content-Type", value: "Text/Plain;charset=utf-8", spec: true, chrome: true, source: "WPT cors-no-preflight (§1.2)"},
		{desc: "content-type text/plain;", name: "Content-Type", value: "text/plain;", spec: true, chrome: true, source: "WPT cors-safelisted-request-header: no preflight"},
		{desc: "content-type multipart", name: "Content-Type", value: "multipart/form-data", spec: true, chrome: true, source: "WPT cors-safelisted-request-header: no preflight"},
		{desc: "content-type application/json", name: "Content-Type", value: "application/json", source: "Fetch §1.2: essence not one of three"},
		{desc: "content-type space before slash", name: "Content-Type", value: "text /plain", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type tab around slash", name: "Content-Type", value: "text\t/\tplain", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type trailing comma", name: "Content-Type", value: "text/plain,", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type two types", name: "Content-Type", value: "text/plain,text/plain", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type vertical tab", name: "Content-Type", value: "text/plain\v", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type wrong urlencoded", name: "Content-Type", value: "application/www-form-urlencoded", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type DEL byte", name: "Content-Type", value: "application/x-www-form-urlencoded;\x7f", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "content-type quote", name: "Content-Type", value: "multipart/form-data;\"", source: "WPT cors-safelisted-request-header: preflight"},
		{desc: "range bytes=100-200", name: "Range", value: "bytes=100-200", spec: true, chrome: true, source: "WPT cors-safelisted-request-header: range no preflight"},
		{desc: "range open end", name: "Range", value: "bytes=200-", spec: true, chrome: true, source: "WPT cors-safelisted-request-header"},
		{desc: "range suffix", name: "Range", value: "bytes=-200", source: "Fetch §1.2: start must be present"},
		{desc: "range reversed", name: "Range", value: "bytes=200-100", source: "WPT: start > end preflights"},
		{desc: "range multi", name: "Range", value: "bytes=0-1,2-3", source: "WPT: multi-range preflights"},
		{desc: "range with space", name: "Range", value: "bytes= 0-1", source: "WPT: any whitespace preflights"},
		{desc: "DPR client hint", name: "DPR", value: "2", chrome: true, source: "browser-cors.md §1.2: Chromium safelists dpr; spec does not"},
		{desc: "Width client hint non-digit", name: "Width", value: "2.5", source: "§1.2: width is 1*DIGIT in Chromium"},
		{desc: "Save-Data on", name: "Save-Data", value: "on", chrome: true, source: "§1.2: save-data value on"},
		{desc: "custom header", name: "X-Custom", value: "1", source: "Fetch §1.2: anything else false"},
		{desc: "authorization", name: "Authorization", value: "Bearer x", source: "WPT not-cors-safelisted.json authorization"},
	}
	spec, chrome := profile(t, "spec"), profile(t, "chrome")
	for _, tc := range tests {
		if got := spec.SafelistedRequestHeader(tc.name, tc.value); got != tc.spec {
			t.Errorf("%s: spec safelisted(%q, %q) = %v, want %v (%s)", tc.desc, tc.name, tc.value, got, tc.spec, tc.source)
		}
		if got := chrome.SafelistedRequestHeader(tc.name, tc.value); got != tc.chrome {
			t.Errorf("%s: chrome safelisted(%q, %q) = %v, want %v (%s)", tc.desc, tc.name, tc.value, got, tc.chrome, tc.source)
		}
	}
}

func TestUnsafeNames(t *testing.T) {
	big := strings.Repeat("a", 128)
	tests := []struct {
		desc   string
		h      headers.List
		want   string
		source string
	}{
		{desc: "lowercased sorted no spaces", h: hl("X-Z", "1", "Content-Type", "application/json", "X-A", "2"),
			want: "content-type,x-a,x-z", source: "observed Chromium 156 preflight ACRH content-type,x-a,x-z; Fetch §1.2"},
		{desc: "deduplicated", h: hl("X-A", "1", "x-a", "2"), want: "x-a", source: "Fetch CORS-unsafe request-header names: set"},
		{desc: "safelisted only", h: hl("Accept", "*/*", "Content-Language", "fr"), want: "", source: "WPT cors-no-preflight"},
		{desc: "safelisted total over 1024", h: hl("Accept", big, "Accept-Language", big, "Content-Language", big, "Content-Type", "text/plain;"+strings.Repeat("a", 100), "Accept", big, "Accept", big, "Accept", big, "Accept", big, "Accept", big),
			want: "accept,accept-language,content-language,content-type", source: "Fetch §1.2: sum > 1024 adds all safelisted names"},
	}
	p := profile(t, "spec")
	for _, tc := range tests {
		if got := strings.Join(p.UnsafeNames(tc.h), ","); got != tc.want {
			t.Errorf("%s: UnsafeNames = %q, want %q (%s)", tc.desc, got, tc.want, tc.source)
		}
	}
}

func TestNewRequestTypeErrors(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		desc, url string
		init      fetch.Init
		reason    string
		chrome    string
		source    string
	}{
		{desc: "forbidden method", url: "http://api.test/", init: fetch.Init{Method: "TRACE"}, reason: fetch.ReasonForbiddenMethod,
			chrome: "TypeError: Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported.", source: "observed Chromium 156"},
		{desc: "invalid method", url: "http://api.test/", init: fetch.Init{Method: "a b"}, reason: fetch.ReasonInvalidMethod,
			chrome: "TypeError: Failed to execute 'fetch' on 'Window': 'a b' is not a valid HTTP method.", source: "observed Chromium 156"},
		{desc: "no-cors PUT", url: "http://api.test/", init: fetch.Init{Method: "PUT", Mode: "no-cors"}, reason: fetch.ReasonNoCorsMethod,
			chrome: "TypeError: Failed to execute 'fetch' on 'Window': 'PUT' is unsupported in no-cors mode.", source: "browser-cors.md side by side; observed Chromium 156"},
		{desc: "URL with credentials", url: "http://u:p@api.test/c", init: fetch.Init{}, reason: fetch.ReasonURLCredentials,
			chrome: "TypeError: Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: http://u:p@api.test/c", source: "observed Chromium 156"},
		{desc: "GET with body", url: "http://api.test/", init: fetch.Init{Body: s("x")}, reason: fetch.ReasonBodyWithGetHead,
			chrome: "TypeError: Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have body.", source: "observed Chromium 156"},
	}
	p := profile(t, "chrome")
	for _, tc := range tests {
		_, f, err := p.NewRequest("http://app.test", tc.url, tc.init)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if f == nil || f.Reason != tc.reason {
			t.Errorf("%s: failure %+v, want reason %s", tc.desc, f, tc.reason)
			continue
		}
		if got := p.Exception(f); got != tc.chrome {
			t.Errorf("%s: exception\n got %q\nwant %q (%s)", tc.desc, got, tc.chrome, tc.source)
		}
		if c := p.Console(f); len(c) != 0 {
			t.Errorf("%s: console %q, want none (a synchronous TypeError prints nothing, browser-cors.md side by side)", tc.desc, c)
		}
	}
}

func TestNewRequestHeaders(t *testing.T) {
	p := profile(t, "chrome")
	r, f, err := p.NewRequest("http://app.test", "http://api.test/", fetch.Init{Headers: hl("Cookie", "a=b", "X-HTTP-Method-Override", "TRACE", "Sec-Foo", "1", "Proxy-X", "1", "X-Ok", " v ")})
	if err != nil || f != nil {
		t.Fatal(err, f)
	}
	// Fetch §1.3: forbidden request-headers are dropped silently; values
	// are trimmed of HTTP whitespace (Fetch §1.2 "normalized").
	if got := len(r.Dropped); got != 4 {
		t.Errorf("dropped %d headers, want 4 (Cookie, X-HTTP-Method-Override: TRACE, Sec-*, Proxy-*; browser-cors.md §1.3)", got)
	}
	if v, _ := r.Header.Get("X-Ok"); v != "v" || len(r.Header) != 1 {
		t.Errorf("kept %v, want only X-Ok: v", r.Header)
	}

	r, _, _ = p.NewRequest("http://app.test", "http://api.test/", fetch.Init{Mode: "no-cors", Headers: hl("X-Custom", "1", "Accept", "a/b", "Range", "bytes=0-1")})
	// Observed Chromium 156: a no-cors fetch with X-Custom and Accept: a/b
	// sent Accept: a/b only; Range is a privileged no-CORS name (Fetch §1.4).
	if len(r.Header) != 1 || r.Header[0].Name != "Accept" {
		t.Errorf("no-cors kept %v, want only Accept", r.Header)
	}
}

func TestBodyContentType(t *testing.T) {
	s := "{}"
	tests := []struct {
		desc      string
		init      fetch.Init
		want      string
		preflight bool
		source    string
	}{
		{desc: "string body", init: fetch.Init{Method: "POST", Body: &s}, want: "text/plain;charset=UTF-8", source: "observed Chromium 156: Content-Type: text/plain;charset=UTF-8; Fetch extract a body"},
		{desc: "blob json", init: fetch.Init{Method: "POST", BodyType: "blob:application/json"}, want: "application/json", preflight: true, source: "browser-cors.md §1.2 (Blob of type application/json => preflight); observed Chromium 156 preflighted"},
		{desc: "urlsearchparams", init: fetch.Init{Method: "POST", BodyType: "urlsearchparams"}, want: "application/x-www-form-urlencoded;charset=UTF-8", source: "Fetch extract a body"},
		{desc: "author Content-Type wins", init: fetch.Init{Method: "POST", Body: &s, Headers: hl("Content-Type", "application/json")}, want: "application/json", preflight: true, source: "Fetch Request constructor: only if no Content-Type"},
		{desc: "stream sets use-CORS-preflight", init: fetch.Init{Method: "POST", BodyType: "stream"}, want: "", preflight: true, source: "Fetch §1.4: ReadableStream sets the use-CORS-preflight flag"},
	}
	p := profile(t, "spec")
	for _, tc := range tests {
		r, f, err := p.NewRequest("http://app.test", "http://api.test/", tc.init)
		if err != nil || f != nil {
			t.Fatalf("%s: %v %v", tc.desc, err, f)
		}
		got, _ := r.Header.Get("Content-Type")
		if got != tc.want {
			t.Errorf("%s: Content-Type %q, want %q (%s)", tc.desc, got, tc.want, tc.source)
		}
		if need, _ := p.NeedsPreflight(r); need != tc.preflight {
			t.Errorf("%s: preflight %v, want %v (%s)", tc.desc, need, tc.preflight, tc.source)
		}
	}
}

func TestInputErrors(t *testing.T) {
	p := profile(t, "spec")
	_, _, err := p.NewRequest("http://app.test", "http://api.test/", fetch.Init{Mode: "cros", Credentials: "yes"})
	if err == nil || !strings.Contains(err.Error(), "mode") || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("err = %v, want both the mode and the credentials fault (every fault is listed)", err)
	}
	if _, _, err := p.NewRequest("app.test", "http://api.test/", fetch.Init{}); err == nil {
		t.Error("an origin without a scheme must be an input error")
	}
}

// hl builds a header list from name, value pairs.
func hl(kv ...string) headers.List {
	var l headers.List
	for i := 0; i+1 < len(kv); i += 2 {
		l = append(l, headers.Field{Name: kv[i], Value: kv[i+1]})
	}
	return l
}

// Where engines compute Access-Control-Request-Headers differently from the
// standard's header list, for repeated header lines.
func TestUnsafeNamesRepeatedLines(t *testing.T) {
	tests := []struct {
		desc, browser string
		h             headers.List
		want          string
		source        string
	}{
		{desc: "the standard judges each line: two safelisted Content-Type lines stay safelisted", browser: "spec",
			h: hl("Authorization", "t", "Content-Type", "text/plain", "Content-Type", "text/plain"), want: "authorization",
			source: "Fetch #cors-unsafe-request-header-names iterates the header list"},
		{desc: "Firefox judges each line too", browser: "firefox",
			h: hl("Authorization", "t", "Content-Type", "application/x-www-form-urlencoded", "Content-Type", "application/x-www-form-urlencoded"), want: "authorization",
			source: "e2e/firefox/testdata/observed-firefox.json rnd-140"},
		{desc: "Chromium judges the combined value, which is no MIME type", browser: "chrome",
			h: hl("Authorization", "t", "Content-Type", "application/x-www-form-urlencoded", "Content-Type", "application/x-www-form-urlencoded"), want: "authorization,content-type",
			source: "e2e/chromium/testdata/observed-chromium.json rnd-140"},
		{desc: "Chromium: DPR twice is \"2, 2\", no client-hint value", browser: "chrome",
			h: hl("DPR", "2", "DPR", "2", "Range", "bytes=-10"), want: "dpr,range",
			source: "e2e/chromium/testdata/observed-chromium.json rnd-112"},
		{desc: "Chromium: one DPR line is a safelisted client hint", browser: "chrome",
			h: hl("DPR", "2", "Range", "bytes=-10"), want: "range",
			source: "e2e/chromium recording rnd-014"},
		{desc: "Firefox lists a name once per line", browser: "firefox",
			h: hl("DPR", "2", "DPR", "2", "Range", "bytes=-10"), want: "dpr,dpr,range",
			source: "e2e/firefox/testdata/observed-firefox.json rnd-112"},
	}
	for _, tc := range tests {
		p := profile(t, tc.browser)
		if got := strings.Join(p.UnsafeNames(tc.h), ","); got != tc.want {
			t.Errorf("%s: UnsafeNames = %q, want %q (%s)", tc.desc, got, tc.want, tc.source)
		}
	}
}
