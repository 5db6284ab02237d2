package cloudformation

import (
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/policy"
)

// EditText implements fix.Editor: e made in the template, in its one
// resource's CORS block (EditSource).
func (f *format) EditText(text string, e fix.Edit) (string, error) {
	return f.EditSource(policy.Source{Text: text}, e)
}

// EditSource implements fix.SourceEditor: e made in src's template, in
// the CORS block of the resource src chooses (Resource, else the only
// one), as a splice of bytes at the node's position: comments, quoting
// style, indentation and the list's form (a flow list [a, b] or a block
// list of "- a" lines) stay as they are. A template of several resources
// answering by URL and no Resource is not edited (which one answers is
// not known from the text alone).
func (*format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	t, err := Read(src)
	if err != nil {
		return "", err
	}
	if e.Op == fix.CacheKey {
		return editCacheKey(t, e) // cdnedit.go
	}
	r := t.chosen
	if r == nil {
		return "", fix.ErrUnsupported
	}
	ed := &editor{d: t.doc}
	switch {
	case r.Methods != nil:
		return ed.restMethod(r, e)
	case r.S3 != nil:
		if e.Rule < 0 || e.Rule >= len(r.rules) {
			return "", fix.ErrNotFound
		}
		key := map[string]string{fix.Origins: "AllowedOrigins", fix.Methods: "AllowedMethods", fix.AllowHeaders: "AllowedHeaders", fix.ExposeHeaders: "ExposedHeaders"}[e.Field]
		if key == "" {
			// S3 decides credentials from the origins (§0 item 4).
			return "", fix.ErrUnsupported
		}
		return ed.list(r.rules[e.Rule], key, e)
	case r.HTTP != nil && e.Op == fix.PreflightWithoutAuth:
		return ed.preflightRoute(r)
	case r.HTTP != nil || r.Lambda != nil:
		// An HTTP API's and a function URL's Cors name their lists alike.
		if e.Rule != 0 {
			return "", fix.ErrNotFound
		}
		if strings.HasPrefix(r.block.path, "$.Globals") && sharedGlobals(t) {
			// The resource has no configuration of its own: an edit of
			// the Globals would change every resource that takes them.
			return "", fix.ErrUnsupported
		}
		if e.Field == fix.Credentials {
			return ed.enable(r.block, "AllowCredentials")
		}
		key := map[string]string{fix.Origins: "AllowOrigins", fix.Methods: "AllowMethods", fix.AllowHeaders: "AllowHeaders"}[e.Field]
		if key == "" {
			return "", fix.ErrUnsupported
		}
		return ed.list(r.block, key, e)
	case r.REST != nil && e.Op == fix.ErrorHeaders:
		return ed.gatewayResponse(r, e)
	case r.REST != nil && e.Op == fix.PreflightWithoutAuth:
		if r.Auth == nil || r.Auth.at == nil {
			return "", fix.ErrNotFound
		}
		if v := r.Auth.at.get("AddDefaultAuthorizerToCorsPreflight"); v != nil {
			return ed.replaceScalar(v, "false")
		}
		return ed.insertEntry(r.Auth.at, "AddDefaultAuthorizerToCorsPreflight", " false")
	case r.REST != nil:
		return ed.sam(r.block, e)
	case r.CloudFront != nil:
		if e.Rule != 0 {
			return "", fix.ErrNotFound
		}
		if e.Field == fix.Credentials {
			return ed.enable(r.block, cloudfront.FieldAllowCredentials)
		}
		key := map[string]string{fix.Origins: cloudfront.FieldAllowOrigins, fix.Methods: cloudfront.FieldAllowMethods, fix.AllowHeaders: cloudfront.FieldAllowHeaders}[e.Field]
		w := r.block.get(key)
		if key == "" || w == nil {
			// A missing list would need its Items wrapper: not written.
			return "", fix.ErrUnsupported
		}
		return ed.list(w, "Items", e)
	}
	return "", fix.ErrUnsupported
}

