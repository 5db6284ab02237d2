package gomw_test

import (
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/whycors/whycors/engine/formats/echocors"
)

var echoOrigins = []string{"https://app.example.com", "https://App.Example.com", "https://*.example.com", "*", "https://*", "https://a?p.example.com", "http://*.example.com", "https://app.*", "null", "https://evil.com", "https://*.example.com:8443"}

func echoOptions(r *rand.Rand) []field {
	fs := lists(r, [5]string{"AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "AllowCredentials"}, echoOrigins)
	if r.IntN(4) == 0 {
		fs = append(fs, field{"UnsafeWildcardOriginWithAllowCredentials", true})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"MaxAge", pick(r, -1, 0, 600)})
	}
	if r.IntN(10) == 0 {
		fs = append(fs, originFunc(r, "AllowOriginFunc", "(origin string) (bool, error)", ", nil", func(b bool) any { return func(string) (bool, error) { return b, nil } }))
	}
	return fs
}

func echoBuild(fs []field, app http.Handler) (http.Handler, error) {
	var c middleware.CORSConfig
	setFields(&c, fs)
	// The middleware around the application, called directly: the
	// router's own answers (405, its Allow list) are left out, as the
	// format assumes a route for every method.
	e := echo.New()
	h := middleware.CORSWithConfig(c)(func(c echo.Context) error {
		app.ServeHTTP(c.Response(), c.Request())
		return nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := e.NewContext(r, w)
		if err := h(ctx); err != nil {
			e.HTTPErrorHandler(err, ctx)
		}
	}), nil
}

// TestEchoCors compares the echo-cors format with
// github.com/labstack/echo/v4 v4.16.5 middleware.CORSWithConfig.
func TestEchoCors(t *testing.T) {
	run(t, library{
		format:  echocors.Formats()[0],
		options: echoOptions,
		src: func(fs []field) string {
			return source([]string{"github.com/labstack/echo/v4/middleware"}, "middleware.CORSWithConfig", "middleware.CORSConfig", fs)
		},
		build: echoBuild,
	})
}
