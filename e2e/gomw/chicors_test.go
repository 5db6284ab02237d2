package gomw_test

import (
	"math/rand/v2"
	"net/http"
	"testing"

	chi "github.com/go-chi/cors"
	"github.com/whycors/whycors/engine/formats/chicors"
)

func chiOptions(r *rand.Rand) []field {
	var fs []field
	if r.IntN(5) > 0 {
		fs = append(fs, field{"AllowedOrigins", some(r, append(rsOrigins, "https://*"))})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowedMethods", some(r, methodPool)})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowedHeaders", some(r, append([]string{"*", "x_b", "X-API-KEY"}, headerPool...))})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"ExposedHeaders", some(r, []string{"x-total", "ETag", "x-a"})})
	}
	if r.IntN(2) == 0 {
		fs = append(fs, field{"AllowCredentials", r.IntN(2) == 0})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"MaxAge", pick(r, -1, 0, 300)})
	}
	if r.IntN(5) == 0 {
		fs = append(fs, field{"OptionsPassthrough", true})
	}
	if r.IntN(10) == 0 {
		b := r.IntN(2) == 0
		src := "func(r *http.Request, origin string) bool { return false }"
		if b {
			src = "func(r *http.Request, origin string) bool { return true }"
		}
		fs = append(fs, field{"AllowOriginFunc", goExpr{src, b}})
	}
	return fs
}

func chiBuild(fs []field, app http.Handler) (http.Handler, error) {
	var o chi.Options
	for _, f := range fs {
		switch f.name {
		case "AllowedOrigins":
			o.AllowedOrigins = f.val.([]string)
		case "AllowedMethods":
			o.AllowedMethods = f.val.([]string)
		case "AllowedHeaders":
			o.AllowedHeaders = f.val.([]string)
		case "ExposedHeaders":
			o.ExposedHeaders = f.val.([]string)
		case "AllowCredentials":
			o.AllowCredentials = f.val.(bool)
		case "MaxAge":
			o.MaxAge = f.val.(int)
		case "OptionsPassthrough":
			o.OptionsPassthrough = f.val.(bool)
		case "AllowOriginFunc":
			b := f.val.(goExpr).val.(bool)
			o.AllowOriginFunc = func(*http.Request, string) bool { return b }
		}
	}
	return chi.Handler(o)(app), nil
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
		build: chiBuild,
	})
}
