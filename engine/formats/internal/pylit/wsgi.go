package pylit

import (
	"net/url"
	"strings"
)

// PathInfo is the path a Python web application sees for a request URL
// (absolute or path-only): without query or fragment, percent-decoded as
// WSGI's PATH_INFO and ASGI's scope["path"] are (PEP 3333; Django's
// request.path_info, Flask's request.path).
func PathInfo(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		u = "/"
	}
	if d, err := url.PathUnescape(u); err == nil {
		u = d
	}
	return u
}
