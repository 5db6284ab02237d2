package s3

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/platform/internal/xmlpos"
	"github.com/whycors/whycors/engine/policy"
)

// Form names one way of writing a configuration.
type Form string

// The forms this package reads; each is also the policy format name.
const (
	FormXML            Form = "s3-xml"
	FormJSON           Form = "s3-json"
	FormCLI            Form = "s3-cli"
	FormCloudFormation Form = "s3-cloudformation"
)

// fieldNames maps one form's JSON keys to the model's lists.
type fieldNames struct {
	id, origins, methods, headers, expose, maxAge string
}

var (
	// ManageCorsUsing.md (console) and the CLI/SDK use the same plural names.
	consoleNames = fieldNames{"ID", "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds"}
	// AWS::S3::Bucket CorsRule (aws-properties-s3-bucket-corsrule).
	cfnNames = fieldNames{"Id", "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "MaxAge"}
)

func (n fieldNames) all() []string {
	return []string{n.headers, n.methods, n.origins, n.expose, n.id, n.maxAge}
}

// Read reads text written in form, without validating it as S3 would.
// Structural faults (bad JSON or XML, a string where a list belongs, an
// unknown field) are returned, each with its position. Platforms that
// accept S3's forms with their own rules (R2) call Read and then their
// own validation; Parse is Read followed by Validate.
func Read(form Form, text string) (*Configuration, policy.Errors) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	var c *Configuration
	var errs policy.Errors
	switch form {
	case FormXML:
		c, errs = readXML(text)
	case FormJSON, FormCLI, FormCloudFormation:
		// The Configuration keeps nothing of the JSON tree (its lists
		// and positions are its own, TestReadKeepsNoTree): the tree is
		// parsed on borrowed memory, where a fix search's every
		// candidate allocated one (issue 23).
		sc := jsontext.Borrow()
		doc, err := jsonpos.ParseOn(text, sc)
		if err == nil {
			c, errs = readJSON(form, doc)
		}
		sc.Return()
		if err != nil {
			return nil, policy.Errors{err}
		}
	default:
		return nil, policy.Errors{{Msg: "s3: unknown form " + strconv.Quote(string(form))}}
	}
	if c != nil {
		c.Prepare()
	}
	return c, errs
}