// gatewayResponse adds to r's SAM API a gateway response of type e.Old
// (DEFAULT_4XX) whose headers let the page read API Gateway's own error
// (sam-property-api-gatewayresponse.html: ResponseParameters.Headers,
// values in single quotes as mapping expressions): the Cors
// AllowOrigin when it admits the page (its own '*' or the page's
// origin), else the page's origin, and credentials when Cors allows
// them. It goes into the API's GatewayResponses, which it creates when
// the API has none; a response of that type already there is not
// changed (ErrUnsupported: its headers are the user's to mend).
func (ed *editor) gatewayResponse(r *Resource, e fix.Edit) (string, error) {
	if r.Type != TypeSAMAPI || r.props == nil || len(e.Values) != 1 || e.Old == "" {
		return "", fix.ErrUnsupported
	}
	origin := e.Values[0]
	if o := r.REST.AllowOrigin; o == "*" || o == origin {
		origin = o
	}
	hdrs := [][2]string{{"Access-Control-Allow-Origin", "'" + origin + "'"}}
	if r.REST.AllowCredentials {
		hdrs = append(hdrs, [2]string{"Access-Control-Allow-Credentials", "'true'"})
	}
	gr := r.props.get("GatewayResponses")
	if gr != nil && (gr.kind != mapK || gr.get(e.Old) != nil) {
		return "", fix.ErrUnsupported
	}
	if ed.d.json {
		var h []string
		for _, kv := range hdrs {
			h = append(h, strconv.Quote(kv[0])+": "+strconv.Quote(kv[1]))
		}
		entry := `{"ResponseParameters": {"Headers": {` + strings.Join(h, ", ") + `}}}`
		if gr == nil {
			return ed.insertEntry(r.props, "GatewayResponses", `{`+strconv.Quote(e.Old)+`: `+entry+`}`)
		}
		return ed.insertEntry(gr, e.Old, entry)
	}
	// YAML: a block mapping, indented two spaces a level below the
	// mapping it goes into.
	into, key := r.props, "GatewayResponses"
	if gr != nil {
		into, key = gr, e.Old
	}
	if len(into.keys) == 0 || into.flow {
		return "", fix.ErrUnsupported
	}
	ind := strings.Repeat(" ", into.keys[0].col-1)
	var b strings.Builder
	lvl := ind + "  "
	if gr == nil {
		b.WriteString("\n" + lvl + e.Old + ":")
		lvl += "  "
	}
	b.WriteString("\n" + lvl + "ResponseParameters:\n" + lvl + "  Headers:")
	for _, kv := range hdrs {
		b.WriteString("\n" + lvl + "    " + kv[0] + ": " + strconv.Quote(kv[1]))
	}
	return ed.insertEntry(into, key, b.String())
}

// preflightRoute adds, beside a SAM HttpApi's $default event with an
// authorizer, the event of an OPTIONS /{proxy+} route without one (SAM's
// Auth.Authorizer: NONE), on the same function and API: API Gateway
// answers a preflight there with the API's CORS configuration, where
// the $default route's authorizer refused it (http-api-cors.html,
// "Configuring CORS for an HTTP API with a $default route and an
// authorizer"). Only the SAM event form is written.
func (ed *editor) preflightRoute(r *Resource) (string, error) {
	if ed.d.json {
		return "", fix.ErrUnsupported
	}
	for _, rt := range r.Routes {
		if rt.Path != "$default" || rt.Function == "" || rt.Authorizer == "NONE" {
			continue
		}
		events := ed.d.root.get("Resources").get(rt.Function).get("Properties").get("Events")
		if events == nil || events.kind != mapK || events.flow || len(events.keys) == 0 {
			return "", fix.ErrUnsupported
		}
		var def *node
		for i, k := range events.keys {
			if k.line == rt.Line || events.vals[i].line == rt.Line {
				def = events.vals[i]
			}
		}
		api := def.get("Properties").get("ApiId")
		if def == nil || api == nil || api.line < 1 || api.line > len(ed.d.lines) || events.get("CorsPreflight") != nil {
			return "", fix.ErrUnsupported
		}
		apiText := strings.TrimSpace(ed.d.text[api.off:lineEnd(ed.d.text, ed.d.lines[api.line-1])])
		lvl := strings.Repeat(" ", events.keys[0].col-1) + "  "
		body := "\n" + lvl + "Type: HttpApi\n" + lvl + "Properties:\n" + lvl + "  ApiId: " + apiText + "\n" + lvl + "  Path: /{proxy+}\n" + lvl + "  Method: options\n" + lvl + "  Auth:\n" + lvl + "    Authorizer: NONE"
		return ed.insertEntry(events, "CorsPreflight", body)
	}
	return "", fix.ErrUnsupported
}

