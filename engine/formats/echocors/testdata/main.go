package main

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func main() {
	e := echo.New()
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: []string{"https://app.example.com", "https://*.example.org"},
		AllowMethods: []string{http.MethodGet, http.MethodPut, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderContentType, "X-Api-Key"},
		MaxAge:       3600,
	}))
	e.Logger.Fatal(e.Start(":1323"))
}
