package explain

import "strings"

// A step's Spec names what its rule rests on. For the Fetch standard and
// most platforms that is a link; for others it is this project's own
// notes (shared/reference/cloud-policies.md, the package that models a
// peer) beside the public documents and package files they cite. The
// notes are not in the repository a user has, so the text a person reads
// (Text) shows what they can open, as the simulator page does (site/
// words.mjs, docLink): the page and `whycors explain` point to the same
// document for a step that rests only on the notes.

// platformDocs are the public documents of the platforms a note may be
// about, by a word the note uses, in words.mjs's order (the first match
// wins). The page's list also matches three formats' names (s3-, nginx,
// express); here a format's name is written only in its own package
// (engine/all, TestOneHomePerFormat), and no step that rests only on
// notes names one: TestReaderDocMatchesThePage asks the page about every
// source a step carries today.
var platformDocs = [...]struct {
	word string   // this word, lowercase, in any case (JavaScript's \bS3\b), or
	subs []string // any of these, compared case-insensitively
	url  string
}{
	{"s3", nil, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html"},
	{"", []string{"http api"}, "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html"},
	{"", []string{"api gateway", "apigateway", "apigw", "rest api"}, "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html"},
	{"", []string{"azure"}, "https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services"},
	{"", []string{"gcs", "cloud storage"}, "https://cloud.google.com/storage/docs/cross-origin"},
	{"", []string{"cloudfront"}, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/header-caching.html"},
}

// fetchCORS is the document a step rests on when its note names no
// platform: the CORS protocol of the Fetch standard.
const fetchCORS = "https://fetch.spec.whatwg.org/#http-cors-protocol"

// readerDoc is what a step's "see" line shows: spec when it is a link;
// else the public parts of it (a document's host and path as a link, a
// package's file by name), without this project's notes; else, when only
// notes remain, the public document of the platform they are about, or
// the Fetch standard's CORS protocol.
func readerDoc(spec string) string {
	if strings.HasPrefix(spec, "https://") || strings.HasPrefix(spec, "http://") {
		return spec
	}
	if kept := publicParts(spec); len(kept) > 0 {
		return strings.Join(kept, "; ")
	}
	return platformDoc(spec)
}

// publicParts are the parts of spec (split at "; " outside parentheses)
// that are not this project's notes, each without the notes it cites.
func publicParts(spec string) []string {
	var kept []string
	for _, part := range splitTop(spec, "; ") {
		if p := publicPart(part); p != "" {
			kept = append(kept, p)
		}
	}
	return kept
}

// publicPart is part without this project's notes: "" when part is one
// (a path in the repository or in shared/), else part less any
// parenthesis that cites one, its leading host and path made a link.
func publicPart(part string) string {
	part = strings.TrimSpace(part)
	if part == "" || strings.HasPrefix(part, "./") {
		// A package of this repository by its path ("./cdn").
		return ""
	}
	// Parentheses that cite the notes go ("(checked against the module:
	// e2e/gomw)"); others stay ("(v2.8.6)").
	var b strings.Builder
	for len(part) > 0 {
		i := strings.IndexByte(part, '(')
		if i < 0 {
			b.WriteString(part)
			break
		}
		j := closing(part, i)
		if j < 0 {
			b.WriteString(part)
			break
		}
		b.WriteString(part[:i])
		if !citesNotes(part[i+1 : j]) {
			b.WriteString(part[i : j+1])
		}
		part = part[j+1:]
	}
	out := strings.TrimSpace(strings.Join(strings.Fields(b.String()), " "))
	if citesNotes(out) {
		// The notes themselves ("shared/reference/cloud-policies.md
		// §6.5"), or a sentence about them or the code ("the template
		// references cited in engine/formats/cloudformation").
		return ""
	}
	// A document named by its host and path ("nginx.org/en/docs/…",
	// "github.com/rs/cors v1.11.1 cors.go") is a link.
	first, rest, _ := strings.Cut(out, " ")
	if slash := strings.IndexByte(first, '/'); slash > 0 && strings.Contains(first[:slash], ".") && !strings.ContainsAny(first, "(),") {
		out = "https://" + first
		if rest != "" {
			out += " " + rest
		}
	}
	return out
}

// citesNotes reports whether s names this project's notes or code.
func citesNotes(s string) bool {
	for _, p := range [...]string{"shared/", "engine/", "e2e/", ".md §", ".md)", "cloud-policies.md", "browser-cors.md", "server-peers.md"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// closing is the index of the parenthesis that closes s[open], or -1.
func closing(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitTop splits s at sep outside parentheses.
func splitTop(s, sep string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			out = append(out, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(out, s[start:])
}

// platformDoc is the public document of the platform spec is about
// (platformDocs), else the Fetch standard's CORS protocol.
func platformDoc(spec string) string {
	lower := strings.ToLower(spec)
	for _, d := range platformDocs {
		if d.word != "" && hasWord(lower, d.word) {
			return d.url
		}
		for _, w := range d.subs {
			if strings.Contains(lower, w) {
				return d.url
			}
		}
	}
	return fetchCORS
}

// hasWord reports whether w occurs in s with no letter, digit or
// underscore on either side (a JavaScript \b); both are lowercase.
func hasWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !wordByte(s[j-1])) && (end == len(s) || !wordByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

func wordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
