package gomw_test

import (
	"math/rand/v2"
	"net/http"
	"testing"

	rs "github.com/rs/cors"
	"github.com/whycors/whycors/engine/formats/rscors"
)

var rsOrigins = []string{"https://app.example.com", "https://App.Example.com", "https://*.example.com", "*", "http://*", "https://a*", "null", "https://evil.com"}

func rsOptions(r *rand.Rand) []field {
	fs := lists(r, [5]string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "AllowCredentials"}, rsOrigins)
	if r.IntN(3) == 0 {
		fs = append(fs, field{"MaxAge", pick(r, -1, 0, 600)})
	}
	if r.IntN(5) == 0 {
		fs = append(fs, field{"OptionsPassthrough", true})
	}
	if r.IntN(5) == 0 {
		fs = append(fs, field{"OptionsSuccessStatus", pick(r, 200, 204)})
	}
	if r.IntN(6) == 0 {
		fs = append(fs, field{"AllowPrivateNetwork", true})
	}
	if r.IntN(10) == 0 {
		fs = append(fs, originFunc(r, "AllowOriginFunc", "(origin string) bool", "", func(b bool) any { return func(string) bool { return b } }))
	}
	return fs
}

// TestRSCors compares the rs-cors format with github.com/rs/cors v1.11.1.
func TestRSCors(t *testing.T) {
	run(t, library{
		format:  rscors.Formats()[0],
		options: rsOptions,
		src: func(fs []field) string {
			return source([]string{"github.com/rs/cors"}, "cors.New", "cors.Options", fs)
		},
		build: func(fs []field, app http.Handler) (http.Handler, error) {
			var o rs.Options
			setFields(&o, fs)
			return rs.New(o).Handler(app), nil
		},
	})
}
