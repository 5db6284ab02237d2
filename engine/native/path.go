package native

import (
	"strings"

	"github.com/whycors/whycors/engine/origin"
)

// CanonicalPath is path as a server that decodes it serves it, for
// matching rule paths: percent-encoded unreserved characters decoded
// ("/%61pi" is "/api"), the hex digits of every other escape in upper
// case ("%c3%a9" is "%C3%A9"), empty segments merged ("//admin" is
// "/admin", as nginx's merge_slashes does), a segment's ";" parameters
// cut ("/admin;x/y" is "/admin/y", as Tomcat and Spring do), and dot
// segments removed ("/api/%2e%2e/admin" is "/admin"), per RFC 3986
// §6.2.2 and §5.2.4. A browser sends "%61" and "//" as written, while
// net/http's ServeMux, nginx and most routers decode them: compared as
// sent, "/%61dmin/x" escaped a rule for "/admin/*" and reached the admin
// handler under a broader rule. Each normalization can only move a
// request to the rule of the path a server resolves it to, or to one of
// a path no server has (a 404). Letter case is compared as written
// (Express routes without regard to it by default; most servers do not).
// A path without '%', '.', ';' or "//" is returned as it is, without
// allocating.
func CanonicalPath(path string) string {
	if !needsCanonical(path) {
		return path
	}
	return removeDotSegments(normalizePath(path))
}

// canonicalPattern is a rule's path pattern normalized as requests are
// (CanonicalPath), but for dot segments, which a pattern means literally:
// "/.*" (dotfiles) is not "/*".
func canonicalPattern(p string) string {
	if !needsCanonical(p) {
		return p
	}
	return normalizePath(p)
}

// normalizePath is CanonicalPath but for dot segments: escapes decoded or
// upper-cased, empty segments merged, ";" parameters cut.
func normalizePath(path string) string {
	b := make([]byte, 0, len(path))
	param := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '/':
			param = false
			if len(b) > 0 && b[len(b)-1] == '/' {
				continue // an empty segment
			}
			b = append(b, c)
			continue
		case param:
			continue
		case c == ';':
			param = true
			continue
		}
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
	return string(b)
}

// needsCanonical reports whether path may differ from its CanonicalPath:
// it has an escape, a ';', an empty segment ("//") or a segment that
// starts with '.'. Decide asks it of every request: one pass that calls
// nothing.
func needsCanonical(path string) bool {
	prev := byte(0)
	for i := 0; i < len(path); i++ {
		c := path[i]
		if pathMark[c] && (c == '%' || c == ';' || prev == '/' || i == 0 && c == '.') {
			return true
		}
		prev = c
	}
	return false
}

// pathMark marks the bytes needsCanonical looks at twice: a table
// lookup per byte is the whole cost of a path without them.
var pathMark = [256]bool{'%': true, ';': true, '.': true, '/': true}

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
