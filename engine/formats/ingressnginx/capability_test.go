package ingressnginx_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/ingressnginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

func TestCheckText(t *testing.T) {
	f := &ingressnginx.Format{}
	tests := []struct {
		desc, text string
		want       []string // "code@line"
		source     string
	}{
		{desc: "traps.yaml", text: readFile(t, "traps.yaml"),
			want:   []string{"misspelled@11", "origin-refused@10", "wildcard-credentials@10", "misspelled@31", "cors-disabled@26"},
			source: srcParser + "; " + srcCors + " (credentials default true; enable-cors default false)"},
		{desc: "basic.yaml: a list with a wildcard, echoed without Vary", text: readFile(t, "basic.yaml"), want: []string{"wildcard-one-label@10", "no-vary@10"}, source: srcTemplate},
		{desc: "an origin without a scheme (null and a default port are lint's checks of the rules)", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"a.test, null, https://c.test:443"`)),
			want: []string{"origin-dropped@7", "no-vary@7"}, source: srcCors},
		{desc: "nothing left", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"a.test b.test"`)),
			want: []string{"origin-dropped@7"}, source: srcCors},
		{desc: "* written with credentials written", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"*"`, "cors-allow-credentials", `"true"`, "cors-allow-headers", `"*"`)),
			want: []string{"value-refused@9", "wildcard-credentials@7"}, source: srcCors},
		{desc: "a snippet with CORS headers", text: doc(ann("enable-cors", `"true"`, "cors-allow-origin", `"https://a.test"`, "configuration-snippet", `"more_set_headers 'Access-Control-Allow-Origin: *';"`)),
			want: []string{"snippet@8", "no-vary@7"}, source: "internal/ingress/controller/controller.go CheckIngress; config.go allow-snippet-annotations false"},
		{desc: "enable-cors false", text: doc(ann("enable-cors", `"false"`, "cors-allow-origin", `"https://a.test"`)),
			want: []string{"cors-disabled@6"}, source: srcCors},
	}
	for _, tc := range tests {
		var got []string
		for _, x := range f.CheckText(tc.text) {
			got = append(got, x.Code+"@"+itoa(x.Pos.Line))
			if x.Message == "" || x.Severity == "" {
				t.Errorf("%s: finding %s without message or severity", tc.desc, x.Code)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s (%s):\n got %v\nwant %v", tc.desc, tc.source, got, tc.want)
		}
	}
	app := headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}
	var codes []string
	for _, x := range f.Traps(readFile(t, "basic.yaml"), app) {
		codes = append(codes, x.Code)
	}
	if strings.Join(codes, " ") != "backend-cors" {
		t.Errorf("Traps with a backend sending ACAO: %v, want backend-cors (%s)", codes, srcTemplate)
	}
	if x := f.Traps(readFile(t, "basic.yaml"), nil); len(x) != 0 {
		t.Errorf("Traps without the backend's ACAO: %v, want none", x)
	}
}

func TestEditText(t *testing.T) {
	f := &ingressnginx.Format{}
	basic := readFile(t, "basic.yaml")
	tests := []struct {
		desc, text string
		edit       fix.Edit
		old, new   string // the line changed and what it becomes ("" old: a line added)
		source     string
	}{
		{desc: "an origin joins the list", text: basic, edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://admin.example"}},
			old: `cors-allow-origin: "https://shop.example, https://*.shop.example"`, new: `cors-allow-origin: "https://shop.example, https://*.shop.example, https://admin.example"`, source: srcCors},
		{desc: "a method joins, upper case", text: basic, edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"patch"}},
			old: `cors-allow-methods: "GET, POST, PUT"`, new: `cors-allow-methods: "GET, POST, PUT, PATCH"`, source: srcCors},
		{desc: "absent headers: the default list written with the new one", text: readFile(t, "list.yaml"), edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Api-Key"}},
			new: `      nginx.ingress.kubernetes.io/cors-allow-headers: "` + ingressnginx.DefaultHeaders + `,X-Api-Key"`, source: srcCors},
		{desc: "credentials: the plain value replaced by a quoted one", text: doc(ann("enable-cors", `"true"`, "cors-allow-credentials", "'false'")), edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			old: `cors-allow-credentials: 'false'`, new: `cors-allow-credentials: "true"`, source: srcCors},
		{desc: "* replaced by the page's origin, added when absent", text: readFile(t, "multi.yaml"), edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://www.example.test"}, Line: 14},
			new: `    nginx.ingress.kubernetes.io/cors-allow-origin: "https://www.example.test"`, source: srcCors},
		{desc: "enable-cors in the second Ingress", text: readFile(t, "traps.yaml"), edit: fix.Edit{Op: fix.Enable, Field: ingressnginx.EnableCORS, Rule: 1},
			new: `    ingress.kubernetes.io/enable-cors: "true"` + "\n" + `    nginx.ingress.kubernetes.io/enable-cors: "true"`, source: srcCors},
		{desc: "an Ingress with no annotations gets the mapping", text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bare\nspec: {}\n", edit: fix.Edit{Op: fix.Enable, Field: ingressnginx.EnableCORS},
			new: "  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n  name: bare", source: srcK8s},
	}
	for _, tc := range tests {
		got, err := fix.Apply(f, tc.text, tc.edit)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if tc.old != "" && (!strings.Contains(tc.text, tc.old) || strings.Contains(got, tc.old)) {
			t.Errorf("%s: %q not replaced:\n%s", tc.desc, tc.old, got)
		}
		if !strings.Contains(got, tc.new) {
			t.Errorf("%s (%s): %q not in\n%s", tc.desc, tc.source, tc.new, got)
		}
		if d := len(strings.Split(got, "\n")) - len(strings.Split(tc.text, "\n")); tc.old != "" && d != 0 || tc.old == "" && d < 1 {
			t.Errorf("%s: %d lines more", tc.desc, d)
		}
		if _, err := ingressnginx.Parse(got); err != nil {
			t.Errorf("%s: the edit does not read: %v", tc.desc, err)
		}
	}
	block := doc("    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n    nginx.ingress.kubernetes.io/cors-allow-origin: >-\n      https://a.test\n")
	if _, err := fix.Apply(f, block, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}}); !errors.Is(err, fix.ErrUnsupported) {
		t.Errorf("a folded block value: %v, want ErrUnsupported", err)
	}
}

func TestChooseEdit(t *testing.T) {
	f := &ingressnginx.Format{}
	for _, tc := range []struct {
		desc, file string
		req        policy.Request
		needs      string
		want       fix.Edit
		source     string
	}{
		{desc: "disabled", file: "traps.yaml", req: req("GET", "https://reports.example/", "Origin", "https://dash.example"), needs: "origin",
			want: fix.Edit{Op: fix.Enable, Field: ingressnginx.EnableCORS, Rule: 1}, source: srcTemplate},
		{desc: "* with credentials", file: "traps.yaml", req: req("GET", "https://dash-api.example/", "Origin", "https://dash.example"), needs: "origin",
			want: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://dash.example"}}, source: srcParser},
		{desc: "another origin", file: "basic.yaml", req: req("GET", "https://api.shop.example/v1", "Origin", "https://admin.example"), needs: "origin",
			want: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://admin.example"}}, source: srcTemplate},
	} {
		m, err := ingressnginx.Parse(readFile(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		out := m.Respond(tc.req, app)
		origin, _ := tc.req.Header.Get("Origin")
		e, why, ok := f.ChooseEdit(fix.Blocked{Needs: tc.needs, Rules: out.Rules, Origin: origin})
		if !ok || why == "" || e.Op != tc.want.Op || e.Field != tc.want.Field || e.Rule != tc.want.Rule || strings.Join(e.Values, ",") != strings.Join(tc.want.Values, ",") {
			t.Errorf("%s (%s): %+v %q %v, want %+v", tc.desc, tc.source, e, why, ok, tc.want)
		}
	}
}

// registry is the engine's formats with this one (once, whether or not
// engine/all lists it yet).
func registry() *policy.Registry {
	var fs []policy.Format
	for _, f := range all.Formats() {
		if f.Name() != "ingress-nginx" {
			fs = append(fs, f)
		}
	}
	return policy.NewRegistry(append(fs, ingressnginx.Formats()...)...)
}

// TestDetectionConfusion runs detection over every golden file of every
// format's package (and the examples): this package's files are claimed
// by ingress-nginx alone, and no other package's file by it.
func TestDetectionConfusion(t *testing.T) {
	reg := registry()
	// this package's testdata, every format's package's (found from its
	// type, and the formats' folder), and the examples
	dirs := map[string]bool{"../../../examples": true, "testdata": true}
	globbed, _ := filepath.Glob("../*/testdata")
	for _, d := range globbed {
		if d != "../ingressnginx/testdata" {
			dirs[d] = true
		}
	}
	for _, f := range all.Formats() {
		typ := reflect.TypeOf(f)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if rel, ok := strings.CutPrefix(typ.PkgPath(), "github.com/whycors/whycors/"); ok && rel != "engine/formats/ingressnginx" {
			dirs[filepath.Join("../../..", rel, "testdata")] = true
		}
	}
	var files []string
	for d := range dirs {
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err == nil && e.IsDir() && e.Name() == "fuzz" {
				return filepath.SkipDir // the fuzzer's inputs, no configurations
			}
			if err == nil && !e.IsDir() {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	mine, others := 0, 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			continue
		}
		var names []string
		for _, d := range reg.Detect(string(b)) {
			names = append(names, d.Format)
		}
		claimed := strings.Contains(" "+strings.Join(names, " ")+" ", " ingress-nginx ")
		if !strings.HasPrefix(p, "..") {
			mine++
			if len(names) != 1 || !claimed {
				t.Errorf("%s: claimed by %v, want ingress-nginx alone", p, names)
			}
		} else {
			others++
			if claimed {
				t.Errorf("%s: claimed by ingress-nginx too (%v)", p, names)
			}
		}
	}
	if mine < 4 || others < 50 {
		t.Fatalf("only %d files here and %d elsewhere", mine, others)
	}
	t.Logf("%d golden files here, %d of other formats", mine, others)
}

func TestDetect(t *testing.T) {
	f := &ingressnginx.Format{}
	for _, tc := range []struct {
		desc, text string
		want       bool
	}{
		{desc: "an Ingress with the annotations", text: doc(ann("enable-cors", `"true"`)), want: true},
		{desc: "JSON from kubectl -o json", text: `{"apiVersion":"networking.k8s.io/v1","kind": "Ingress","metadata":{"annotations":{"nginx.ingress.kubernetes.io/enable-cors":"true"}}}`, want: true},
		{desc: "an Ingress without ingress-nginx annotations", text: "kind: Ingress\nmetadata:\n  name: x\n", want: false},
		{desc: "a Traefik Middleware", text: "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/x: y\n", want: false},
		{desc: "the annotations alone", text: "nginx.ingress.kubernetes.io/enable-cors: \"true\"\n", want: true},
		{desc: "an IngressClass", text: "kind: IngressClass\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/enable-cors: \"true\"\n", want: false},
	} {
		if got, why := f.Detect(tc.text); got != tc.want || got && why == "" {
			t.Errorf("%s: Detect = %v %q, want %v", tc.desc, got, why, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"basic.yaml", "multi.yaml", "list.yaml", "traps.yaml", "annotations.yaml"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(doc(ann("enable-cors", "true")))
	f.Add("kind: Ingress\n  a: [\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ingressnginx.Parse(text)
		if err != nil {
			var es policy.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("not Errors: %v", err)
			}
			lines := strings.Count(text, "\n") + 1
			for _, e := range es {
				if e.Line < 1 || e.Line > lines || e.Column < 1 || e.Msg == "" {
					t.Fatalf("fault without a position in the text (%d lines): %+v", lines, e)
				}
			}
			return
		}
		out := m.Respond(req("OPTIONS", "https://h.test/", "Origin", "https://a.test"), app)
		if out.Reply.Status == 0 {
			t.Fatal("no status")
		}
		f := &ingressnginx.Format{}
		f.CheckText(text)
		// the rules read where the text is, one per Ingress at most
		cfg, err := f.ReadRules(text)
		if err != nil || len(cfg.Rules) > len(m.Ingresses) {
			t.Fatalf("ReadRules of a manifest Parse reads: %v, %d rules", err, len(cfg.Rules))
		}
		lines := strings.Count(text, "\n") + 1
		for _, r := range cfg.Rules {
			for _, v := range append(append(r.Origins, r.Methods...), r.AllowHeaders...) {
				if v.Pos.Line < 1 || v.Pos.Line > lines {
					t.Fatalf("value %q at line %d of %d", v.Text, v.Pos.Line, lines)
				}
			}
		}
		// an edit either refuses or gives a manifest that reads, with the
		// origin allowed in the Ingress it edited
		got, err := f.EditText(text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://fuzz.test"}})
		if err != nil {
			return
		}
		m2, err := ingressnginx.Parse(got)
		if err != nil {
			t.Fatalf("the edit does not read: %v\n%s", err, got)
		}
		if len(m2.Ingresses) != len(m.Ingresses) {
			t.Fatalf("the edit changed the Ingresses: %d, then %d\n%s", len(m.Ingresses), len(m2.Ingresses), got)
		}
		allowed := false
		for _, o := range m2.Ingresses[0].Cors.AllowOrigin {
			allowed = allowed || o == "https://fuzz.test" || o == "*"
		}
		if !allowed {
			t.Fatalf("the edit did not allow the origin: %v\n%s", m2.Ingresses[0].Cors.AllowOrigin, got)
		}
	})
}
