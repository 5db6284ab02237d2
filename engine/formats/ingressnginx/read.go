package ingressnginx

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/yamlpos"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
	"go.yaml.in/yaml/v3"
)

// Prefix is the controller's default annotation prefix
// (--annotations-prefix).
const Prefix = "nginx.ingress.kubernetes.io/"

// Manifest is the Ingress objects of a text, in the order written (the
// controller orders Ingresses by creation time; the text's order stands
// for it).
type Manifest struct {
	Ingresses []*Ingress
	text      string
	lines     []int     // byte offset of each line's start
	srv       []*server // the server blocks, built once
}

// Ingress is one networking.k8s.io/v1 Ingress as read.
type Ingress struct {
	Name, Namespace string
	Pos             portable.Pos // its kind: line
	// Annotations are its metadata.annotations as written, in order.
	Annotations []Annotation
	// Cors is what the controller makes of its cors annotations.
	Cors Cors
	// Rules are its spec.rules.
	Rules []Rule
	// UseRegex and RewriteTarget are its use-regex and rewrite-target
	// annotations: a location of the Ingress with either (a target other
	// than its path) turns every location of its host into a
	// case-insensitive regex.
	UseRegex      bool
	RewriteTarget string
	// DefaultBackend is set when it has a spec.defaultBackend.
	DefaultBackend bool
	// annots is the annotations mapping (nil when absent); meta the
	// metadata mapping.
	annots, meta *yaml.Node
	// origin is the template's origin test, nil for * or no origin.
	origin *regexp.Regexp
}

// Annotation is one annotation: its key and value as Kubernetes stores
// them, with where each is written.
type Annotation struct {
	Key, Value string
	KeyPos     portable.Pos
	ValuePos   portable.Pos
	node       *yaml.Node // the value's node
	keyNode    *yaml.Node
}

// Rule is one spec.rules entry.
type Rule struct {
	Host  string // "" serves every host no other server names
	Paths []Path
}

// Path is one http.paths entry.
type Path struct {
	Path string
	Type string // Prefix, Exact or ImplementationSpecific
	Pos  portable.Pos
}

// regex reports whether the location of path is a regex (the
// template's needsRewrite or Rewrite.UseRegex).
func (in *Ingress) regex(path string) bool {
	return in != nil && (in.UseRegex || in.RewriteTarget != "" && in.RewriteTarget != path)
}

// Get returns the annotation named name (without the prefix).
func (in *Ingress) Get(name string) (Annotation, bool) {
	for _, a := range in.Annotations {
		if a.Key == Prefix+name {
			return a, true
		}
	}
	return Annotation{}, false
}

// maxDepth bounds alias resolution and nesting.
const maxDepth = 32

// Parse reads the Ingress objects of text: YAML documents separated by
// ---, each an Ingress, a List of items, or another kind (skipped); or,
// with no Ingress, the annotations alone (a mapping of
// nginx.ingress.kubernetes.io/ keys, bare or under annotations: or
// metadata:), read as an Ingress serving every host and path. Every
// fault is listed, positioned.
func Parse(text string) (*Manifest, error) {
	m, errs := read(text)
	if len(errs) > 0 {
		return nil, errs
	}
	m.srv = m.servers()
	return m, nil
}

func read(text string) (*Manifest, policy.Errors) {
	if len(text) > limits.PolicyText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text too large", Unreadable: true}}
	}
	m := &Manifest{text: text, lines: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
	var errs policy.Errors
	var first *yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(text))
	for doc := 0; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, policy.Errors{syntaxError(err)}
		}
		if len(n.Content) == 0 {
			continue
		}
		root := resolve(n.Content[0])
		if doc == 0 {
			first = root
		}
		m.object(root, "$["+strconv.Itoa(doc)+"]", &errs, true)
	}
	if len(m.Ingresses) == 0 && len(errs) == 0 {
		m.bare(first, &errs)
	}
	if len(m.Ingresses) == 0 && len(errs) == 0 {
		errs = append(errs, &policy.Error{Line: 1, Column: 1, Msg: "no Ingress object in the text: want kind: Ingress (apiVersion networking.k8s.io/v1) with nginx.ingress.kubernetes.io/ annotations", Unreadable: true})
	}
	return m, errs
}

