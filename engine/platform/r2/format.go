package r2

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// doc is the reference R2's evaluation rests on, for the explainer's
// steps when a rule trace carries no source of its own.
const doc = "shared/reference/cloud-policies.md §2 (R2; taken as S3's §1.3 [UNVERIFIED])"

// format is one form of an R2 policy as a policy.Format, with the
// capabilities the engine finds by type assertion: reading into the
// neutral model (ReadRules) or S3's model, which R2 stores (ReadModel),
// writing from either (WriteRules, WriteModel; write.go), editing the
// user's text (EditText), naming the platform and its reference.
type format Form

func (f *format) Name() string { return string(*f) }

// Title implements policy.Titled.
func (f *format) Title() string {
	switch Form(*f) {
	case FormAPI:
		return "R2 bucket CORS: Cloudflare API JSON"
	case FormJSON:
		return "R2 bucket CORS: dashboard JSON"
	case FormCLI:
		return "R2 bucket CORS: S3-compatible CLI JSON"
	case FormXML:
		return "R2 bucket CORS: S3-compatible XML"
	}
	return string(*f)
}
func (f *format) Detect(text string) (bool, string) {
	if Form(*f) != FormAPI {
		return false, ""
	}
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") && strings.Contains(t, `"rules"`) && strings.Contains(t, `"allowed"`) {
		return true, `a JSON object with "rules" whose items have "allowed" (the Cloudflare R2 API shape)`
	}
	return false, ""
}
func (f *format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(Form(*f), text)
	if err != nil {
		return nil, err
	}
	return Bucket{CORS: c}, nil
}

// ReadRules implements convert.Reader: the rules in the neutral model,
// with S3's semantics, which R2 is taken to follow ([UNVERIFIED],
// cloud-policies.md §2). What R2 refuses is an error, as Parse reports
// it: R2's own checks have no rule-level findings for lint to add.
func (f *format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(Form(*f), text)
	if err != nil {
		return nil, err
	}
	return &portable.Config{Format: f.Name(), Semantics: s3.Semantics(), Rules: s3.PortableRules(c)}, nil
}

// StateRules implements convert.Stater: the rules of a Bucket Parse
// returned.
func (f *format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	b, ok := ev.(Bucket)
	if !ok || b.CORS == nil {
		return nil, false
	}
	return &portable.Config{Format: f.Name(), Semantics: s3.Semantics(), Rules: s3.PortableRules(b.CORS)}, true
}

// ReadModel implements convert.ModelReader: S3's *Configuration, which
// R2 stores, validated as R2 does, for a conversion to another form of
// it (an R2 or S3 target) that keeps every rule as it is.
func (f *format) ReadModel(text string) (any, error) {
	c, err := Parse(Form(*f), text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// EditText implements fix.Editor: the API shape keeps origins, methods
// and headers under "allowed" (cloud-policies.md §2 form (c)); the other
// forms are S3's text, edited as S3's.
func (f *format) EditText(text string, e fix.Edit) (string, error) {
	if Form(*f) == FormAPI {
		return fix.EditJSON(text, apiKeys, e)
	}
	return s3.Edit(s3Form(Form(*f)), text, e)
}

// apiKeys are the API shape's names for a rule's lists.
var apiKeys = &fix.JSONKeys{Origins: "origins", Methods: "methods", Headers: "headers"}

// FileName implements fix.Editor.
func (f *format) FileName() string {
	if Form(*f) == FormAPI {
		return "cors.json"
	}
	return s3.FileName(s3Form(Form(*f)))
}

// Platform implements lint.Platformer.
func (f *format) Platform() string { return "R2" }

// RepliesFromRulesOnly implements explain.RulesOnly: the service
// answers from its CORS rules alone.
func (*format) RepliesFromRulesOnly() {}

// Doc implements explain.Documented.
func (f *format) Doc() string { return doc }

// s3Form is the S3 form whose text an R2 form shares ("" for the API
// shape, R2's own).
func s3Form(f Form) s3.Form {
	switch f {
	case FormJSON:
		return s3.FormJSON
	case FormCLI:
		return s3.FormCLI
	case FormXML:
		return s3.FormXML
	}
	return ""
}

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them). Every form is also a conversion target.
func Formats() []policy.Format {
	fs := []format{format(FormAPI), format(FormJSON), format(FormCLI), format(FormXML)}
	return []policy.Format{&fs[0], &fs[1], &fs[2], &fs[3]}
}
