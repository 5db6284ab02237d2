// Package convert turns a CORS configuration written for one platform into
// another platform's form (`whycors convert`), without widening it
// at all.
//
// A conversion reads the source with its platform's reader (Read), maps
// its rules onto the neutral rule set of engine/portable, and renders that
// with the target's writer (native.Write, s3.WriteJSON/WriteXML/WriteCLI,
// r2.Write, gcs.Write, azure.Write, apigw.WriteHTTP, nginx.Write,
// express.Write). Conversions between forms of the same platform (S3 XML
// to S3 JSON, or to R2, which stores S3's model) skip the neutral step and
// keep every rule as it is.
//
// Platforms disagree on what a rule means (shared/reference/
// cloud-policies.md): S3 picks the first rule matching origin, method and
// every requested header, and falls through to later rules; Azure picks by
// origin and method with no fall-through on headers; GCS by origin and
// method, ignoring headers; API Gateway HTTP APIs have one rule; S3 and
// Azure send Access-Control-Allow-Credentials: true whenever the origin
// is not "*"; S3 echoes requested headers where API Gateway sends "*"
// literally. The neutral form picks the first rule whose paths and
// origins match, and the CORS-safelisted methods need no listing. Native
// says each platform's choice itself (a rule's "match", the native
// package doc), so a conversion into native keeps S3's, GCS's and
// Azure's rule order and method lists as they are (ToNative).
//
// Where the target (or the neutral form) cannot say what the source
// says, the conversion leaves the entry out and reports a Note with its
// Effect (Narrower: some request the source allows is refused; Differs:
// either, depending on the request or the application). A conversion
// never writes a wider policy: a Wider note (some request the source
// refuses would be allowed) fails it with an *Error that lists them, the
// notes still returned; and so does a result that would be unsafe (any
// origin with credentials into native, a per-path rule into a platform
// without paths). `whycors convert` also refuses a narrower result
// unless told to write it (Changes).
//
// Formats that hold captured replies (raw, har) or whose reader exposes
// no rules (nginx) cannot be converted from.
package convert

import (
	"errors"
	"strconv"

	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"

	"github.com/whycors/whycors/engine/native"
)

// Convert reads text in format from (a name in reg; "auto" detects it)
// and writes it in format to. notes lists every difference in meaning,
// and facts about the target worth knowing; err is a policy.Errors
// (positioned) when the source is refused by its platform, or an *Error
// naming the rule and field the target cannot express.
func Convert(reg *policy.Registry, text, from, to string) (out string, notes []Note, err error) {
	return ConvertSource(reg, policy.Source{Text: text}, from, to)
}

// ConvertSource is Convert of a configuration of several files, or of
// one text with values for its parameters or a chosen resource (a
// Terraform module and its .tfvars, a CloudFormation template and its
// --param values): its format must read such a source (SourceReader).
func ConvertSource(reg *policy.Registry, in policy.Source, from, to string) (out string, notes []Note, err error) {
	target, ok := reg.Lookup(to)
	if ok && to == native.FormatName {
		return toNative(reg, in, from)
	}
	w, isWriter := target.(Writer)
	if !ok || !isWriter {
		return "", nil, &Error{Msg: "cannot write format " + strconv.Quote(to) + "; targets are " + strings.Join(Targets(reg), ", ")}
	}
	if err := oneResource(reg, in, from); err != nil {
		return "", nil, err
	}
	src, err := readAccepted(reg, in, from)
	if err != nil {
		return "", nil, err
	}
	if out, ok, err := sameModel(reg, in, src.Format, target); ok {
		return out, nil, err
	}
	_, byMethod := w.(MethodSelector)
	p, names, from2, notes := toPortable(src, byMethod)
	out, wnotes, err := render(p, from2, to, notes, func(n *portable.Notes) (string, error) {
		return w.WriteRules(p, names, n)
	})
	notes = pairLiteral(append(notes, wnotes...))
	return noWider(out, notes, err)
}

