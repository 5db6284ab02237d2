package s3

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// doc is the reference S3's evaluation rests on, for the explainer's
// steps when a rule trace carries no source of its own (Source is the one
// each matching rule's trace cites).
const doc = "shared/reference/cloud-policies.md §1.3 (S3: first rule matching origin, method and every requested header)"

// format is one form of S3's configuration as a policy.Format, with the
// capabilities the engine finds by type assertion: reading into the
// neutral model (ReadRules, rules.go) or S3's own (ReadModel), editing
// the user's text (EditText, edit.go), naming the platform and its
// reference. A form conversion can also write is a target (write.go).
type format struct {
	form   Form
	detect func(t string) (bool, string)
}

func (f *format) Name() string { return string(f.form) }

// Title implements policy.Titled.
func (f *format) Title() string {
	switch f.form {
	case FormXML:
		return "S3 bucket CORS: XML (PutBucketCors)"
	case FormJSON:
		return "S3 bucket CORS: JSON (the console)"
	case FormCLI:
		return "S3 bucket CORS: aws s3api JSON"
	case FormCloudFormation:
		return "S3 bucket CORS: CloudFormation CorsRules"
	}
	return string(f.form)
}
func (f *format) Detect(text string) (bool, string) { return f.detect(strings.TrimSpace(text)) }
func (f *format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return Bucket{CORS: c}, nil
}

// ReadRules implements convert.Reader: the rules in the neutral model,
// with S3's semantics. What PutBucketCors would refuse is not an error
// here but the Config's Rejects, so that lint can still look at the rules
// and say why S3 refuses them.
func (f *format) ReadRules(text string) (*portable.Config, error) {
	c, errs := Read(f.form, text)
	if len(errs) > 0 {
		return nil, errs
	}
	return &portable.Config{Format: f.Name(), Semantics: Semantics(), Rules: PortableRules(c), Rejects: Validate(c)}, nil
}

// StateRules implements convert.Stater: the rules of a Bucket Parse
// returned (Parse validated them, so Rejects is empty).
func (f *format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	b, ok := ev.(Bucket)
	if !ok || b.CORS == nil {
		return nil, false
	}
	return &portable.Config{Format: f.Name(), Semantics: Semantics(), Rules: PortableRules(b.CORS), Rejects: Validate(b.CORS)}, true
}

// ReadModel implements convert.ModelReader: the *Configuration of text,
// validated as PutBucketCors would, for a conversion to another form of
// S3's model (an S3 or R2 target) that keeps every rule as it is.
func (f *format) ReadModel(text string) (any, error) {
	c, err := Parse(f.form, text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// EditText implements fix.Editor (edit.go).
func (f *format) EditText(text string, e fix.Edit) (string, error) { return Edit(f.form, text, e) }

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (f *format) FileName() string { return FileName(f.form) }

// Platform implements lint.Platformer.
func (f *format) Platform() string { return "S3" }

// RepliesFromRulesOnly implements explain.RulesOnly: the service
// answers from its CORS rules alone.
func (*format) RepliesFromRulesOnly() {}

// Doc implements explain.Documented.
func (f *format) Doc() string { return doc }

// jsonKey reports whether text has "name" followed by a colon (spaces
// between), as an object's key has it.
func jsonKey(text, name string) bool {
	q := `"` + name + `"`
	for i := 0; ; {
		j := strings.Index(text[i:], q)
		if j < 0 {
			return false
		}
		k := i + j + len(q)
		for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r') {
			k++
		}
		if k < len(text) && text[k] == ':' {
			return true
		}
		i = i + j + 1
	}
}

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them). The console, CLI and XML forms are conversion targets;
// CloudFormation is read only (whycors writes no template).
func Formats() []policy.Format {
	return []policy.Format{&target{format{FormXML, func(t string) (bool, string) {
		if strings.HasPrefix(t, "<") && strings.Contains(t, "<CORSConfiguration") {
			return true, "an XML document with a CORSConfiguration element"
		}
		return false, ""
	}}},
		&target{format{FormJSON, func(t string) (bool, string) {
			// "AllowedOrigins" as a key: a CloudFormation parameter
			// file ([{"ParameterKey": "AllowedOrigins", ...}]) has it
			// as a value.
			// MaxAgeInSeconds is Azure's (`az storage cors list`),
			// where S3 spells it MaxAgeSeconds.
			if strings.HasPrefix(t, "[") && jsonKey(t, "AllowedOrigins") && !jsonKey(t, "MaxAgeInSeconds") {
				return true, "a JSON array whose items have AllowedOrigins (the S3 console's form)"
			}
			return false, ""
		}}},
		&target{format{FormCLI, func(t string) (bool, string) {
			if strings.HasPrefix(t, "{") && strings.Contains(t, `"CORSRules"`) {
				return true, `a JSON object with "CORSRules" (the AWS CLI's form)`
			}
			return false, ""
		}}},
		&format{FormCloudFormation, func(t string) (bool, string) {
			// A whole template (Resources of AWS:: types, as cdk synth
			// writes it) is the cloudformation format's, which reads every
			// resource; this form still reads one when named.
			if strings.HasPrefix(t, "{") && strings.Contains(t, `"CorsRules"`) && !(strings.Contains(t, `"Resources"`) && strings.Contains(t, `"AWS::`)) {
				return true, `a JSON object with "CorsRules" (CloudFormation's AWS::S3::Bucket CorsConfiguration)`
			}
			return false, ""
		}},
	}
}