// ChooseLayerEdit implements fix.LayerEditor for an API whose authorizer
// refused the exchange: a refused preflight is let through without the
// authorizer (a browser sends no credentials on a preflight, so an
// authorizer on OPTIONS refuses them all); a refused request gets CORS
// headers on its gateway response, so the page reads the 401 or 403
// and can ask the user to sign in again, instead of a CORS error.
func (*format) ChooseLayerEdit(b fix.Blocked) (fix.Edit, string, bool) {
	if b.DecidedBy == "cdn" {
		return chooseCacheKey(b) // cdnedit.go
	}
	if b.DecidedBy == "integration" {
		return chooseIntegrationEdit(b) // restapi.go
	}
	if b.DecidedBy != "authorizer" {
		return fix.Edit{}, "", false
	}
	if b.PreflightFailed {
		for _, r := range b.Rules {
			if r.Source == apigw.SourceAuthorizerHTTP {
				return fix.Edit{Op: fix.PreflightWithoutAuth},
					"add an OPTIONS /{proxy+} route without authorization beside the $default route, which API Gateway then answers preflights on with the API's CORS configuration: a browser sends no credentials on a preflight, so the authorizer refuses every one (http-api-cors.html)", true
			}
		}
		return fix.Edit{Op: fix.PreflightWithoutAuth},
			"set AddDefaultAuthorizerToCorsPreflight: false in the API's Auth: a browser sends no credentials on a preflight, so the authorizer refuses every one", true
	}
	typ := "DEFAULT_4XX"
	if b.Status >= 500 {
		typ = "DEFAULT_5XX"
	}
	return fix.Edit{Op: fix.ErrorHeaders, Old: typ, Values: []string{b.Origin}},
		"give the API's " + typ + " gateway response CORS headers, so the page reads the authorizer's " + strconv.Itoa(b.Status) + " (and can ask the user to sign in again) instead of a CORS error", true
}

// FileName implements fix.Editor.
func (*format) FileName() string { return "template.yaml" }

type editor struct{ d *doc }

var errIntrinsic = errors.New("the value comes from an intrinsic function (!Ref, !Sub, ...): change the parameter's value or the function, not the template's literal")

// list makes e in the list under key of the mapping m.
func (ed *editor) list(m *node, key string, e fix.Edit) (string, error) {
	own := m
	if m.own != nil {
		own = m.own
	}
	l := m.get(key)
	if l != nil && own != m && own.get(key) == nil {
		// The Globals' list alone: the resource's own list of the new
		// values, which SAM adds to it, changes this resource only
		// (found by an adversarial review: the Globals were edited,
		// and every other API allowed the origin too).
		if e.Op != fix.Add {
			return "", fix.ErrUnsupported
		}
		return ed.insertKey(own, key, e.Values)
	}
	if l == nil {
		if e.Op != fix.Add {
			return "", fix.ErrNotFound
		}
		return ed.insertKey(own, key, e.Values)
	}
	if l.kind != seqK || l.tag != "" {
		return "", errIntrinsic
	}
	switch e.Op {
	case fix.Add:
		text := ed.d.text
		for _, v := range e.Values {
			nt, err := (&editor{d: ed.reread(text)}).appendItem(ed.relocate(text, l), v)
			if err != nil {
				return "", err
			}
			text = nt
		}
		return text, nil
	case fix.Replace:
		for _, it := range l.items {
			if it.kind == scalarK && it.tag == "" && it.str == e.Old && len(e.Values) == 1 {
				return ed.replaceScalar(it, e.Values[0])
			}
		}
		return "", fix.ErrNotFound
	}
	return "", fix.ErrUnsupported
}

// reread and relocate let list add several values one after another:
// the first insertion moves every later offset, so the document is read
// again and the list found at its path.
func (ed *editor) reread(text string) *doc {
	if text == ed.d.text {
		return ed.d
	}
	d, err := readDoc(text, ed.d.file)
	if err != nil {
		return ed.d
	}
	return d
}

func (ed *editor) relocate(text string, l *node) *node {
	if text == ed.d.text {
		return l
	}
	d := ed.reread(text)
	if n := findPath(d.root, l.path); n != nil {
		return n
	}
	return l
}