// pairLiteral replaces the source's note that a rule's "*" allowed
// headers are sent as written (wider than the portable form's "*",
// which echoes the names) and the target's note that it sends "*" as
// written (narrower) by one note that nothing changes: both sides send
// the same line (tried as a new user would: Traefik's "*" to nginx was
// refused as wider).
func pairLiteral(notes []Note) []Note {
	used := make([]bool, len(notes))
	var out []Note
	for i, a := range notes {
		if used[i] {
			continue
		}
		if a.Literal && a.Effect == Wider {
			for j := i + 1; j < len(notes); j++ {
				if b := notes[j]; !used[j] && b.Literal && b.Effect != Wider && b.Rule == a.Rule && b.Field == a.Field {
					used[j] = true
					msg := "both send Access-Control-Allow-Headers: * as written, which browsers apply neither to credentialed requests nor, by the standard, to Authorization"
					if a.Field == "methods" {
						msg = "both send Access-Control-Allow-Methods: * as written, which browsers do not apply to credentialed requests"
					}
					a = Note{Rule: a.Rule, Field: a.Field, Effect: Same, Pos: a.Pos, Message: msg}
					break
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// noWider refuses a conversion any note says is wider: convert never
// writes a policy that allows what the source refuses (issue 19). The
// notes stay, to say why. A target's refusal of what it cannot express
// comes first; the refusal of wider rules comes before the target's
// validation of what was written, which such a rule may cause (a rule
// whose methods are unknown here has none to write).
func noWider(out string, notes []Note, err error) (string, []Note, error) {
	var ce *Error
	if err != nil && (!errors.As(err, &ce) || !ce.written) {
		return "", notes, err
	}
	// One sentence said of many rules is said once, with their numbers
	// (tried as a new user would, 101 rules made one line of 14 KB).
	var why []string
	rules := map[string][]string{}
	for _, n := range notes {
		if n.Effect != Wider {
			continue
		}
		key := n.Field + "\x00" + n.Message
		if _, seen := rules[key]; !seen {
			why = append(why, key)
		}
		if n.Rule >= 0 {
			rules[key] = append(rules[key], strconv.Itoa(n.Rule+1))
		} else {
			rules[key] = append(rules[key], "")
		}
	}
	for i, key := range why {
		field, msg, _ := strings.Cut(key, "\x00")
		where := "policy"
		switch ns := rules[key]; {
		case len(ns) == 1 && ns[0] == "":
		case len(ns) == 1:
			where = "rule " + ns[0]
		case len(ns) > 5:
			where = "rules " + strings.Join(ns[:5], ", ") + " and " + strconv.Itoa(len(ns)-5) + " more"
		default:
			where = "rules " + strings.Join(ns, ", ")
		}
		if field != "" && where != "policy" {
			where += " " + field
		}
		why[i] = where + ": " + msg
	}
	if len(why) > 0 {
		return "", notes, &Error{Msg: "the converted policy would allow requests the source refuses, so nothing is written: " + strings.Join(why, "; "), Refused: true}
	}
	if err != nil {
		return "", notes, err
	}
	return out, notes, nil
}

// Changes lists the notes that change some allow/deny decision
// (Narrower or Differs; a Wider one fails the conversion), for a caller
// that writes a narrower policy only when told to.
func Changes(notes []Note) []Note {
	var out []Note
	for _, n := range notes {
		if n.Effect == Narrower || n.Effect == Differs || n.Effect == Wider {
			out = append(out, n)
		}
	}
	return out
}

// ToNative is Convert(reg, text, from, "native"). It is its own function
// so that a program converting to native only (the edge worker, which
// converts the configured policy when it starts) links no other target's
// writer: each writer it leaves out is wasm the worker's cold start would
// otherwise load.
func ToNative(reg *policy.Registry, text, from string) (out string, notes []Note, err error) {
	return toNative(reg, policy.Source{Text: text}, from)
}

func toNative(reg *policy.Registry, in policy.Source, from string) (out string, notes []Note, err error) {
	if err := oneResource(reg, in, from); err != nil {
		return "", nil, err
	}
	src, err := readAccepted(reg, in, from)
	if err != nil {
		return "", nil, err
	}
	if src.Format == native.FormatName {
		p, err := native.Parse(in.Main())
		if err != nil {
			return "", nil, err
		}
		return native.Write(p), nil, nil
	}
	nt := toNeutral(src, true, false)
	out, wnotes, err := render(nt.p, nt.from, native.FormatName, nil, func(n *portable.Notes) (string, error) {
		return native.FromPortableSelect(nt.p, nt.sel, nt.names, n)
	})
	return noWider(out, append(nt.notes, wnotes...), err)
}

// oneResource refuses a template or module of several resources with
// CORS when none is chosen: each answers its own host, which no rule
// list of one policy can keep apart, so their rules together would
// answer each one's requests with the others' (tried as a new user
// would: a bucket, an HTTP API and a GCS bucket became three rules of
// one native policy, wider than each).
func oneResource(reg *policy.Registry, in policy.Source, from string) error {
	f, err := reg.Resolve(from, in)
	if err != nil {
		return nil // ReadSource says why
	}
	if names := policy.Unchosen(f, in); names != nil {
		return &Error{Msg: "several resources have a CORS configuration (" + strings.Join(names, ", ") + "), each answering its own requests: convert one at a time with --resource NAME", Refused: true}
	}
	return nil
}

// readAccepted reads the source and refuses one its platform refuses at
// upload: converting what never runs would only move the fault.
func readAccepted(reg *policy.Registry, in policy.Source, from string) (*Source, error) {
	src, err := ReadSource(reg, in, from)
	if err != nil {
		return nil, err
	}
	if len(src.Rejects) > 0 {
		return nil, src.Rejects
	}
	return src, nil
}

// sameModel converts between forms of one platform's model directly,
// when the source can read its model (a template: of its one answering
// resource) and the target holds it.
func sameModel(reg *policy.Registry, in policy.Source, from string, target policy.Format) (string, bool, error) {
	f, _ := reg.Lookup(from)
	mw, ok := target.(ModelWriter)
	if !ok {
		return "", false, nil
	}
	var m any
	var err error
	switch r := f.(type) {
	case SourceModelReader:
		m, err = r.ReadSourceModel(in)
	case ModelReader:
		if !in.OneText() {
			return "", false, nil
		}
		m, err = r.ReadModel(in.Text)
	default:
		return "", false, nil
	}
	if err != nil || m == nil {
		return "", false, nil // Read accepted the text: leave it to the neutral path
	}
	out, ok, err := mw.WriteModel(m)
	var es policy.Errors
	if errors.As(err, &es) {
		// The target's own limits, on a source its own platform takes
		// (R2's port wildcard and max age on an S3 rule): the target
		// refuses the conversion, which is no fault of the input.
		// Tried as a new user would, it was an input error, exit 2,
		// positioned as if the S3 text were wrong.
		msgs := make([]string, len(es))
		for i, e := range es {
			msgs[i] = e.Error()
		}
		return "", true, &Error{Msg: target.Name() + " refuses the converted policy: " + strings.Join(msgs, "; "), Refused: true}
	}
	return out, ok, err
}
