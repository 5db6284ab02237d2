package main

import (
	"net/http"

	"github.com/rs/cors"
)

const shop = "https://shop.example.com"

var origins = []string{
	shop,
	"https://*.partners.example.com",
}

func main() {
	mux := http.NewServeMux()
	c := cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut},
		AllowedHeaders:   []string{"Content-Type", "X-Api-Key"},
		AllowCredentials: true,
		MaxAge:           600,
	})
	http.ListenAndServe(":8080", c.Handler(mux))
}
