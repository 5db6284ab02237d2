package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// configInput is one configuration a command reads (lint reads several,
// convert one): a file (or standard input), or the files of one
// Terraform module.
type configInput struct {
	name   string   // as the user named it: the file, or the module's folder
	files  []string // the paths read; one for a file
	module bool     // a Terraform module: its files are read together
	// together marks a file with companions read with it (a template
	// and its parameter files: policy.Companion).
	together bool
	err      error // why the input cannot be read (a folder with no .tf file)
	// skip says why the input is not read, and is no fault (a parameter
	// file given without its template).
	skip string
}

// tfModuleFile reports a name terraform reads as part of a module (a .tf
// file, its JSON form) or as a variable definitions file (.tfvars, its
// JSON form), which lint reads with the module in the same folder.
func tfModuleFile(name string) bool {
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// tfVarsFile reports a variable definitions file (.tfvars, its JSON
// form).
func tfVarsFile(name string) bool {
	return strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json")
}

// tfAutoLoaded reports a file terraform reads from a module's folder
// without being told: every .tf and .tf.json file, terraform.tfvars(.json)
// and *.auto.tfvars(.json) (developer.hashicorp.com/terraform/language/
// values/variables, "Variable Definitions (.tfvars) Files").
func tfAutoLoaded(name string) bool {
	switch {
	case strings.HasSuffix(name, ".tf"), strings.HasSuffix(name, ".tf.json"):
		return true
	case name == "terraform.tfvars", name == "terraform.tfvars.json":
		return true
	}
	return strings.HasSuffix(name, ".auto.tfvars") || strings.HasSuffix(name, ".auto.tfvars.json")
}

// configInputs groups a command's arguments into configurations: a
// folder is a Terraform module, its files as terraform loads them, and a
// .tf or .tfvars file named brings its folder's module, as terraform
// reads no .tf file alone (a .tfvars file named that terraform does not
// load itself is a -var-file); a parameter file joins the template named
// before it (withCompanions); any other file is read alone.
// Configurations keep the order of their first argument.
func configInputs(args []string) []configInput {
	var out []configInput
	module := map[string]int{} // folder → its run in out
	addTo := func(dir, name string, files ...string) {
		i, ok := module[dir]
		if !ok {
			i = len(out)
			module[dir] = i
			out = append(out, configInput{name: name, module: true})
		}
		for _, f := range files {
			if !contains(out[i].files, f) {
				out[i].files = append(out[i].files, f)
			}
		}
	}
	// Variable definitions files whose folder holds no module (a
	// -var-file kept apart, ../envs/prod.tfvars): each sets the one
	// module named with it.
	var loose []string
	for _, a := range args {
		if a == "-" || !tfModuleFile(a) {
			st, err := os.Stat(a)
			if a == "-" || err != nil || !st.IsDir() {
				out = append(out, configInput{name: a, files: []string{a}})
				continue
			}
			files, err := moduleFiles(a)
			if err != nil {
				out = append(out, configInput{name: a, err: err})
				continue
			}
			addTo(filepath.Clean(a), a, files...)
			continue
		}
		// A file of a module brings the module: terraform reads the
		// folder, never a .tf file alone.
		dir := filepath.Dir(a)
		files, err := moduleFiles(dir)
		if err != nil {
			if tfVarsFile(a) {
				loose = append(loose, a)
				continue
			}
			out = append(out, configInput{name: a, err: err})
			continue
		}
		addTo(dir, a, append(files, a)...)
	}
	if len(loose) > 0 {
		// terraform applies -var-file values after the files it loads
		// itself, in the order given (the page cited at tfAutoLoaded).
		var mods []int
		for i, in := range out {
			if in.module {
				mods = append(mods, i)
			}
		}
		for _, v := range loose {
			switch {
			case len(mods) == 1:
				if in := &out[mods[0]]; !contains(in.files, v) {
					in.files = append(in.files, v)
				}
			case len(mods) == 0:
				// Alone, as a hook that passes the changed files gives
				// it: no fault, as a lone parameter file is none.
				out = append(out, configInput{name: v, skip: "a variable definitions file in a folder of no module, and no module was given with it: not linted (name the module it sets with it, as terraform -var-file reads it in the module's folder)"})
			default:
				out = append(out, configInput{name: v, err: fmt.Errorf("a variable definitions file outside its module's folder, and %d modules named: name it with the one it sets", len(mods))})
			}
		}
	}
	out = withCompanions(out)
	for i := range out {
		in := &out[i]
		if !in.module {
			continue
		}
		if len(in.files) > limits.PolicyFiles {
			in.err = fmt.Errorf("a module of %d files; at most %d are read", len(in.files), limits.PolicyFiles)
		}
		if len(in.files) == 1 {
			// One file is linted as a file, under its own name.
			in.name, in.module = in.files[0], false
		}
	}
	return out
}

// withCompanions joins each file that a format reads only beside its
// main file (a CloudFormation parameter file: policy.Companion) to the
// file of that format in the same folder (or below it, for a
// policy.RootCompanion), before or after it, as explain
// --policy T --policy P reads them (pre-commit and the Action pass files
// in path order: params.json before template.yaml). One with no such
// file, or several, is skipped with a note (skip): a hook given only a
// changed parameter file has nothing to lint it with.
func withCompanions(ins []configInput) []configInput {
	// Each file is read once here: whether it is a companion, and then
	// the format of those in a companion's folder.
	comp := make([]policy.Format, len(ins))
	some := false
	for i, in := range ins {
		comp[i] = companionOf(in)
		some = some || comp[i] != nil
	}
	if !some {
		return ins
	}
	formats := map[int]string{}
	formatAt := func(j int) string {
		if n, ok := formats[j]; ok {
			return n
		}
		formats[j] = formatOf(ins[j])
		return formats[j]
	}
	joinTo := map[int][]string{} // input index -> companions to add
	rootOf := map[int]int{}      // main's index -> its policy.RootCompanion's
	joined := make([]bool, len(ins))
	for i, f := range comp {
		if f == nil {
			continue
		}
		// A main file in the companion's folder, or for a companion of
		// the folders below its own (policy.RootCompanion: a Gemfile.lock
		// at the application's root, config/initializers/cors.rb below
		// it) there or below.
		dir := filepath.Dir(ins[i].files[0])
		rc, below := f.(policy.RootCompanion)
		below = below && rc.CompanionAtRoot()
		var mains []int
		for j, m := range ins {
			if comp[j] == nil && len(m.files) > 0 && formatAt(j) == f.Name() && (filepath.Dir(m.files[0]) == dir || below && within(dir, m.files[0])) {
				mains = append(mains, j)
			}
		}
		switch {
		case len(mains) == 1 && below:
			// One lock file a main file: the nearest (an application's
			// own Gemfile.lock under a monorepo's root one), the first
			// given of those as near.
			if k, ok := rootOf[mains[0]]; ok {
				if depth(ins[i].files[0]) <= depth(ins[k].files[0]) {
					ins[i].skip = "a file the " + f.Name() + " format reads beside its main one; " + ins[k].files[0] + " is nearer to " + ins[mains[0]].files[0] + " and is read with it: not linted"
					continue
				}
				ins[k].skip = "a file the " + f.Name() + " format reads beside its main one; " + ins[i].files[0] + " is nearer to " + ins[mains[0]].files[0] + " and is read with it: not linted"
			}
			rootOf[mains[0]] = i
		case len(mains) == 1:
			joinTo[mains[0]] = append(joinTo[mains[0]], ins[i].files[0])
			joined[i] = true
		case len(mains) > 1:
			ins[i].skip = "a file the " + f.Name() + " format reads beside its main one, and several files of that format in its folder were given with it: not linted (lint it with one: explain --policy takes both)"
		default:
			ins[i].skip = "a file the " + f.Name() + " format reads beside its main one, and no file of that format in its folder was given with it: not linted"
		}
	}
	for m, i := range rootOf {
		joinTo[m] = append(joinTo[m], ins[i].files[0])
		joined[i] = true
	}
	var out []configInput
	for i, in := range ins {
		if joined[i] {
			continue
		}
		if extra := joinTo[i]; len(extra) > 0 {
			in.files = append(in.files, extra...)
			in.together = true
		}
		out = append(out, in)
	}
	return out
}

// companionOf is the format that claims in's one file as a companion
// (policy.Companion), or nil.
func companionOf(in configInput) policy.Format {
	if in.module || in.err != nil || len(in.files) != 1 || in.files[0] == "-" {
		return nil
	}
	text, err := readTextArg(in.files[0], nil)
	if err != nil {
		return nil
	}
	for _, n := range opts.Formats.Names() {
		f, _ := opts.Formats.Lookup(n)
		if c, ok := f.(policy.Companion); ok && c.Companion(text) {
			return f
		}
	}
	return nil
}

// formatOf is the name of the format in's first file is detected as, or
// "" (standard input is not read here: it is read once, later).
func formatOf(in configInput) string {
	if in.err != nil || len(in.files) == 0 || in.files[0] == "-" || in.module {
		return ""
	}
	text, err := readTextArg(in.files[0], nil)
	if err != nil {
		return ""
	}
	f, err := opts.Formats.Resolve("auto", policy.Source{Text: text})
	if err != nil {
		return ""
	}
	return f.Name()
}

// moduleFiles lists the files terraform loads from the folder dir: its
// .tf files, then its variable definitions files in the order terraform
// applies them (terraform.tfvars, then *.auto.tfvars by name).
func moduleFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var tf, vars []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 || !tfAutoLoaded(n) {
			continue
		}
		if strings.HasSuffix(n, ".tfvars") || strings.HasSuffix(n, ".tfvars.json") {
			vars = append(vars, n)
		} else {
			tf = append(tf, n)
		}
	}
	if len(tf) == 0 {
		return nil, errors.New("no .tf file in " + dir + ": a folder is read as a Terraform module, its .tf files with their .tfvars")
	}
	sort.Strings(tf)
	sort.SliceStable(vars, func(i, j int) bool {
		// terraform.tfvars(.json) before the *.auto.tfvars files.
		ti, tj := strings.HasPrefix(vars[i], "terraform.tfvars"), strings.HasPrefix(vars[j], "terraform.tfvars")
		if ti != tj {
			return ti
		}
		return vars[i] < vars[j]
	})
	var out []string
	for _, n := range append(tf, vars...) {
		out = append(out, filepath.Join(dir, n))
	}
	return out, nil
}

