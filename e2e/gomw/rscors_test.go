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
	var fs []field
	if r.IntN(5) > 0 {
		fs = append(fs, field{"AllowedOrigins", some(r, rsOrigins)})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowedMethods", some(r, methodPool)})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowedHeaders", some(r, append([]string{"*"}, headerPool...))})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"ExposedHeaders", some(r, []string{"x-total", "ETag", "x-a"})})
	}
	if r.IntN(2) == 0 {
		fs = append(fs, field{"AllowCredentials", r.IntN(2) == 0})
	}
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
		b := r.IntN(2) == 0
		src := "func(origin string) bool { return false }"
		if b {
			src = "func(origin string) bool { return true }"
		}
		fs = append(fs, field{"AllowOriginFunc", goExpr{src, b}})
	}
	return fs
}

func rsBuild(fs []field, app http.Handler) (http.Handler, error) {
	var o rs.Options
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
		case "OptionsSuccessStatus":
			o.OptionsSuccessStatus = f.val.(int)
		case "AllowPrivateNetwork":
			o.AllowPrivateNetwork = f.val.(bool)
		case "AllowOriginFunc":
			b := f.val.(goExpr).val.(bool)
			o.AllowOriginFunc = func(string) bool { return b }
		}
	}
	return rs.New(o).Handler(app), nil
}

// TestRSCors compares the rs-cors format with github.com/rs/cors v1.11.1.
func TestRSCors(t *testing.T) {
	run(t, library{
		format:  rscors.Formats()[0],
		options: rsOptions,
		src: func(fs []field) string {
			return source([]string{"github.com/rs/cors"}, "cors.New", "cors.Options", fs)
		},
		build: rsBuild,
	})
}
