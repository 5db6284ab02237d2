package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

func init() {
	register("convert", "rewrite a CORS configuration in another platform's format, noting what changes", runConvert)
}

// runConvert converts one configuration. Exit 0 converted (notes on
// standard error), 1 the target cannot express the policy without allowing
// more, or would refuse some request the source allows and
// --allow-narrower was not given (the reason on standard error, nothing
// written), 2 bad input.
func runConvert(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "", "the format to write: "+strings.Join(convert.Targets(opts.Formats), ", ")+" (required)")
	from := fs.String("from", "auto", "the input's format: "+strings.Join(convert.Sources(opts.Formats), ", ")+", or auto")
	// lint and explain name the input's format --policy-format: the
	// same flag here (tried as a new user would, it was "flag
	// provided but not defined").
	fs.StringVar(from, "policy-format", "auto", "the same as --from, as lint and explain name it")
	asJSON := fs.Bool("json", false, "print {\"output\", \"notes\"} as JSON")
	narrower := fs.Bool("allow-narrower", false, "write the policy even where it refuses requests the source allows (the notes say which)")
	var params listFlag
	fs.Var(&params, "param", "Name=value: a value for a template parameter or Terraform variable (repeatable)")
	resource := fs.String("resource", "", "which resource of a template answers: a CloudFormation logical ID or a Terraform address")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whycors convert --to FORMAT [--from F] [--json] [--allow-narrower] [--param N=V] [--resource R] FILE|DIR|-")
		fmt.Fprintln(stderr, "\nWrites the configuration in another format. A conversion never allows more")
		fmt.Fprintln(stderr, "than the source: what the target cannot express without widening is refused,")
		fmt.Fprintln(stderr, "naming the rule and field. Where the target would refuse some request the")
		fmt.Fprintln(stderr, "source allows (GCS has no credentials, API Gateway has one rule, ...), nothing")
		fmt.Fprintln(stderr, "is written and the notes say what changes, unless --allow-narrower is given.")
		fmt.Fprintln(stderr, "\nExamples:\n  whycors convert --to native s3-cors.json > policy.json")
		fmt.Fprintln(stderr, "  aws s3api get-bucket-cors --bucket b | whycors convert --from s3-cli --to r2-api -")
		fmt.Fprintln(stderr, "  whycors convert --to nginx --json policy.json")
		fmt.Fprintln(stderr, "  whycors convert --to native infra/       # a Terraform module, its .tf and .tfvars files")
		fmt.Fprintln(stderr, "\nExit status: 0 converted, 1 the target cannot express it (or only narrower,")
		fmt.Fprintln(stderr, "without --allow-narrower), 2 bad input. With --json")
		fmt.Fprintln(stderr, "an error is the \"error\" member: {\"message\", \"file\", \"line\", \"column\", \"path\", \"faults\"}.\n\nFlags:")
		fs.PrintDefaults()
	}
	c := &cli{name: "convert", stdout: stdout, stderr: stderr}
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if *to == "" {
		return c.usageError("missing --to FORMAT: the format to write (" + strings.Join(convert.Targets(opts.Formats), ", ") + ")")
	}
	if len(pos) == 0 {
		return c.usageError("missing FILE: the configuration to convert (or - for standard input, or a Terraform module's folder)")
	}
	pmap, err := paramMap(params)
	if err != nil {
		return c.usageError(err.Error())
	}
	inputs := configInputs(pos)
	if len(inputs) != 1 {
		return c.usageError(fmt.Sprintf("one FILE only (or one Terraform module's folder or files); unexpected %q", inputs[1].name))
	}
	name := inputs[0].name
	src, format, err := inputs[0].source(stdin, *from, pmap, *resource)
	if err != nil {
		return c.inputError(2, name, err)
	}
	out, notes, err := convert.ConvertSource(opts.Formats, src, format, *to)
	if changes := convert.Changes(notes); err == nil && len(changes) > 0 && !*narrower {
		out, err = "", narrowerError(changes)
	}
	code = 0
	if err != nil {
		var pe policy.Errors
		var ce *convert.Error
		switch {
		case errors.As(err, &pe):
			code = 2 // the source is refused by its own platform
		case errors.As(err, &ce) && !ce.Refused:
			code = 2 // unknown format, nothing to convert from
		default:
			code = 1
		}
	}
	if *asJSON {
		// The error has the shape of every command's (ErrorReport),
		// beside the notes that say why a refusal happened.
		res := struct {
			Output string         `json:"output"`
			Notes  []convert.Note `json:"notes"`
			Error  *ErrorBody     `json:"error,omitempty"`
		}{Output: out, Notes: notes}
		if res.Notes == nil {
			res.Notes = []convert.Note{}
		}
		if err != nil {
			r := errorReport(name, err)
			res.Error = &r.Error
		}
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return code
	}
	for _, n := range notes {
		where := "policy"
		if n.Rule >= 0 {
			where = "rule " + strconv.Itoa(n.Rule+1) // from 1, as rules are numbered everywhere
			if n.Field != "" {
				where += " " + portable.FieldWords(n.Field)
			}
		}
		if n.Pos.Line > 0 {
			file := name
			if n.Pos.File != "" && !src.OneText() {
				file = n.Pos.File // a module's file
			}
			where = file + ":" + strconv.Itoa(n.Pos.Line) + ":" + strconv.Itoa(n.Pos.Column) + ": " + where
		}
		fmt.Fprintf(stderr, "note: %s (%s): %s\n", where, n.Effect, n.Message)
	}
	if err != nil {
		printInputError(stderr, name, err)
		return code
	}
	fmt.Fprint(stdout, out)
	if !strings.HasSuffix(out, "\n") {
		fmt.Fprintln(stdout)
	}
	return 0
}

// narrowerError names every change of a narrower conversion, for a run
// without --allow-narrower.
func narrowerError(changes []convert.Note) error {
	var why []string
	for _, n := range changes {
		where := "policy"
		if n.Rule >= 0 {
			where = "rule " + strconv.Itoa(n.Rule+1)
			if n.Field != "" {
				where += " " + n.Field
			}
		}
		why = append(why, where+" ("+n.Effect+")")
	}
	return &convert.Error{Refused: true, Msg: "the converted policy would refuse requests the source allows, or answer some differently (" + strings.Join(why, ", ") + "; the notes say how): nothing written; give --allow-narrower to write it anyway"}
}