// source reads the input: a file's text, or a module's files (or a
// file's, with --param values or --resource), and the format to read it
// as: a module's first file that a format detects names it, where its
// first file may declare only variables.
func (in configInput) source(stdin io.Reader, format string, params map[string]string, resource string) (policy.Source, string, error) {
	if in.err != nil {
		return policy.Source{}, "", in.err
	}
	if in.skip != "" {
		return policy.Source{}, "", errors.New(in.skip)
	}
	if !in.module && !in.together && len(params) == 0 && resource == "" {
		text, err := readTextArg(in.files[0], stdin)
		return policy.Source{Text: text}, format, err
	}
	src := policy.Source{Params: params, Resource: resource}
	total := 0
	for _, f := range in.files {
		text, err := readTextArg(f, stdin)
		if err != nil {
			return src, "", err
		}
		if total += len(text); total > limits.PolicyText {
			return src, "", fmt.Errorf("the module's files hold more than %d bytes together", limits.PolicyText)
		}
		src.Files = append(src.Files, policy.File{Name: f, Text: text})
	}
	if in.module && format == "auto" {
		for _, f := range src.Files {
			if pf, err := opts.Formats.Resolve("auto", policy.Source{Text: f.Text}); err == nil {
				format = pf.Name()
				break
			}
		}
	}
	return src, format, nil
}