func findPath(n *node, path string) *node {
	if n == nil {
		return nil
	}
	if n.path == path {
		return n
	}
	for _, v := range n.vals {
		if strings.HasPrefix(path, v.path) {
			if f := findPath(v, path); f != nil {
				return f
			}
		}
	}
	for _, v := range n.items {
		if strings.HasPrefix(path, v.path) {
			if f := findPath(v, path); f != nil {
				return f
			}
		}
	}
	return nil
}

// write is v as a scalar in style s (fix.Apply has refused anything
// that would need escaping).
func write(v string, s style) string {
	switch s {
	case double:
		return strconv.Quote(v)
	case single:
		return "'" + v + "'"
	}
	return v
}

// itemStyle is how a new item of l is written: as its last item is.
func (ed *editor) itemStyle(l *node) style {
	if ed.d.json {
		return double
	}
	for i := len(l.items) - 1; i >= 0; i-- {
		if it := l.items[i]; it.kind == scalarK && it.tag == "" && it.style != block {
			return it.style
		}
	}
	return plain
}

func (ed *editor) appendItem(l *node, v string) (string, error) {
	text := ed.d.text
	val := write(v, ed.itemStyle(l))
	if l.flow {
		if len(l.items) == 0 {
			end := closeOf(text, l.off)
			if end < 0 {
				return "", fix.ErrNotFound
			}
			return fix.Insert(text, end, val), nil
		}
		last := l.items[len(l.items)-1]
		end := ed.valueEnd(last)
		if end < 0 {
			return "", fix.ErrUnsupported
		}
		sep := ", "
		if ed.d.json && strings.Contains(text, `","`) && !strings.Contains(text, `", "`) {
			sep = "," // a minified template
		}
		if len(l.items) >= 2 {
			prev := l.items[len(l.items)-2]
			if pe := ed.valueEnd(prev); pe >= 0 && pe <= last.off {
				sep = text[pe:last.off]
			}
		} else if last.line != l.line {
			ind, _ := fix.LineIndent(text, last.off)
			sep = ",\n" + ind
		}
		return fix.Insert(text, end, sep+val), nil
	}
	last := l.items[len(l.items)-1]
	after := last.off // the last item's last line: a scalar's, or a flow item's end
	if last.kind != scalarK {
		end := ed.valueEnd(last)
		if !last.flow || end < 0 {
			return "", fix.ErrUnsupported
		}
		after = end
	}
	start := strings.LastIndexByte(text[:last.off], '\n') + 1
	prefix := text[start:last.off]
	if strings.TrimLeft(prefix, " ") != "- " && strings.TrimLeft(prefix, " ") != "-" {
		return "", fix.ErrUnsupported
	}
	if strings.TrimLeft(prefix, " ") == "-" {
		prefix += " "
	}
	return fix.Insert(text, lineEnd(text, after), "\n"+prefix+val), nil
}

func lineEnd(text string, off int) int {
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		e := off + i
		if e > 0 && text[e-1] == '\r' {
			e--
		}
		return e
	}
	return len(text)
}

func (ed *editor) replaceScalar(n *node, v string) (string, error) {
	end := ed.valueEnd(n)
	if end < 0 || n.style == block {
		return "", fix.ErrUnsupported
	}
	s := n.style
	if ed.d.json && n.quoted {
		s = double
	}
	return ed.d.text[:n.off] + write(v, s) + ed.d.text[end:], nil
}

// enable sets the boolean key of m to true.
func (ed *editor) enable(m *node, key string) (string, error) {
	own := m
	if m.own != nil {
		own = m.own
	}
	v := m.get(key)
	if v == nil || own != m && own.get(key) == nil {
		// The resource's own key, over the Globals' (SAM: its
		// value wins).
		return ed.insertKey(own, key, nil)
	}
	if v.kind != scalarK || v.tag != "" {
		return "", errIntrinsic
	}
	if v.str == "true" {
		return ed.d.text, nil
	}
	return ed.replaceScalar(v, "true")
}

