// Package sdkpreset holds the requests real SDKs make from a browser
// page, as presets for a scenario's request: the method, the headers
// the SDK sets (which decide the preflight and its
// Access-Control-Request-Headers), and the response headers the SDK
// reads, which the server must expose (Access-Control-Expose-Headers).
//
// They are recorded, not guessed: e2e/sdk bundles the pinned npm
// packages with esbuild, runs each operation in headless Chromium
// against a loopback server and records every request, then hides each
// response header in turn to see which ones the SDK reads and which
// ones it cannot do without (e2e/sdk/testdata/recordings.json, with the
// package versions). TestPresetsMatchRecordings there fails when a
// preset drifts from its recording. The one preset with no SDK to
// record (a GCS resumable upload started from a page) rests on Google's
// documentation, and says so (Recorded false).
package sdkpreset

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// Preset is one request an SDK makes from a page.
type Preset struct {
	// Name is how the CLI and the page call it (--preset s3-putobject).
	Name string
	// Operation says which SDK call makes the request, in the SDK's
	// words ("@aws-sdk/client-s3 PutObjectCommand").
	Operation string
	// Recording and Request name the operation of
	// e2e/sdk/testdata/recordings.json and the index of this request in
	// it (preflights counted), for the test that checks the preset.
	Recording string
	Request   int
	Method    string
	// Header are the request headers the SDK sets, with the values of
	// the recording where they do not change run to run and a stand-in
	// value elsewhere (a signature, a date: what matters for CORS is the
	// name, and Content-Type's value).
	Header headers.List
	// Query are the query parameters the URL carries (a presigned URL's
	// X-Amz-Signature...), by name.
	Query []string
	// Reads are the response headers whose absence from
	// Access-Control-Expose-Headers changes what the operation returns;
	// Needs those without which it fails. Both as the server sends them,
	// for the whole operation: a multipart upload's
	// CompleteMultipartUpload needs the ETag its UploadPart replies
	// expose.
	Reads, Needs []string
	// Recorded is false for a preset that rests on documentation only;
	// Source then cites it.
	Recorded bool
	Source   string
	// Call names the preset's own request in the SDK's words when the
	// operation sends others, and Others are those, from the same
	// recording: lib-storage's Upload sends CreateMultipartUpload
	// before its UploadPart requests and CompleteMultipartUpload after,
	// and fails when the browser blocks any of them, whatever the
	// UploadPart's verdict (found as a new user would: a bucket
	// allowing PUT alone passed the preset's one request).
	Call   string
	Others []Request
}

// Request is one request of an SDK operation that sends several.
type Request struct {
	// Call names it in the SDK's words ("CreateMultipartUpload").
	Call string
	// Request is its index in the preset's recording (preflights
	// counted), for the test that checks it.
	Request int
	Method  string
	Header  headers.List
	Query   []string
}

// Flow is every request of p's operation in the order the SDK sends
// them, p's own among them; a preset of one request is its own alone.
func (p Preset) Flow() []Request {
	own := Request{Call: p.Call, Request: p.Request, Method: p.Method, Header: p.Header, Query: p.Query}
	out := make([]Request, 0, len(p.Others)+1)
	placed := false
	for _, r := range p.Others {
		if !placed && r.Request > p.Request {
			out, placed = append(out, own), true
		}
		out = append(out, r)
	}
	if !placed {
		out = append(out, own)
	}
	return out
}

// Label is r as a reader finds it in the SDK and on the wire:
// "CreateMultipartUpload (POST ?uploads)".
func (r Request) Label() string {
	q := ""
	if len(r.Query) > 0 {
		q = " ?" + strings.Join(r.Query, "&")
	}
	return r.Call + " (" + r.Method + q + ")"
}

// StandIn is the value of a header whose recorded value changes run to
// run (a signature, a date, an ID): any value a browser sends stands for
// it, since what CORS compares is the name.
const StandIn = "x"

// s3Signed are the headers @aws-sdk/client-s3 signs every request with
// (SigV4: authorization, x-amz-date, x-amz-content-sha256) and its own
// (amz-sdk-invocation-id, amz-sdk-request, x-amz-user-agent), as
// e2e/sdk recorded them.
var s3Signed = headers.List{
	{Name: "amz-sdk-invocation-id", Value: StandIn},
	{Name: "amz-sdk-request", Value: StandIn},
	{Name: "authorization", Value: StandIn},
	{Name: "x-amz-content-sha256", Value: StandIn},
	{Name: "x-amz-date", Value: StandIn},
	{Name: "x-amz-user-agent", Value: StandIn},
}

