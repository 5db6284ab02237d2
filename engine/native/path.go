package native

import (
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// CanonicalPath is path as a server that decodes it serves it, for
// matching rule paths: percent-encoded unreserved characters decoded
// ("/%61pi" is "/api"), the hex digits of every other escape in upper
// case ("%c3%a9" is "%C3%A9"), and dot segments removed ("/api/%2e%2e/admin"
// is "/admin"), per RFC 3986 §6.2.2.2 and §5.2.4. A browser sends
// "%61" as written (the URL standard's path percent-encode set leaves an
// escape alone), while net/http's ServeMux, nginx and most routers decode
// it: compared as sent, "/%61dmin/x" escaped a rule for "/admin/*" and
// reached the admin handler under a broader rule. A path without '%' or
// a dot segment is returned as it is, without allocating.
func CanonicalPath(path string) string {
	if !needsCanonical(path) {
		return path
	}
	b := make([]byte, 0, len(path))
	for i := 0; i < len(path); i++ {
		c := path[i]
		var d byte
		ok := false
		if c == '%' && i+2 < len(path) {
			d, ok = origin.PercentByte(path[i+1], path[i+2])
		}
		if !ok {
			b = append(b, c)
			continue
		}
		if isUnreserved(d) {
			b = append(b, d)
		} else {
			b = append(b, '%', upperHex(path[i+1]), upperHex(path[i+2]))
		}
		i += 2
	}
	return removeDotSegments(string(b))
}

// needsCanonical reports whether path may differ from its CanonicalPath:
// it has an escape, or a '.' that starts a segment. Decide asks it of
// every request.
func needsCanonical(path string) bool {
	// Two vectorized scans settle the common path, which has neither
	// '%' nor '.'; one with either is looked at byte by byte. (About 90
	// instructions of Decide's 390 for a 14-byte path, counted with
	// scripts/bench/instr.sh; a word-at-a-time scan counted the same.)
	if strings.IndexByte(path, '%') < 0 && strings.IndexByte(path, '.') < 0 {
		return false
	}
	return escapeOrDot(path)
}

// escapeOrDot reports whether path has an escape or a '.' that starts a
// segment.
func escapeOrDot(path string) bool {
	for i := 0; i < len(path); i++ {
		if c := path[i]; c == '%' || c == '.' && (i == 0 || path[i-1] == '/') {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether path has a "." or ".." segment.
func hasDotSegment(path string) bool {
	for i := 0; i < len(path); i++ {
		if path[i] != '.' || i > 0 && path[i-1] != '/' {
			continue
		}
		j := i + 1
		if j < len(path) && path[j] == '.' {
			j++
		}
		if j == len(path) || path[j] == '/' {
			return true
		}
	}
	return false
}

// removeDotSegments is RFC 3986 §5.2.4's algorithm for an absolute path.
func removeDotSegments(path string) string {
	if !hasDotSegment(path) {
		return path
	}
	var out []string
	segs := strings.Split(path, "/")
	for k, s := range segs {
		last := k == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	if len(out) == 0 || len(out) == 1 && out[0] == "" {
		return "/"
	}
	return strings.Join(out, "/")
}

func upperHex(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// isUnreserved reports RFC 3986 §2.3's unreserved characters.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