// syntaxError positions a YAML syntax error (yamlpos.Error).
func syntaxError(err error) *policy.Error {
	line, msg := yamlpos.Error(err.Error())
	return &policy.Error{Line: line, Column: 1, Msg: "invalid YAML: " + msg, Unreadable: true}
}

// resolve follows an alias to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

func pos(n *yaml.Node, path string) portable.Pos {
	return portable.Pos{Path: path, Line: n.Line, Column: n.Column}
}

func errAt(n *yaml.Node, path, msg string) *policy.Error {
	return &policy.Error{Path: path, Line: n.Line, Column: n.Column, Msg: msg}
}

// get returns the value of key in mapping n, and its key node.
func get(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1]), n.Content[i]
		}
	}
	return nil, nil
}

// str is a scalar's value, "" for anything else.
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// object reads one Kubernetes object; top is false for a List's items.
func (m *Manifest) object(n *yaml.Node, path string, errs *policy.Errors, top bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	kind, _ := get(n, "kind")
	switch str(kind) {
	case "List":
		if !top {
			return
		}
		items, _ := get(n, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			return
		}
		for i, it := range items.Content {
			m.object(resolve(it), path+".items["+strconv.Itoa(i)+"]", errs, false)
		}
	case "Ingress":
		if in := m.ingress(n, kind, path, errs); in != nil {
			m.Ingresses = append(m.Ingresses, in)
		}
	}
}

// bare reads a text of annotations alone, as users paste them: a
// mapping of nginx.ingress.kubernetes.io/ keys, or one under
// annotations: (or metadata: annotations:), with no kind. It stands for
// an Ingress whose one rule, with no host and the Prefix path /, serves
// every request.
func (m *Manifest) bare(n *yaml.Node, errs *policy.Errors) {
	if n == nil || n.Kind != yaml.MappingNode || len(n.Content) < 2 {
		return
	}
	path := "$"
	var meta *yaml.Node
	if md, _ := get(n, "metadata"); md != nil {
		meta, n, path = md, md, "$.metadata"
	}
	if a, _ := get(n, "annotations"); a != nil {
		if meta == nil {
			meta = n
		}
		n, path = a, path+".annotations"
	}
	if n.Kind != yaml.MappingNode || len(n.Content) < 2 {
		return
	}
	prefixed := false
	for i := 0; i < len(n.Content); i += 2 {
		prefixed = prefixed || strings.HasPrefix(n.Content[i].Value, Prefix)
	}
	if !prefixed {
		return
	}
	in := &Ingress{Name: "(annotations)", Pos: pos(n.Content[0], path), meta: meta}
	m.annotations(in, n, path, errs)
	in.Rules = []Rule{{Paths: []Path{{Path: "/", Type: "Prefix", Pos: in.Pos}}}}
	m.finish(in)
	m.Ingresses = append(m.Ingresses, in)
}

// ingress reads one Ingress, as the API server would accept it.
func (m *Manifest) ingress(n, kind *yaml.Node, path string, errs *policy.Errors) *Ingress {
	in := &Ingress{Pos: pos(kind, path+".kind")}
	fail := func(n *yaml.Node, p, msg string) { *errs = append(*errs, errAt(n, p, msg)) }
	if v, _ := get(n, "apiVersion"); v == nil {
		fail(kind, path, "an Ingress needs apiVersion: networking.k8s.io/v1")
	} else if str(v) != "networking.k8s.io/v1" {
		fail(v, path+".apiVersion", "apiVersion "+strconv.Quote(str(v))+": the controller (v1.x) and Kubernetes 1.22 and later read Ingress only as networking.k8s.io/v1")
	}
	meta, _ := get(n, "metadata")
	in.meta = meta
	if meta == nil || meta.Kind != yaml.MappingNode {
		fail(kind, path, "an Ingress needs metadata with a name")
	} else {
		name, _ := get(meta, "name")
		in.Name = str(name)
		ns, _ := get(meta, "namespace")
		in.Namespace = str(ns)
		if in.Name == "" {
			fail(meta, path+".metadata", "an Ingress needs metadata.name")
		}
		ann, _ := get(meta, "annotations")
		m.annotations(in, ann, path+".metadata.annotations", errs)
	}
	spec, _ := get(n, "spec")
	if spec != nil && spec.Kind == yaml.MappingNode {
		if db, _ := get(spec, "defaultBackend"); db != nil {
			in.DefaultBackend = true
		}
		rules, _ := get(spec, "rules")
		if rules != nil && rules.Kind == yaml.SequenceNode {
			for i, r := range rules.Content {
				in.Rules = append(in.Rules, readRule(resolve(r), path+".spec.rules["+strconv.Itoa(i)+"]", errs))
			}
		} else if rules != nil && rules.Tag != "!!null" {
			fail(rules, path+".spec.rules", "spec.rules is a list")
		}
	}
	m.finish(in)
	return in
}

