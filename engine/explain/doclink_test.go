package explain

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The specs below are the sources steps carry today (each format's and
// evaluator's Doc or Source), so that a change to one shows here.
var readerDocCases = []struct {
	desc, spec, want, source string
}{
	{desc: "a link stays", spec: "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0", want: "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0",
		source: "Step.Spec: a link to the section the step rests on"},
	{desc: "S3's notes: S3's documentation", spec: "shared/reference/cloud-policies.md §1.3 (S3 evaluation, recorded against AWS)",
		want: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html", source: "site/words.mjs docLink: \\bS3\\b"},
	{desc: "R2 read as S3", spec: "shared/reference/cloud-policies.md §2 (R2; rule selection and headers [UNVERIFIED], taken as S3's §1.3)",
		want: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html", source: "site/words.mjs docLink: the first platform named"},
	{desc: "GCS", spec: "shared/reference/cloud-policies.md §3 (GCS: first entry matching Origin and Method)",
		want: "https://cloud.google.com/storage/docs/cross-origin", source: "site/words.mjs docLink"},
	{desc: "Azure", spec: "shared/reference/cloud-policies.md §4 (Azure: first rule matching origin and method, no fall-through)",
		want: "https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services", source: "site/words.mjs docLink"},
	{desc: "API Gateway's REST API", spec: "shared/reference/cloud-policies.md §5.2 (REST API Enable CORS, how-to-cors-console.md)",
		want: "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html", source: "site/words.mjs docLink: REST API"},
	{desc: "API Gateway's HTTP API", spec: "shared/reference/cloud-policies.md §5.1 (HTTP API CORS, http-api-cors.html)",
		want: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html", source: "site/words.mjs docLink: HTTP API; cloud-policies.md §5.1 cites that page"},
	{desc: "browsers' deviations", spec: "shared/reference/browser-cors.md §3 (where browsers deviate)",
		want: "https://fetch.spec.whatwg.org/#http-cors-protocol", source: "site/words.mjs docLink: FETCH_CORS"},
	{desc: "a host and path become a link, the notes go", spec: "nginx.org/en/docs/http/ngx_http_headers_module.html; shared/reference/cloud-policies.md §6.1",
		want: "https://nginx.org/en/docs/http/ngx_http_headers_module.html", source: "engine/formats/nginx source"},
	{desc: "two documents", spec: "caddyserver.com/docs/caddyfile/directives/header; Caddy v2.6.2 modules/caddyhttp/headers/headers.go",
		want: "https://caddyserver.com/docs/caddyfile/directives/header; Caddy v2.6.2 modules/caddyhttp/headers/headers.go", source: "engine/formats/caddy source"},
	{desc: "a module's files, without the note on how it was checked", spec: "github.com/rs/cors v1.11.1 cors.go, internal/sortedset.go (checked against the module: e2e/gomw)",
		want: "https://github.com/rs/cors v1.11.1 cors.go, internal/sortedset.go", source: "engine/formats/rscors source"},
	{desc: "a package's file stays", spec: "@fastify/cors index.js (v11.4.3, fastify 5.12.8)",
		want: "@fastify/cors index.js (v11.4.3, fastify 5.12.8)", source: "engine/formats/fastifycors source"},
	{desc: "expressjs/cors is not a host", spec: "expressjs/cors lib/index.js (v2.8.6); shared/reference/cloud-policies.md §6.3",
		want: "expressjs/cors lib/index.js (v2.8.6)", source: "engine/formats/express source"},
	{desc: "a parenthesis that cites the notes goes, even across a semicolon", spec: "EC2 API Reference, Cross-Origin Resource Sharing Support (shared/seeds; cloud-policies.md §5.3)",
		want: "EC2 API Reference, Cross-Origin Resource Sharing Support", source: "engine/platform/ec2 Source"},
	{desc: "a sentence about the code goes", spec: "shared/reference/cloud-policies.md §1.3 (S3), §5.1 (HTTP API), §5.2 (REST API); the AWS CloudFormation and SAM template references cited in engine/formats/cloudformation",
		want: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html", source: "engine/formats/cloudformation docRef; site/words.mjs docLink"},
	{desc: "this repository's package", spec: "engine/native package doc (the first rule whose path and origins, and what its match names, match decides)",
		want: "https://fetch.spec.whatwg.org/#http-cors-protocol", source: "engine/native Doc"},
	{desc: "a raw reply's notes", spec: "shared/reference/cloud-policies.md §6.5",
		want: "https://fetch.spec.whatwg.org/#http-cors-protocol", source: "engine/formats/raw source"},
}

func TestReaderDoc(t *testing.T) {
	for _, c := range readerDocCases {
		if got := readerDoc(c.spec); got != c.want {
			t.Errorf("%s (%s): readerDoc(%q)\n got %q\nwant %q", c.desc, c.source, c.spec, got, c.want)
		}
		if got := readerDoc(c.spec); strings.Contains(got, "shared/") || strings.Contains(got, ".md") {
			t.Errorf("%s: %q names this project's notes", c.desc, got)
		}
	}
}

// TestReaderDocMatchesThePage asks the page's own docLink (site/words.mjs,
// run by Node) where each step that rests only on the notes is
// documented (every such source a step carries today, and the platforms'
// words in other spellings), and expects the same document from
// platformDoc: the page and the command line send a reader to one place.
func TestReaderDocMatchesThePage(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no processes under js/wasm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed (scripts/test installs it)")
	}
	words, err := filepath.Abs(filepath.Join("..", "..", "site", "words.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	// The sources that rest only on notes, for which the text shows the
	// platform's document as the page does.
	var specs []string
	for _, c := range readerDocCases {
		if !strings.HasPrefix(c.spec, "https://") && len(publicParts(c.spec)) == 0 {
			specs = append(specs, c.spec)
		}
	}
	// And the platforms' words in other spellings (not formats' names,
	// which platformDocs leaves to the page).
	specs = append(specs, "an API Gateway REST API", "an HTTP API's CORS", "Cloud Storage", "Azure Blob", "CloudFront's cache", "an S3 bucket", "S3x is no word")
	in, err := json.Marshal(specs)
	if err != nil {
		t.Fatal(err)
	}
	script := `import { docLink } from ` + string(mustJSON(t, "file://"+filepath.ToSlash(words))) + `;
	let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => console.log(JSON.stringify(JSON.parse(s).map(docLink))));`
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var page []string
	if err := json.Unmarshal(out, &page); err != nil || len(page) != len(specs) {
		t.Fatalf("node answered %q: %v", out, err)
	}
	for i, spec := range specs {
		if got := platformDoc(spec); got != page[i] {
			t.Errorf("%q: the page links %s, the command line %s", spec, page[i], got)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
