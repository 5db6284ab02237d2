//go:build whycors_noexplain

package main

import "net/http"

// explain: built without the explainer (-tags whycors_noexplain).
func (s *server) explain(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "whycors worker: built without the explain endpoint (whycors_noexplain)", http.StatusNotFound)
}
