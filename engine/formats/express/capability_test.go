package express_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// format is the "express" value the registry holds (engine/all lists
// Formats()), as convert, fix and lint find it.
func format(t *testing.T) policy.Format { return postest.Lookup(t, express.Formats(), "express") }

const mounted = "const cors = require('cors');\n" +
	"app.use('/api', cors({\n" +
	"  origin: ['https://app.example', /^https:\\/\\/.+\\.example\\.com$/],\n" +
	"  credentials: true,\n" +
	"  maxAge: 600,\n" +
	"}));\n"

// ReadRules states each cors() as the library runs it (cloud-policies.md
// §6.3, expressjs/cors lib/index.js v2.8.6): an array origin lists its
// strings and RegExps; methods left out are the defaults
// GET,HEAD,PUT,PATCH,POST,DELETE; without allowedHeaders the requested
// headers are reflected; app.use('/api', ...) covers /api and below.
func TestReadRules(t *testing.T) {
	r, ok := format(t).(convert.Reader)
	if !ok {
		t.Fatal("express is not a convert.Reader")
	}
	c, err := r.ReadRules(mounted)
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != "express" || c.Semantics != (portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: true}) {
		t.Errorf("format %q, semantics %+v", c.Format, c.Semantics)
	}
	if len(c.Rules) != 1 {
		t.Fatalf("%d rules, want 1", len(c.Rules))
	}
	got := c.Rules[0]
	wantOrigins := []portable.Value{
		{Text: "https://app.example", Pos: portable.Pos{Line: 3, Column: 12}},
		{Text: `^https:\/\/.+\.example\.com$`, Pos: portable.Pos{Line: 3, Column: 35}},
	}
	if !reflect.DeepEqual(got.Origins, wantOrigins) || !reflect.DeepEqual(got.Regex, map[int]bool{1: true}) {
		t.Errorf("origins %+v regex %v, want %+v regex {1}", got.Origins, got.Regex, wantOrigins)
	}
	var methods []string
	for _, m := range got.Methods {
		methods = append(methods, m.Text)
		// Not written: positioned at the cors( call.
		if m.Pos != (portable.Pos{Line: 2, Column: 17}) {
			t.Errorf("method %s at %+v, want the cors() call at 2:17", m.Text, m.Pos)
		}
	}
	if strings.Join(methods, ",") != express.DefaultMethods {
		t.Errorf("methods %v, want the defaults %s", methods, express.DefaultMethods)
	}
	if !got.EchoAllHeaders || got.AllowHeaders != nil {
		t.Errorf("echo %v, allow headers %v: without allowedHeaders cors() reflects ACRH", got.EchoAllHeaders, got.AllowHeaders)
	}
	if !got.Credentials || got.CredentialsPos != (portable.Pos{Line: 4, Column: 16}) {
		t.Errorf("credentials %v at %+v, want true at 4:16", got.Credentials, got.CredentialsPos)
	}
	if got.MaxAge == nil || *got.MaxAge != 600 || got.MaxAgePos != (portable.Pos{Line: 5, Column: 11}) {
		t.Errorf("max age %v at %+v, want 600 at 5:11", got.MaxAge, got.MaxAgePos)
	}
	if !reflect.DeepEqual(got.Paths, []string{"/api"}) || got.PathNote != "" {
		t.Errorf("paths %v note %q, want [/api] (app.use covers the path and below)", got.Paths, got.PathNote)
	}
}

// WriteRules writes the allowed headers "*" as cors()'s reflection of
// the requested ones (no allowedHeaders: lib/index.js
// configureAllowedHeaders), which a credentialed request with
// Authorization passes; allowedHeaders ['*'] is sent as written, which
// it does not (Fetch §4.8 CORS-preflight fetch; browser-cors.md §1.7).
// Tried as a new user would, cors() without allowedHeaders converted to
// itself wrote ['*'].
func TestWriteRules(t *testing.T) {
	w, ok := format(t).(convert.Writer)
	if !ok {
		t.Fatal("express is not a convert.Writer")
	}
	n := &portable.Notes{}
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.example"}, Methods: []string{"PUT"}, AllowHeaders: []string{"*"}, Credentials: true}}}, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "app.use(cors({") || strings.Contains(out, "allowedHeaders") {
		t.Errorf("output:\n%s", out)
	}
	if notes := n.List(); len(notes) != 0 {
		t.Errorf("notes %+v, want none", notes)
	}
	postest.EchoesRequestedHeaders(t, format(t), out)
}

// EditText turns a string origin into an array of two, which cors()
// checks against the request's Origin (lib/index.js isOriginAllowed);
// FileName names the diff's file.
func TestEditText(t *testing.T) {
	ed, ok := format(t).(fix.Editor)
	if !ok {
		t.Fatal("express is not a fix.Editor")
	}
	got, err := ed.EditText("app.use(cors({ origin: 'https://a.test' }));\n", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}})
	if want := "app.use(cors({ origin: ['https://a.test', 'https://b.test'] }));\n"; err != nil || got != want {
		t.Errorf("EditText = %q, %v; want %q", got, err, want)
	}
	// The README's origin callback: the origin goes into the list it
	// tests (found as a new user would: the fix was the replies' lines).
	cb := "const allowed = [\n  'https://a.test', // dev\n]\napp.use(cors({ origin: function (origin, callback) { if (allowed.indexOf(origin) !== -1) { callback(null, true) } else { callback(new Error('no')) } } }));\n"
	got, err = ed.EditText(cb, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}})
	if want := strings.Replace(cb, "// dev\n", "// dev\n  'https://b.test',\n", 1); err != nil || got != want {
		t.Errorf("EditText of the callback's list = %q, %v; want %q", got, err, want)
	}
	// A list two cors() calls read: no edit of it, which would open the
	// other mount too (an adversarial review).
	shared := "const allowed = ['https://a.test'];\napp.use('/api', cors({ origin: allowed }));\napp.use('/admin', cors({ origin: allowed, credentials: true }));\n"
	if got, err := ed.EditText(shared, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}}); err != fix.ErrUnsupported {
		t.Errorf("EditText of a shared list = %q, %v; want ErrUnsupported", got, err)
	}
	if _, err := ed.EditText("app.use(cors());\n", fix.Edit{Op: fix.Add, Rule: 1, Field: fix.Origins, Values: []string{"https://b.test"}}); err != fix.ErrNotFound {
		t.Errorf("a rule the text does not have: err %v, want ErrNotFound", err)
	}
	if ed.FileName() != "cors.js" {
		t.Errorf("FileName = %q", ed.FileName())
	}
}

// Platform names the library in lint's sentences.
func TestPlatform(t *testing.T) {
	p, ok := format(t).(lint.Platformer)
	if !ok || p.Platform() != "Express cors()" {
		t.Errorf("Platformer %v", ok)
	}
}
