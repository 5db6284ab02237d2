package native

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

func init() { policy.Register(format{}) }

// format registers the native JSON policy with the policy package.
type format struct{}

func (format) Name() string { return "native" }

// Detect looks for a JSON object with an "origins" field (lowercase, as
// only this format writes it: S3 says AllowedOrigins, GCS "origin", API
// Gateway AllowOrigins) without parsing.
func (format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return false, ""
	}
	if strings.Contains(t, `"origins"`) {
		return true, `a JSON object with an "origins" field (whycors native policy)`
	}
	return false, ""
}

func (format) Parse(text string) (policy.Evaluator, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return p, nil
}