// insertKey adds key to the mapping m after its last entry, indented as
// its keys: a list of values (nil: the boolean true). A YAML list is
// written as m's other lists are (flow or block).
func (ed *editor) insertKey(m *node, key string, values []string) (string, error) {
	if m.kind != mapK || m.tag != "" || len(m.keys) == 0 {
		return "", fix.ErrUnsupported
	}
	if ed.d.json {
		val := "true"
		if values != nil {
			q := make([]string, len(values))
			for i, v := range values {
				q[i] = strconv.Quote(v)
			}
			val = "[" + strings.Join(q, ", ") + "]"
		}
		return ed.insertEntry(m, key, val)
	}
	ind := strings.Repeat(" ", m.keys[0].col-1)
	val := " true"
	if values != nil {
		flow, prefix := false, ind+"  - "
		st := plain
		for _, v := range m.vals {
			if v.kind == seqK && v.tag == "" && len(v.items) > 0 {
				flow, st = v.flow, ed.itemStyle(v)
				if !flow {
					it := v.items[0]
					prefix = ed.d.text[strings.LastIndexByte(ed.d.text[:it.off], '\n')+1 : it.off]
				}
				break
			}
		}
		var b strings.Builder
		if flow {
			b.WriteString(" [")
			for i, v := range values {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(write(v, st))
			}
			b.WriteString("]")
		} else {
			for _, v := range values {
				b.WriteString("\n" + prefix + write(v, st))
			}
		}
		val = b.String()
	}
	return ed.insertEntry(m, key, val)
}

// insertEntry adds key with the value text val after m's last entry: in
// JSON `, "key": val` (on its own line when the entries are), in a YAML
// block mapping a line `key:val` indented as m's keys (val starts with
// its space or line break).
func (ed *editor) insertEntry(m *node, key, val string) (string, error) {
	text := ed.d.text
	if m.kind != mapK || len(m.keys) == 0 {
		return "", fix.ErrUnsupported
	}
	lastKey, lastVal := m.keys[len(m.keys)-1], m.vals[len(m.vals)-1]
	if ed.d.json {
		end := ed.valueEnd(lastVal)
		if end < 0 {
			return "", fix.ErrUnsupported
		}
		sep := ", "
		if lastKey.line != m.line {
			ind, _ := fix.LineIndent(text, lastKey.off)
			sep = ",\n" + ind
		}
		return fix.Insert(text, end, sep+strconv.Quote(key)+": "+val), nil
	}
	line := lastLine(m)
	if m.flow || line < 1 || line > len(ed.d.lines) {
		return "", fix.ErrUnsupported
	}
	return fix.Insert(text, lineEnd(text, ed.d.lines[line-1]), "\n"+strings.Repeat(" ", m.keys[0].col-1)+key+":"+val), nil
}

// lastLine is the last line a block node's values reach (scalars are on
// one line; a block scalar makes it unknown: 0).
func lastLine(n *node) int {
	max := n.line
	for _, c := range append(append([]*node{}, n.vals...), n.items...) {
		if c.kind == scalarK && c.style == block {
			return 0
		}
		l := lastLine(c)
		if l == 0 {
			return 0
		}
		if l > max {
			max = l
		}
	}
	return max
}

// sam makes e in an AWS::Serverless::Api Cors: its values are strings
// in single quotes (AllowOrigin "'https://a.example'", AllowMethods
// "'GET,POST'"), edited inside the quotes.
func (ed *editor) sam(cors *node, e fix.Edit) (string, error) {
	if cors.kind == scalarK {
		if e.Field != fix.Origins || len(e.Values) != 1 {
			return "", fix.ErrUnsupported
		}
		return ed.samReplace(cors, e.Values[0])
	}
	key := map[string]string{fix.Origins: "AllowOrigin", fix.Methods: "AllowMethods", fix.AllowHeaders: "AllowHeaders", fix.Credentials: "AllowCredentials"}[e.Field]
	switch {
	case key == "":
		return "", fix.ErrUnsupported
	case e.Field == fix.Credentials:
		return ed.enable(cors, key)
	case e.Field == fix.Origins:
		// One static origin: the page's replaces it.
		v := cors.get(key)
		if v == nil || len(e.Values) != 1 {
			return "", fix.ErrNotFound
		}
		return ed.samReplace(v, e.Values[0])
	}
	v := cors.get(key)
	if v == nil && e.Field == fix.Methods {
		// Without AllowMethods SAM lists the path's methods: naming
		// some would drop the others.
		return "", fix.ErrUnsupported
	}
	if v == nil {
		if ed.d.json {
			return ed.insertEntry(cors, key, strconv.Quote("'"+strings.Join(e.Values, ",")+"'"))
		}
		return ed.insertEntry(cors, key, ` "'`+strings.Join(e.Values, ",")+`'"`)
	}
	if e.Op != fix.Add {
		return "", errIntrinsic
	}
	return ed.addToQuoted(v, e.Values)
}

