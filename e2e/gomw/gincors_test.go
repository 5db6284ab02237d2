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
	var fs []field
	switch r.IntN(12) {
	case 0, 1:
		fs = append(fs, field{"AllowAllOrigins", true})
	case 2:
	default:
		os := some(r, ginOrigins)
		if r.IntN(8) == 0 {
			os = append(os, pick(r, ginRefused...))
		}
		fs = append(fs, field{"AllowOrigins", os})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"AllowWildcard", true})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowMethods", some(r, append(methodPool, " post"))})
	}
	if r.IntN(3) > 0 {
		fs = append(fs, field{"AllowHeaders", some(r, append([]string{"*", " x-a "}, headerPool...))})
	}
	if r.IntN(3) == 0 {
		fs = append(fs, field{"ExposeHeaders", some(r, []string{"x-total", "ETag", "x-a"})})
	}
	if r.IntN(2) == 0 {
		fs = append(fs, field{"AllowCredentials", r.IntN(2) == 0})
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
	if r.IntN(8) == 0 {
		b := r.IntN(2) == 0
		fs = append(fs, field{"AllowOriginFunc", goExpr{fmt.Sprintf("func(origin string) bool { return %v }", b), b}})
	}
	return fs
}

func ginBuild(fs []field, app http.Handler) (h http.Handler, err error) {
	var c gc.Config
	for _, f := range fs {
		switch f.name {
		case "AllowAllOrigins":
			c.AllowAllOrigins = f.val.(bool)
		case "AllowOrigins":
			c.AllowOrigins = f.val.([]string)
		case "AllowWildcard":
			c.AllowWildcard = f.val.(bool)
		case "AllowMethods":
			c.AllowMethods = f.val.([]string)
		case "AllowHeaders":
			c.AllowHeaders = f.val.([]string)
		case "ExposeHeaders":
			c.ExposeHeaders = f.val.([]string)
		case "AllowCredentials":
			c.AllowCredentials = f.val.(bool)
		case "MaxAge":
			c.MaxAge = f.val.(goExpr).val.(time.Duration)
		case "OptionsResponseStatusCode":
			c.OptionsResponseStatusCode = f.val.(int)
		case "AllowPrivateNetwork":
			c.AllowPrivateNetwork = f.val.(bool)
		case "AllowOriginFunc":
			b := f.val.(goExpr).val.(bool)
			c.AllowOriginFunc = func(string) bool { return b }
		}
	}
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
			return source([]string{"time", "github.com/gin-contrib/cors"}, "cors.New", "cors.Config", fs)
		},
		build: ginBuild,
	})
}