// Parse reads text written in form and validates it as PutBucketCors
// would. Every fault is returned as a policy.Errors.
func Parse(form Form, text string) (*Configuration, error) {
	c, errs := Read(form, text)
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := Validate(c); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func readJSON(form Form, doc *jsonpos.Doc) (*Configuration, policy.Errors) {
	var errs policy.Errors
	root := doc.Root
	names := consoleNames
	var list *jsonpos.Value
	path := "$"
	switch form {
	case FormJSON:
		list = root
	case FormCLI:
		// {"CORSRules": [...]}, or boto3's put_bucket_cors argument
		// {"CORSConfiguration": {"CORSRules": [...]}}.
		if v, ok := root.Get("CORSConfiguration"); ok {
			root, path = v, "$.CORSConfiguration"
		}
		v, ok := root.Get("CORSRules")
		if !ok {
			return nil, policy.Errors{doc.Err(root, path, "", `want an object with "CORSRules"`)}
		}
		list, path = v, path+".CORSRules"
		errs = append(errs, unknownKeys(doc, root, path[:len(path)-len(".CORSRules")], "CORSRules")...)
	case FormCloudFormation:
		names = cfnNames
		var perr *policy.Error
		list, path, perr = findCorsRules(doc)
		if perr != nil {
			return nil, policy.Errors{perr}
		}
	}
	if list.Kind != jsonpos.Array {
		return nil, append(errs, doc.Err(list, path, "", "want an array of CORS rules, got "+list.Kind.String()))
	}
	c := &Configuration{Rules: make([]Rule, 0, len(list.Items))}
	at := policy.NewLineCursor(doc.Text)
	for i, item := range list.Items {
		p := jsonpos.Index(path, i)
		r, rerrs := readJSONRule(doc, at, item, p, names, form == FormCloudFormation)
		errs = append(errs, rerrs...)
		c.Rules = append(c.Rules, r)
	}
	return c, errs
}

// findCorsRules finds the rule list in a CloudFormation fragment: the
// CorsConfiguration value, an object holding it, a bucket resource, or a
// template (the first AWS::S3::Bucket with a CorsConfiguration).
func findCorsRules(doc *jsonpos.Doc) (*jsonpos.Value, string, *policy.Error) {
	v, path := doc.Root, "$"
	if res, ok := v.Get("Resources"); ok && res.Kind == jsonpos.Object {
		found := false
		for i, name := range res.Keys {
			r := res.Fields[i]
			if props, ok := r.Get("Properties"); ok {
				if _, ok := props.Get("CorsConfiguration"); ok {
					v, path, found = r, jsonpos.Key("$.Resources", name), true
					break
				}
			}
		}
		if !found {
			return nil, "", doc.Err(res, "$.Resources", "", "no resource has Properties.CorsConfiguration")
		}
	}
	if props, ok := v.Get("Properties"); ok {
		v, path = props, path+".Properties"
	}
	if cc, ok := v.Get("CorsConfiguration"); ok {
		v, path = cc, path+".CorsConfiguration"
	}
	rules, ok := v.Get("CorsRules")
	if !ok {
		return nil, "", doc.Err(v, path, "", `want an object with "CorsRules"`)
	}
	return rules, path + ".CorsRules", nil
}

func unknownKeys(doc *jsonpos.Doc, obj *jsonpos.Value, path string, known ...string) policy.Errors {
	var errs policy.Errors
outer:
	for i, k := range obj.Keys {
		for _, n := range known {
			if k == n {
				continue outer
			}
		}
		msg := "unknown field " + strconv.Quote(k) + "; must be one of: " + strings.Join(known, ", ")
		for _, n := range known {
			if strings.EqualFold(k, n) {
				msg = "unknown field " + strconv.Quote(k) + "; field names are case-sensitive: did you mean " + strconv.Quote(n) + "?"
			}
		}
		errs = append(errs, doc.Err(obj.Fields[i], jsonpos.Key(path, k), "", msg))
	}
	return errs
}

func readJSONRule(doc *jsonpos.Doc, at *policy.LineCursor, v *jsonpos.Value, path string, n fieldNames, lenientInt bool) (Rule, policy.Errors) {
	r := Rule{At: pos(at, v, path)}
	if v.Kind != jsonpos.Object {
		return r, policy.Errors{doc.Err(v, path, "", "want a CORS rule object, got "+v.Kind.String())}
	}
	errs := unknownKeys(doc, v, path, n.all()...)
	// The four lists' strings, their items' positions and their paths
	// are cut from one allocation each: three for the rule, where each
	// list took three and the positions' map two more (a fifth of
	// reading a policy). A list's path p and its items',
	// jsonpos.Index(p, i), are all in one string; the field names are
	// plain identifiers, which jsonpos.Key writes after a dot.
	keys := [NumLists]string{n.origins, n.methods, n.headers, n.expose}
	var fs [NumLists]*jsonpos.Value
	items, pathBytes, given := 0, 0, false
	for l, key := range keys {
		if f, ok := v.Get(key); ok {
			fs[l], given = f, true
			items += len(f.Items)
			// The list's path, then each item's: that path, "[", its
			// index, "]".
			pathBytes += (len(f.Items)+1)*(len(path)+1+len(key)) + len(f.Items)*(2+len(strconv.Itoa(len(f.Items))))
		}
	}
	if given {
		strs, ps, paths := make([]string, 0, items), make([]Position, items), make([]byte, 0, pathBytes)
		for l, f := range fs {
			if f != nil {
				start := len(paths)
				paths = append(append(append(paths, path...), '.'), keys[l]...)
				end := len(paths)
				for i := range f.Items {
					paths = jsonpos.AppendIndex(append(paths, paths[start:end]...), i)
				}
			}
		}
		all, off := wire.String(paths), 0
		for l, f := range fs {
			if f == nil {
				continue
			}
			p := all[off : off+len(path)+1+len(keys[l])]
			off += len(p)
			k := len(f.Items)
			// out is in strs's memory, capped at its own length (nil when
			// the field is not an array, as with no field).
			out := doc.AppendStrings(strs[len(strs):len(strs):len(strs)+k], f, p, &errs)
			strs = strs[:len(strs)+len(out)]
			lps := ps[:k:k]
			ps = ps[k:]
			for i, it := range f.Items {
				// An item's path is p and its index, up to the "]" after p.
				n := len(p) + strings.IndexByte(all[off+len(p):], ']') + 1
				lps[i] = pos(at, it, all[off:off+n])
				off += n
			}
			r.Values[l] = lps
			*r.list(List(l)) = out
		}
	}
	if f, ok := v.Get(n.id); ok {
		if f.Kind != jsonpos.String {
			errs = append(errs, doc.Err(f, jsonpos.Key(path, n.id), "", "want a string, got "+f.Kind.String()))
		}
		r.ID = f.Str
	}
	if f, ok := v.Get(n.maxAge); ok {
		p := jsonpos.Key(path, n.maxAge)
		age, ok := f.Int()
		if !ok && lenientInt && f.Kind == jsonpos.String {
			// CloudFormation accepts integers written as strings.
			if a, err := strconv.ParseInt(f.Str, 10, 32); err == nil {
				age, ok = int(a), true
			}
		}
		if !ok {
			errs = append(errs, doc.Err(f, p, "", "want a whole number of seconds, got "+f.Kind.String()+" "+strconv.Quote(f.Str)))
		} else {
			r.MaxAgeSeconds = &age
		}
	}
	return r, errs
}

// pos is the position of v, at path, read with at.
func pos(at *policy.LineCursor, v *jsonpos.Value, path string) Position {
	l, c := at.LineCol(int(v.Off))
	return Position{Path: path, Line: l, Column: c}
}

// readXML reads the REST API document. S3 validates it against its schema:
// a wrong root, an unknown element or a bad MaxAgeSeconds is MalformedXML
// (cloud-policies.md §1.2).
func readXML(text string) (*Configuration, policy.Errors) {
	root, perr := xmlpos.Parse(text)
	if perr != nil {
		perr.Code = "MalformedXML"
		return nil, policy.Errors{perr}
	}
	if root.Name != "CORSConfiguration" {
		return nil, policy.Errors{xmlpos.Err(root, root.Name, "MalformedXML", MsgMalformedXML+" (the root element must be CORSConfiguration)")}
	}
	var errs policy.Errors
	c := &Configuration{}
	n := 0
	for _, el := range root.Children {
		if el.Name != "CORSRule" {
			errs = append(errs, xmlpos.Err(el, "CORSConfiguration/"+el.Name, "MalformedXML", MsgMalformedXML+" (unexpected element "+el.Name+")"))
			continue
		}
		p := xmlpos.Path("CORSConfiguration", "CORSRule", n)
		n++
		r := Rule{At: Position{p, el.Line, el.Column}}
		seen := map[string]int{}
		add := func(l List, child *xmlpos.Element) {
			i := seen[child.Name]
			list := r.list(l)
			*list = append(*list, child.Text)
			r.Values[l] = append(r.Values[l], Position{xmlpos.Path(p, child.Name, i), child.Line, child.Column})
		}
		for _, ch := range el.Children {
			cp := xmlpos.Path(p, ch.Name, seen[ch.Name])
			if len(ch.Children) > 0 {
				errs = append(errs, xmlpos.Err(ch, cp, "MalformedXML", MsgMalformedXML+" ("+ch.Name+" must hold text only)"))
			}
			switch ch.Name {
			case "AllowedOrigin":
				add(OriginsList, ch)
			case "AllowedMethod":
				add(MethodsList, ch)
			case "AllowedHeader":
				add(HeadersList, ch)
			case "ExposeHeader":
				add(ExposeList, ch)
			case "ID":
				if seen["ID"] > 0 {
					errs = append(errs, xmlpos.Err(ch, cp, "MalformedXML", MsgMalformedXML+" (more than one ID)"))
				}
				r.ID = ch.Text
			case "MaxAgeSeconds":
				if seen["MaxAgeSeconds"] > 0 {
					errs = append(errs, xmlpos.Err(ch, cp, "MalformedXML", MsgMalformedXML+" (more than one MaxAgeSeconds)"))
				}
				a, err := strconv.ParseInt(strings.TrimSpace(ch.Text), 10, 32)
				if err != nil {
					errs = append(errs, xmlpos.Err(ch, cp, "MalformedXML", MsgMalformedXML+" (MaxAgeSeconds must be a whole number, got "+strconv.Quote(ch.Text)+")"))
				} else {
					age := int(a)
					r.MaxAgeSeconds = &age
				}
			default:
				errs = append(errs, xmlpos.Err(ch, cp, "MalformedXML", MsgMalformedXML+" (unexpected element "+ch.Name+" in CORSRule)"))
			}
			seen[ch.Name]++
		}
		c.Rules = append(c.Rules, r)
	}
	return c, errs
}

func itoa(n int) string { return strconv.Itoa(n) }