// addToQuoted adds values to the comma list inside a mapping literal's
// single quotes ("'a,b'" becomes "'a,b,c'"), separated as the list is.
func (ed *editor) addToQuoted(v *node, values []string) (string, error) {
	if v.kind != scalarK || v.tag != "" {
		return "", errIntrinsic
	}
	end := ed.valueEnd(v)
	q := samCloseQuote(ed.d.text, v, end)
	if q < 0 {
		return "", fix.ErrUnsupported
	}
	sep := ","
	if strings.Contains(v.str, ", ") {
		sep = ", "
	}
	return fix.Insert(ed.d.text, q, sep+strings.Join(values, sep)), nil
}

// samCloseQuote is the offset of the single quote that closes a SAM
// value: before the closing '"' of "'a,b'", before the closing ” of
// ”'a,b”' (YAML's doubled quote).
func samCloseQuote(text string, v *node, end int) int {
	switch {
	case end < 0 || len(v.str) < 2 || v.str[len(v.str)-1] != '\'':
		return -1
	case v.style == double && end >= 2 && text[end-2] == '\'':
		return end - 2
	case v.style == single && end >= 3 && text[end-3:end] == "'''":
		return end - 3
	}
	return -1
}

func (ed *editor) samReplace(v *node, origin string) (string, error) {
	if v.kind != scalarK || v.tag != "" {
		return "", errIntrinsic
	}
	end := ed.valueEnd(v)
	if end < 0 {
		return "", fix.ErrUnsupported
	}
	var lit string
	switch v.style {
	case double:
		lit = `"'` + origin + `'"`
	case single:
		lit = `'''` + origin + `'''`
	default:
		lit = `"'` + origin + `'"` // an unquoted value gets SAM's quotes
	}
	return ed.d.text[:v.off] + lit + ed.d.text[end:], nil
}

// valueEnd is the byte offset just past n's text: a quoted or plain
// scalar, or a flow collection; -1 when it cannot tell.
func (ed *editor) valueEnd(n *node) int {
	text := ed.d.text
	i := n.off
	if i >= len(text) {
		return -1
	}
	if n.tag != "" && text[i] == '!' {
		// A short tag: its argument follows on the line.
		j := strings.IndexAny(text[i:], " \t\n")
		if j < 0 || text[i+j] == '\n' {
			return -1
		}
		arg := *n
		arg.tag, arg.off = "", i+j+1
		for arg.off < len(text) && text[arg.off] == ' ' {
			arg.off++
		}
		return ed.valueEnd(&arg)
	}
	switch text[i] {
	case '"':
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '\'':
		for j := i + 1; j < len(text); j++ {
			if text[j] == '\'' {
				if j+1 < len(text) && text[j+1] == '\'' {
					j++
					continue
				}
				return j + 1
			}
		}
		return -1
	case '[', '{':
		if e := closeOf(text, i); e >= 0 {
			return e + 1
		}
		return -1
	}
	if n.kind != scalarK {
		return -1
	}
	j := i
	for j < len(text) {
		c := text[j]
		if c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}' || (c == '#' && j > i && text[j-1] == ' ') {
			break
		}
		j++
	}
	for j > i && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	return j
}

// closeOf is the offset of the bracket that closes the one at open,
// quotes skipped.
func closeOf(text string, open int) int {
	depth := 0
	for j := open; j < len(text); j++ {
		switch text[j] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		case '"':
			for j++; j < len(text) && text[j] != '"'; j++ {
				if text[j] == '\\' {
					j++
				}
			}
		case '\'':
			for j++; j < len(text); j++ {
				if text[j] == '\'' {
					if j+1 < len(text) && text[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
		}
	}
	return -1
}

// sharedGlobals reports more than one resource of t that takes the
// Globals: configured by them alone (their block's path in them), or
// with its own merged in (samMerged).
func sharedGlobals(t *Template) bool {
	n := 0
	for _, r := range t.Resources {
		if r.block != nil && (strings.HasPrefix(r.block.path, "$.Globals") || r.block.own != nil) {
			n++
		}
	}
	return n > 1
}