// finish reads what the controller makes of in's annotations.
func (m *Manifest) finish(in *Ingress) {
	in.Cors = parseCors(in)
	if o := in.Cors.AllowOrigin; len(o) > 0 && !(len(o) == 1 && o[0] == "*") {
		in.origin, _ = regexp.Compile("(?i)" + OriginPattern(o))
	}
	if a, ok := in.Get("use-regex"); ok {
		in.UseRegex, _ = strconv.ParseBool(a.Value)
	}
	if a, ok := in.Get("rewrite-target"); ok {
		in.RewriteTarget = a.Value
	}
}

// annotations reads metadata.annotations: Kubernetes stores a map of
// strings, and the API server refuses any other value (an unquoted true
// or 600 is a YAML bool or int).
func (m *Manifest) annotations(in *Ingress, n *yaml.Node, path string, errs *policy.Errors) {
	if n == nil || n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		*errs = append(*errs, errAt(n, path, "metadata.annotations is a mapping of names to strings"))
		return
	}
	in.annots = n
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		p := path + "[" + strconv.Quote(k.Value) + "]"
		a := Annotation{Key: k.Value, KeyPos: pos(k, p), ValuePos: pos(v, p), node: v, keyNode: k}
		switch {
		case v.Kind != yaml.ScalarNode:
			*errs = append(*errs, errAt(v, p, "an annotation's value is a string, not a list or a mapping"))
			continue
		case v.Tag == "!!null":
			a.Value = ""
		case v.Tag != "!!str" && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0:
			what := "a number"
			if v.Tag == "!!bool" {
				what = "a boolean"
			}
			*errs = append(*errs, errAt(v, p, "the value "+v.Value+" is "+what+", not a string, and Kubernetes refuses such an annotation: quote it (\""+v.Value+"\")"))
			continue
		default:
			a.Value = v.Value
		}
		in.Annotations = append(in.Annotations, a)
	}
}

func readRule(n *yaml.Node, path string, errs *policy.Errors) Rule {
	var r Rule
	if n == nil || n.Kind != yaml.MappingNode {
		return r
	}
	host, _ := get(n, "host")
	r.Host = strings.ToLower(str(host))
	http, _ := get(n, "http")
	paths, _ := get(http, "paths")
	if paths == nil || paths.Kind != yaml.SequenceNode {
		return r
	}
	for i, pn := range paths.Content {
		pn = resolve(pn)
		p := path + ".http.paths[" + strconv.Itoa(i) + "]"
		if pn == nil || pn.Kind != yaml.MappingNode {
			continue
		}
		pv, _ := get(pn, "path")
		tv, _ := get(pn, "pathType")
		e := Path{Path: str(pv), Type: str(tv), Pos: pos(pn, p)}
		switch e.Type {
		case "Prefix", "Exact":
			if e.Path == "" || e.Path[0] != '/' {
				at := pn
				if pv != nil {
					at = pv
				}
				*errs = append(*errs, errAt(at, p+".path", "a "+e.Type+" path must be absolute (start with /)"))
				continue
			}
		case "ImplementationSpecific":
		case "":
			*errs = append(*errs, errAt(pn, p, "pathType is required (Prefix, Exact or ImplementationSpecific)"))
			continue
		default:
			*errs = append(*errs, errAt(tv, p+".pathType", "pathType "+strconv.Quote(e.Type)+" is not one of Prefix, Exact, ImplementationSpecific"))
			continue
		}
		if e.Path == "" {
			e.Path = "/"
		}
		r.Paths = append(r.Paths, e)
	}
	return r
}