// with is s3Signed and more, sorted by name. The names differ, and a
// handful of fields wants no more than an insertion sort: slices.SortFunc
// would link 25 KB of sort code into the page's first wasm (issue 23).
func with(more ...headers.Field) headers.List {
	out := slices.Clone(s3Signed)
	out = append(out, more...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// The default checksum of PutObject and UploadPart (CRC32, since the
// SDK's requestChecksumCalculation "WHEN_SUPPORTED"), and GetObject's
// request for one.
var (
	crc32      = headers.Field{Name: "x-amz-checksum-crc32", Value: StandIn}
	crc32Algo  = headers.Field{Name: "x-amz-sdk-checksum-algorithm", Value: "CRC32"}
	octets     = headers.Field{Name: "content-type", Value: "application/octet-stream"}
	upload     = "e2e/sdk recording with @aws-sdk/client-s3 (testdata/recordings.json)"
	gcsSession = "https://cloud.google.com/storage/docs/performing-resumable-uploads (a browser starting the session itself needs the bucket's CORS to allow POST and x-goog-resumable; documentation only: Google publishes no browser SDK for it)"
)

// Presets are every preset, in the order the page lists them.
func Presets() []Preset {
	return []Preset{
		{Name: "s3-putobject", Operation: "@aws-sdk/client-s3 PutObjectCommand (ContentType text/plain)", Recording: "s3-putobject", Request: 1,
			Method: "PUT", Header: with(crc32, crc32Algo, headers.Field{Name: "content-type", Value: "text/plain"}), Query: []string{"x-id"},
			Reads: []string{"ETag", "x-amz-version-id"}, Recorded: true, Source: upload},
		{Name: "s3-getobject", Operation: "@aws-sdk/client-s3 GetObjectCommand", Recording: "s3-getobject", Request: 1,
			Method: "GET", Header: with(headers.Field{Name: "x-amz-checksum-mode", Value: "ENABLED"}), Query: []string{"x-id"},
			Reads: []string{"ETag", "x-amz-version-id"}, Recorded: true, Source: upload},
		{Name: "s3-headobject", Operation: "@aws-sdk/client-s3 HeadObjectCommand", Recording: "s3-headobject", Request: 1,
			Method: "HEAD", Header: with(),
			Reads: []string{"ETag", "x-amz-version-id"}, Recorded: true, Source: upload},
		{Name: "s3-uploadpart", Operation: "@aws-sdk/client-s3 UploadPartCommand (its ETag names the part in CompleteMultipartUpload)", Recording: "s3-multipart", Request: 3,
			Method: "PUT", Header: with(crc32, crc32Algo, octets), Query: []string{"partNumber", "uploadId", "x-id"},
			Reads: []string{"ETag"}, Needs: []string{"ETag"}, Recorded: true, Source: upload},
		{Name: "s3-completemultipartupload", Operation: "@aws-sdk/client-s3 CompleteMultipartUploadCommand", Recording: "s3-multipart", Request: 5,
			Method: "POST", Header: with(headers.Field{Name: "content-type", Value: "application/xml"}), Query: []string{"uploadId"},
			Reads: []string{"ETag"}, Needs: []string{"ETag"}, Recorded: true, Source: upload},
		{Name: "s3-lib-storage-upload", Operation: "@aws-sdk/lib-storage Upload (a body above its 5 MiB part size: multipart, each part an UploadPart)", Recording: "s3-lib-storage-upload", Request: 3,
			Method: "PUT", Header: with(crc32, crc32Algo, octets), Query: []string{"partNumber", "uploadId", "x-id"},
			Reads: []string{"ETag"}, Needs: []string{"ETag"}, Recorded: true, Source: upload,
			Call: "UploadPart", Others: []Request{
				{Call: "CreateMultipartUpload", Request: 1, Method: "POST", Query: []string{"uploads"},
					// The checksum lib-storage asks S3 to keep
					// (CRC32, as each part's).
					Header: with(headers.Field{Name: "x-amz-checksum-algorithm", Value: StandIn})},
				{Call: "CompleteMultipartUpload", Request: 7, Method: "POST", Query: []string{"uploadId"},
					Header: with(headers.Field{Name: "content-type", Value: "application/xml"})},
			}},
		{Name: "s3-presigned-put", Operation: "fetch(url, {method: \"PUT\", body}) of a URL from @aws-sdk/s3-request-presigner getSignedUrl(PutObjectCommand), body a string (Content-Type text/plain;charset=UTF-8; a File sends its own type: s3-presigned-put-file)", Recording: "s3-presigned-put", Request: 1,
			Method: "PUT", Header: headers.List{{Name: "content-type", Value: "text/plain;charset=UTF-8"}},
			Query:    []string{"X-Amz-Algorithm", "X-Amz-Content-Sha256", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature", "X-Amz-SignedHeaders", "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm", "x-id"},
			Recorded: true, Source: "e2e/sdk recording with @aws-sdk/s3-request-presigner (testdata/recordings.json)"},
		// The upload most pages make: a file the user picked, whose
		// type becomes the request's Content-Type (Fetch "extract a
		// body": a Blob's type, when not empty), which is not
		// CORS-safelisted (Fetch "CORS-safelisted request-header":
		// application/x-www-form-urlencoded, multipart/form-data and
		// text/plain only), so the preflight asks for content-type.
		// Tried as a new user would, the string-body preset was
		// allowed by a bucket whose rule has no AllowedHeaders, where
		// a real photo upload is blocked.
		{Name: "s3-presigned-put-file", Operation: "fetch(url, {method: \"PUT\", body: file}) of a URL from @aws-sdk/s3-request-presigner getSignedUrl(PutObjectCommand), file a JPEG picked with <input type=file> (its type is the Content-Type)",
			Method: "PUT", Header: headers.List{{Name: "content-type", Value: "image/jpeg"}},
			Query:  []string{"X-Amz-Algorithm", "X-Amz-Content-Sha256", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature", "X-Amz-SignedHeaders", "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm", "x-id"},
			Source: "the s3-presigned-put recording, with a File body: fetch.spec.whatwg.org/#concept-bodyinit-extract (a Blob's type is the Content-Type) and #cors-safelisted-request-header"},
		{Name: "s3-presigned-post", Operation: "a form POST (FormData) of the fields from @aws-sdk/s3-presigned-post createPresignedPost: a simple request, no preflight", Recording: "s3-presigned-post", Request: 0,
			Method: "POST", Header: headers.List{{Name: "content-type", Value: "multipart/form-data"}},
			Recorded: true, Source: "e2e/sdk recording with @aws-sdk/s3-presigned-post (testdata/recordings.json)"},
		{Name: "azure-upload-data", Operation: "@azure/storage-blob BlockBlobClient.uploadData (Put Blob)", Recording: "azure-upload-data", Request: 1,
			Method: "PUT", Header: headers.List{
				{Name: "content-type", Value: "application/octet-stream"},
				{Name: "x-ms-blob-type", Value: "BlockBlob"},
				{Name: "x-ms-client-request-id", Value: StandIn},
				{Name: "x-ms-useragent", Value: StandIn},
				{Name: "x-ms-version", Value: "2025-01-05"},
			}, Query: []string{"sig", "sp", "sr", "sv"},
			Reads: []string{"ETag", "x-ms-request-server-encrypted"}, Recorded: true, Source: "e2e/sdk recording with @azure/storage-blob (testdata/recordings.json)"},
		{Name: "gcs-resumable-start", Operation: "a GCS resumable upload session started from the page (POST ?uploadType=resumable with x-goog-resumable: start); its Location names the session",
			Method: "POST", Header: headers.List{{Name: "content-type", Value: "application/octet-stream"}, {Name: "x-goog-resumable", Value: "start"}},
			Query: []string{"uploadType"}, Reads: []string{"Location"}, Needs: []string{"Location"}, Source: gcsSession},
	}
}

// Lookup is the preset called name.
func Lookup(name string) (Preset, bool) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// Names are the presets' names.
func Names() []string {
	var out []string
	for _, p := range Presets() {
		out = append(out, p.Name)
	}
	return out
}

// Hidden are the headers of Reads (or of Needs, needs true) that the
// page cannot read, given the names the verdict says it can read
// (case-insensitive): the ones to add to Access-Control-Expose-Headers.
func (p Preset) Hidden(readable []string, needs bool) []string {
	list := p.Reads
	if needs {
		list = p.Needs
	}
	var out []string
	for _, h := range list {
		if !slices.ContainsFunc(readable, func(r string) bool { return strings.EqualFold(r, h) }) {
			out = append(out, h)
		}
	}
	return out
}

// Warning is a response header the SDK reads, or cannot do without,
// that a reply does not expose to the page.
type Warning struct {
	Code     string // sdk-needs-header or sdk-reads-header
	Severity string // error or warning (engine/lint's scale)
	Message  string
	Headers  []string // the headers to expose
}

// Check says what p's SDK cannot read of a CORS reply with header fields
// h to a request with credentials (include) or without: the headers it
// reads count as sent, as the real service sends them, and what decides
// is Access-Control-Expose-Headers, read as the browser reads it
// (fetch.Readable). The CLI and the page both ask it.
func (p Preset) Check(h headers.List, include bool) []Warning {
	sent := h.Clone()
	for _, n := range append(slices.Clone(p.Reads), p.Needs...) {
		sent.Add(n, "x")
	}
	readable, _ := fetch.Readable(sent, true, include)
	var out []Warning
	needs, reads := p.Hidden(readable, true), p.Hidden(readable, false)
	if len(needs) > 0 {
		out = append(out, Warning{Code: "sdk-needs-header", Severity: "error", Headers: needs,
			Message: p.Operation + " cannot work without reading " + strings.Join(needs, ", ") + ", which the response does not expose: add " + strings.Join(needs, ", ") + " to the configuration's exposed headers (Access-Control-Expose-Headers; S3 ExposeHeaders)."})
	}
	if len(reads) > len(needs) {
		out = append(out, Warning{Code: "sdk-reads-header", Severity: "warning", Headers: reads,
			Message: p.Operation + " reads " + strings.Join(reads, ", ") + ", which the response does not expose: its result lacks those fields unless the configuration exposes them."})
	}
	return out
}
