package gomw_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	gc "github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"github.com/whycors/whycors/engine/formats/gincors"
)

var ginOrigins = []string{"https://app.example.com", "https://App.Example.com", "https://*.example.com", "*", "https://*", "/^https://[a-z]+\\.example\\.com$/", "/https://a/i", "https://evil.com", "http://api.test"}

// ginRefused are origins Validate or parseWildcardRules refuses.
var ginRefused = []string{" https://a.example.com", "ftp://x", "https://a*a*", "null"}

func ginOptions(r *rand.Rand) []field {
	fs := lists(r, [5]string{"AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "AllowCredentials"}, ginOrigins)
	switch {
	case len(fs) > 0 && fs[0].name == "AllowOrigins" && r.IntN(8) == 0:
		fs[0].val = append(fs[0].val.([]string), pick(r, ginRefused...))
	case r.IntN(5) == 0:
		fs = append(fs, field{"AllowAllOrigins", true})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"AllowWildcard", true})
	}
	if r.IntN(3) == 0 {
		h := pick(r, 0, 1, 12)
		fs = append(fs, field{"MaxAge", goExpr{fmt.Sprintf("%d * time.Hour", h), time.Duration(h) * time.Hour}})
	}
	if r.IntN(5) == 0 {
		fs = append(fs, field{"OptionsResponseStatusCode", pick(r, 200, 204)})
	}
	if r.IntN(6) == 0 {
		fs = append(fs, field{"AllowPrivateNetwork", true})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"@DefaultConfig", true})
	}
	if r.IntN(8) == 0 {
		fs = append(fs, originFunc(r, "AllowOriginFunc", "(origin string) bool", "", func(b bool) any { return func(string) bool { return b } }))
	}
	return fs
}

func ginBuild(fs []field, app http.Handler) (h http.Handler, err error) {
	var c gc.Config
	if hasMark(fs, "@DefaultConfig") {
		c = gc.DefaultConfig()
	}
	setFields(&c, fs)
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	mw := gc.New(c)
	e := gin.New()
	e.Use(mw)
	e.NoRoute(gin.WrapH(app))
	return e, nil
}

// TestGinCors compares the gin-contrib-cors format with
// github.com/gin-contrib/cors v1.7.7 on gin v1.12.0.
func TestGinCors(t *testing.T) {
	gin.SetMode(gin.TestMode)
	run(t, library{
		format:  gincors.Formats()[0],
		options: ginOptions,
		src: func(fs []field) string {
			imports := []string{"time", "github.com/gin-contrib/cors"}
			if hasMark(fs, "@DefaultConfig") {
				return assignments(imports, "cors.New", "cors.DefaultConfig", fs)
			}
			return source(imports, "cors.New", "cors.Config", fs)
		},
		build: ginBuild,
	})
}

func hasMark(fs []field, mark string) bool {
	for _, f := range fs {
		if f.name == mark {
			return true
		}
	}
	return false
}
