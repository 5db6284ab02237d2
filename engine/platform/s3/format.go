package s3

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

type format struct {
	form   Form
	detect func(t string) (bool, string)
}

func (f format) Name() string                      { return string(f.form) }
func (f format) Detect(text string) (bool, string) { return f.detect(strings.TrimSpace(text)) }
func (f format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return Bucket{CORS: c}, nil
}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format {
	return []policy.Format{format{FormXML, func(t string) (bool, string) {
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CORSConfiguration") {
			return true, "an XML document with a CORSConfiguration element"
		}
		return false, ""
	}},
		format{FormJSON, func(t string) (bool, string) {
			if strings.HasPrefix(t, "[") && strings.Contains(t, `"AllowedOrigins"`) {
				return true, "a JSON array whose items have AllowedOrigins (the S3 console's form)"
			}
			return false, ""
		}},
		format{FormCLI, func(t string) (bool, string) {
			if strings.HasPrefix(t, "{") && strings.Contains(t, `"CORSRules"`) {
				return true, `a JSON object with "CORSRules" (the AWS CLI's form)`
			}
			return false, ""
		}},
		format{FormCloudFormation, func(t string) (bool, string) {
			if strings.HasPrefix(t, "{") && strings.Contains(t, `"CorsRules"`) {
				return true, `a JSON object with "CorsRules" (CloudFormation's AWS::S3::Bucket CorsConfiguration)`
			}
			return false, ""
		}},
	}
}
