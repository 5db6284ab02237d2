package convert

import (
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The capabilities a policy.Format offers conversion, found by type
// assertion. A format package implements the ones its platform has; this
// package names no format (but native, the target the worker needs
// without the others' writers).

// Reader is a format whose configuration has rules: it reads text into
// the neutral model, positioned, with its platform's semantics. The error
// is a policy.Errors, positioned, when the platform refuses the text.
type Reader interface {
	ReadRules(text string) (*portable.Config, error)
}

// MethodSelector is a Writer whose platform picks a rule by the
// request's method as well as its origin, so that a rule listing PUT
// gives a GET no CORS headers (S3, R2, GCS, Azure: cloud-policies.md
// §1.3, §3, §4). From a source that picks by method too, rules keep
// their method lists exact (portable.Rule.MethodsOnly); from any other,
// the writer adds GET, HEAD and POST, which the source answers unlisted.
type MethodSelector interface {
	Writer
	SelectsByMethod()
}

// SourceReader is a Reader whose configuration can span several files or
// take parameters and a chosen resource (policy.SourceParser: a Terraform
// module and its .tfvars, a CloudFormation template and its --param
// values): ReadSourceRules reads all of src, and each position names its
// file (portable.Pos.File) when src has several.
type SourceReader interface {
	Reader
	ReadSourceRules(src policy.Source) (*portable.Config, error)
}

// Stater is a Reader that states the rules of an evaluator its own Parse
// returned for text, without reading text again: one reading then
// serves the verdict, lint and the fix search (explain reads a policy
// once per verdict). ok is false for an evaluator it did not make, and
// the caller reads the text (ReadRules).
type Stater interface {
	Reader
	StateRules(ev policy.Evaluator, text string) (cfg *portable.Config, ok bool)
}

// Writer is a format conversion can write: it maps p onto its own model,
// recording in n what it cannot say exactly (Notes.Note) or at all
// (Notes.Refuse), and returns its text. names are p's rules' names (IDs),
// parallel to p.Rules. A writer returns n.Err() when it refused anything;
// any other error is the target's own validation refusing the result.
type Writer interface {
	WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error)
}

// ModelReader and ModelWriter convert between forms of one platform's
// model directly (S3 XML to S3 JSON, or to R2, which stores S3's model),
// keeping every rule as it is: ReadModel returns the platform's model of
// text, and WriteModel writes m when m is a model it holds (ok false
// otherwise).
type ModelReader interface {
	ReadModel(text string) (any, error)
}

// SourceModelReader is a ModelReader of a configuration of several files
// or with parameters (a Terraform module: the model of the platform its
// one answering resource configures).
type SourceModelReader interface {
	ReadSourceModel(src policy.Source) (any, error)
}

// ModelWriter: see ModelReader.
type ModelWriter interface {
	WriteModel(m any) (out string, ok bool, err error)
}

// NoRules is a format that has no rules to convert from (captured
// replies, a configuration the reader evaluates without a rule model):
// Why says so in the user's words.
type NoRules interface {
	NoRulesWhy() string
}
