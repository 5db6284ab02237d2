package pylit

import (
	"net/url"

	"github.com/whycors/whycors/engine/formats/internal/requrl"
)

// PathInfo is the path a Python web application sees for a request URL
// (absolute or path-only): without query or fragment, percent-decoded as
// WSGI's PATH_INFO and ASGI's scope["path"] are (PEP 3333; Django's
// request.path_info, Flask's request.path).
func PathInfo(u string) string {
	u = requrl.Path(u)
	if d, err := url.PathUnescape(u); err == nil {
		u = d
	}
	return u
}
