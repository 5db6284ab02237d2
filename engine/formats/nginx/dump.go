package nginx

import (
	"path"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// The output of `nginx -T` is every file of a configuration, each after
// a line "# configuration file PATH:", the main file first, in the order
// nginx read them (ngx_conf_parse dumps each file it opens, includes in
// the order their globs expand). It is what a user can paste of a
// configuration spread over nginx.conf, conf.d/ and sites-enabled/, so
// an include of a file the dump holds is read as nginx reads it: the
// file's directives in the include's place (found as a new user would:
// Debian's nginx.conf was refused at its includes).

const dumpMarker = "# configuration file "

// maxDumpFiles and maxIncludeDepth bound what a dump can make the reader
// do: nginx itself has no bound on files, and an include of a file that
// includes itself loops (nginx refuses it when reading the files; a
// dump could still be edited to say so).
const (
	maxDumpFiles    = 200
	maxIncludeDepth = 10
	// maxSpliced bounds the directives includes bring in, all copies
	// counted: a file included twice by a file included twice, ten
	// deep, would otherwise be a thousand copies.
	maxSpliced = 20000
)

// dumpFile is one file of a dump: its path and where its text is.
type dumpFile struct {
	path       string
	start, end int // byte offsets in the dump, the marker line left out
	line       int // the dump's line its text starts at
}

// dumpFiles splits an `nginx -T` dump into its files, or returns nil for
// a text that is not one (no marker at its first line that is not
// nginx's own "syntax is ok" lines).
func dumpFiles(text string) []dumpFile {
	var files []dumpFile
	off, no := 0, 0
	for raw := range strings.Lines(text) {
		no++
		next := off + len(raw)
		line := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
		if p, ok := strings.CutPrefix(line, dumpMarker); ok && strings.HasSuffix(p, ":") {
			if n := len(files); n > 0 {
				files[n-1].end = off
			}
			if len(files) == maxDumpFiles {
				break
			}
			files = append(files, dumpFile{path: strings.TrimSuffix(p, ":"), start: next, end: len(text), line: no + 1})
		} else if len(files) == 0 && strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "nginx: ") {
			return nil
		}
		off = next
	}
	return files
}

// maxIncludePath bounds an include's pattern and a dump's file paths
// (PATH_MAX): path.Match's cost is their product (found by a review: a
// 60,000-byte pattern against a 120,000-byte path took 19 s).
const maxIncludePath = 4096

// splicer replaces each include of a dump's directives whose pattern
// names files of the dump with their directives, nested blocks included.
// A relative pattern is taken from the main file's folder, as nginx takes
// it from its configuration prefix. An include the dump does not hold
// stays, for the reader to report. An include past the bounds (depth,
// the directives it would bring in, a path's length) is a fault: a dump
// read in part could answer what the configuration refuses.
type splicer struct {
	files  []dumpFile
	parsed map[string][]*directive
	dir    string
	budget int // directives left to splice, all copies counted
	err    *policy.Error
}

func (sp *splicer) splice(ds []*directive, depth int) []*directive {
	var out []*directive
	for _, d := range ds {
		if sp.err != nil {
			return out
		}
		if d.name == "include" && len(d.args) == 1 {
			pat := d.args[0].text
			if !path.IsAbs(pat) {
				pat = path.Join(sp.dir, pat)
			}
			var hits []string
			if len(pat) <= maxIncludePath {
				for _, f := range sp.files {
					if len(f.path) > maxIncludePath {
						continue
					}
					if ok, _ := path.Match(pat, f.path); ok {
						hits = append(hits, f.path)
					}
				}
			}
			if len(hits) > 0 || strings.ContainsAny(pat, "*?[") && len(pat) <= maxIncludePath {
				n := 0
				for _, h := range hits {
					n += count(sp.parsed[h])
				}
				if depth >= maxIncludeDepth || n > sp.budget {
					sp.err = &policy.Error{Line: d.line, Column: d.col, Msg: "include " + wordsText(d.args) + " is not read: the dump's includes nest more than " +
						strconv.Itoa(maxIncludeDepth) + " deep or bring in more than " + strconv.Itoa(maxSpliced) + " directives in all, and a dump read in part could allow what the configuration refuses"}
					return out
				}
				sp.budget -= n
				// A mask that matched no file is one nginx read as
				// nothing (conf.d/*.conf of an empty folder): the dump
				// holds every file it read.
				for _, h := range hits {
					out = append(out, sp.splice(sp.parsed[h], depth+1)...)
				}
				continue
			}
		}
		if d.hasBlock {
			d.block = sp.splice(d.block, depth)
		}
		out = append(out, d)
	}
	return out
}

// count is the number of directives of ds, nested ones included.
func count(ds []*directive) int {
	n := len(ds)
	for _, d := range ds {
		n += count(d.block)
	}
	return n
}

// Parts implements fix.Parted: the files of an nginx -T dump that a
// change from old to new changes, each with its text before and after,
// so that the fix is a diff of each (sites-enabled/default, a snippet),
// not of the dump; ok is false when either text is no dump or their
// files differ in number or name.
func (*Format) Parts(old, new string) ([]fix.Part, bool) {
	a, b := dumpFiles(old), dumpFiles(new)
	if a == nil || len(a) != len(b) {
		return nil, false
	}
	var out []fix.Part
	for i := range a {
		if a[i].path != b[i].path {
			return nil, false
		}
		before, after := old[a[i].start:a[i].end], new[b[i].start:b[i].end]
		if before != after {
			out = append(out, fix.Part{Name: a[i].path, Before: before, After: after})
		}
	}
	return out, len(out) > 0
}
