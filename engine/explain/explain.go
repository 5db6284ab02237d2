package explain

import "errors"

// ErrNotImplemented is returned until the browser model lands.
var ErrNotImplemented = errors.New("explain: not implemented yet")

// Explain walks the scenario through the browser model and the server.
func Explain(s Scenario) (Verdict, error) {
	return Verdict{Browser: s.Browser}, ErrNotImplemented
}
