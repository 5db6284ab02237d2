package requrl_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/requrl"
)

// TestPath: the path every middleware format matches (Express's,
// Python's PATH_INFO before decoding, rack-cors's PATH_INFO), from the
// absolute URL a scenario gives or a path alone (RFC 3986 §3).
func TestPath(t *testing.T) {
	tests := []struct{ desc, url, want string }{
		{"an absolute URL", "https://api.example/items/1?x=1#f", "/items/1"},
		{"no path", "https://api.example", "/"},
		{"a query at once", "https://api.example?x", "/"},
		{"a path alone", "/api/x?y", "/api/x"},
		{"a path holding ://", "/api/https://x.example/1", "/api/https://x.example/1"},
		{"nothing", "", "/"},
	}
	for _, tt := range tests {
		if got := requrl.Path(tt.url); got != tt.want {
			t.Errorf("%s: Path(%q) = %q, want %q", tt.desc, tt.url, got, tt.want)
		}
	}
}
