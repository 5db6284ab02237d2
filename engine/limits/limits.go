// Package limits names the bounds of every input the engine and its
// shells take, in one place, so that the command line, the simulator page,
// its wasm and the edge worker refuse the same inputs with the same
// numbers. The README lists them. Each reader checks its own bound again
// (an engine function never trusts its caller to have checked).
package limits

const (
	// Scenario is the most bytes of scenario JSON explain.Decode reads:
	// `whycors explain`, the page's wasm and the worker's explain endpoint.
	// A scenario holds its policy text as a JSON string, where a newline
	// or a quote takes two bytes: twice PolicyText, and room for the
	// rest, so that a policy of PolicyText bytes always fits.
	Scenario = 2*PolicyText + 64<<10

	// PolicyText is the most bytes of one configuration text any format
	// reads, and what convert, fix, lint and the worker take. The largest
	// platform document is far smaller (S3 accepts 64 KB,
	// cloud-policies.md §1.2).
	PolicyText = 1 << 20

	// HAR is the most bytes of a HAR file the engine reads
	// (`whycors explain FILE.har`). DevTools' exports of a whole session,
	// bodies included, run to tens of megabytes.
	HAR = 50 << 20

	// PageHAR is the most bytes of a HAR file the simulator page hands to
	// its wasm: the page holds the text, its UTF-16 copy and the parsed
	// tree at once, on a phone too.
	PageHAR = 8 << 20

	// PolicyFiles is the most files of one configuration ("policy.files":
	// a template, its parameters files, a Terraform module's .tf and
	// .tfvars files); Scenario bounds their texts together.
	PolicyFiles = 32

	// Routes is the most entries of a scenario's "routes" (the replies
	// of redirect targets). One fetch reaches at most 21 URLs (the request's
	// and 20 redirects, https://fetch.spec.whatwg.org/#http-redirect-fetch
	// step 5), and later fetches of a session may reach others; 64 leaves
	// room for both while each request's lookup stays a short scan.
	Routes = 64

	// Then is the most later fetches of a scenario's session ("then").
	// Each runs the whole browser model again (in every browser the
	// verdict compares), so the bound keeps a session's cost at a few
	// times a single fetch's.
	Then = 16

	// AfterSeconds is the longest wait a later fetch of a session may
	// state ("after_seconds"): a day, longer than any engine keeps a
	// preflight (Firefox's cap, 86400 s, is the longest).
	AfterSeconds = 86400

	// CDNKeyHeaders is the most request headers a scenario's CDN may
	// key its cache by ("cdn.key_headers"): each lookup compares them
	// all, so the bound keeps it a short scan.
	CDNKeyHeaders = 16

	// Link is the longest share link the page makes: Chromium's URL cap
	// (url::kMaxURLChars, 2 MiB); a longer link would not open.
	Link = 2 << 20
)

// JSON is the limits as one JSON object, for the simulator page, which
// checks a HAR file's size and a link's length before it hands them to
// the engine. It is written out (TestJSON keeps it equal to the
// constants) so the page's first wasm needs no code to build it.
const JSON = `{"scenario":2162688,"policy_text":1048576,"har":52428800,"page_har":8388608,"link":2097152}`
