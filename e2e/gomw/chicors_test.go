package gomw_test

import (
	"math/rand/v2"
	"net/http"
	"testing"

	chi "github.com/go-chi/cors"
	"github.com/whycors/whycors/engine/formats/chicors"
)

func chiOptions(r *rand.Rand) []field {
	fs := lists(r, [5]string{"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "AllowCredentials"}, append(rsOrigins, "https://*"))
	if r.IntN(3) == 0 {
		fs = append(fs, field{"MaxAge", pick(r, -1, 0, 300)})
	}
	if r.IntN(5) == 0 {
		fs = append(fs, field{"OptionsPassthrough", true})
	}
	if r.IntN(10) == 0 {
		fs = append(fs, originFunc(r, "AllowOriginFunc", "(r *http.Request, origin string) bool", "", func(b bool) any { return func(*http.Request, string) bool { return b } }))
	}
	return fs
}

// TestChiCors compares the go-chi-cors format with github.com/go-chi/cors
// v1.2.2.
func TestChiCors(t *testing.T) {
	run(t, library{
		format:  chicors.Formats()[0],
		options: chiOptions,
		src: func(fs []field) string {
			return source([]string{"net/http", "github.com/go-chi/cors"}, "cors.Handler", "cors.Options", fs)
		},
		build: func(fs []field, app http.Handler) (http.Handler, error) {
			var o chi.Options
			setFields(&o, fs)
			return chi.Handler(o)(app), nil
		},
	})
}