// lint lints the input: one text with lint.Lint, else lint.LintSource,
// each finding naming its file.
func (in configInput) lint(stdin io.Reader, format string, params map[string]string, resource string) ([]lint.Finding, error) {
	src, format, err := in.source(stdin, format, params, resource)
	if err != nil {
		return nil, err
	}
	if src.OneText() {
		return lint.Lint(opts.Formats, src.Text, format)
	}
	return lint.LintSource(opts.Formats, src, format)
}

// withModules is explain's --policy files with each Terraform module
// whole, as lint and convert read it: a folder is its module's files,
// and a .tf or .tfvars file brings its folder's; any other file (a
// template, its parameter files) stays as named, in order.
func withModules(names []string) ([]string, error) {
	var out []string
	add := func(fs ...string) {
		for _, f := range fs {
			if !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	var loose []string // .tfvars files of folders with no module
	modules := 0
	for _, n := range names {
		st, err := os.Stat(n)
		switch {
		case err == nil && st.IsDir():
			fs, err := moduleFiles(n)
			if err != nil {
				return nil, fmt.Errorf("--policy %s: %w", n, err)
			}
			add(fs...)
			modules++
		case tfModuleFile(n):
			fs, err := moduleFiles(filepath.Dir(n))
			if err != nil && tfVarsFile(n) {
				loose = append(loose, n)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("--policy %s: %w", n, err)
			}
			add(append(fs, n)...)
			modules++
		default:
			add(n)
		}
	}
	if len(loose) > 0 && modules == 0 {
		return nil, fmt.Errorf("--policy %s: no .tf file in %s; name the module it sets with it, as terraform -var-file reads it in the module's folder", loose[0], filepath.Dir(loose[0]))
	}
	// explain reads one policy: its module is the one these set.
	add(loose...)
	return out, nil
}

// paramMap reads --param Name=value flags.
func paramMap(params []string) (map[string]string, error) {
	var out map[string]string
	for _, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want Name=value", p)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// withoutBOM is b without a leading UTF-8 byte order mark, which editors
// on Windows write and which XML allows and JSON readers may ignore (RFC
// 8259 §8.1): a configuration file is read past it, where it was "cannot
// tell the format of the text" (found as a new user would). A request
// body is sent as it is.
func withoutBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// hasBOM reports whether the file name starts with a UTF-8 byte order
// mark.
func hasBOM(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [3]byte
	n, _ := io.ReadFull(f, b[:])
	return n == 3 && string(b[:]) == "\xef\xbb\xbf"
}

// withBOMLines puts back the byte order mark whycors read past
// (withoutBOM) into a diff's first line of each file that has one
// (bom), old side and new, so that git apply and patch find the line:
// a second look's review saw "patch does not apply" to such a file.
func withBOMLines(diff string, bom func(name string) bool) string {
	var b strings.Builder
	mark, oldLine, newLine := false, false, false
	for _, l := range strings.SplitAfter(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "--- a/"):
			mark = bom(strings.TrimSuffix(strings.TrimPrefix(l, "--- a/"), "\n"))
			oldLine, newLine = false, false
		case strings.HasPrefix(l, "@@ -1,") || strings.HasPrefix(l, "@@ -1 "):
			// A hunk from the first line: its first old and new lines.
			oldLine, newLine = mark, mark
		case strings.HasPrefix(l, "@@"):
			oldLine, newLine = false, false
		case (oldLine || newLine) && len(l) > 0 && (l[0] == ' ' || l[0] == '-' || l[0] == '+'):
			first := l[0] == ' ' && oldLine && newLine || l[0] == '-' && oldLine || l[0] == '+' && newLine
			if first {
				l = l[:1] + "\xef\xbb\xbf" + l[1:]
			}
			switch l[0] {
			case ' ':
				oldLine, newLine = false, false
			case '-':
				oldLine = false
			case '+':
				newLine = false
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// depth is the number of folders above file, from the root.
func depth(file string) int {
	abs, err := filepath.Abs(file)
	if err != nil {
		return 0
	}
	return strings.Count(filepath.ToSlash(abs), "/")
}

// within reports whether file is in folder dir or a folder below it.
func within(dir, file string) bool {
	d, err1 := filepath.Abs(dir)
	f, err2 := filepath.Abs(filepath.Dir(file))
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, f)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
