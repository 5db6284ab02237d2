package caddy

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// maxImports bounds the imports expanded in one text: a snippet that
// imports others many times over is a bomb of its own.
const maxImports = 1000

// maxImported bounds the directives the imports add in all: a snippet of
// 2,000 lines imported 100 times, a 36 KB file, took 1.4 GB and 9 s
// before (found by an adversarial review). A snippet of CORS headers is
// a dozen lines.
const maxImported = 20000

// maxImportedBytes bounds the text the arguments of imports put in:
// {args.0} passed on through 8 snippets, each using it 8 times, made a
// 797-byte file's header 8^8 times its argument and took 7 GB (found by
// an adversarial review).
const maxImportedBytes = 1 << 20

// snippets expands the Caddyfile's snippets as its adapter does
// (caddyconfig/caddyfile: a top-level "(name) { ... }" block, and
// "import name args..." in its place, each {args.N} the N-th argument):
// the snippets' definitions leave the list, and each import of one is
// its lines. A token an argument replaces takes the import's place in
// the text, so that an edit of it changes the argument where it is
// written. Found as a new user would: the CORS snippet of Caddy's own
// examples was "import is not modelled", exit 2. An import of a file
// stays, for the reader to say it is not modelled.
func snippets(nodes []*node) ([]*node, policy.Errors) {
	defs := map[string][]*node{}
	var rest []*node
	for _, n := range nodes {
		name := n.name()
		if n.open && len(n.args) == 1 && len(name) > 2 && strings.HasPrefix(name, "(") && strings.HasSuffix(name, ")") {
			defs[name[1:len(name)-1]] = n.block
			continue
		}
		rest = append(rest, n)
	}
	if len(defs) == 0 {
		return nodes, nil
	}
	var errs policy.Errors
	count, imported, room := 0, 0, maxImportedBytes
	var expand func(ns []*node, depth int) []*node
	expand = func(ns []*node, depth int) []*node {
		var out []*node
		for _, n := range ns {
			if n.name() == "import" && len(n.args) >= 2 && !n.open {
				body, ok := defs[n.args[1].text]
				if ok {
					var copied []*node
					msg := "" // the bound this import passes
					count++
					imported += size(body)
					switch {
					case count > maxImports || depth > 10:
						msg = "more than " + strconv.Itoa(maxImports) + " snippet imports, or snippets that import each other more than 10 deep"
					case imported > maxImported:
						msg = "snippet imports that add more than " + strconv.Itoa(maxImported) + " directives in all"
					default:
						if copied = withArgs(body, n.args[2:], &room); room < 0 {
							msg = "snippet imports whose arguments add more than " + strconv.Itoa(maxImportedBytes) + " bytes in all"
						}
					}
					if msg != "" {
						errs = append(errs, &policy.Error{Line: n.args[0].line, Column: n.args[0].col, Msg: msg})
						return out
					}
					out = append(out, expand(copied, depth+1)...)
					continue
				}
			}
			if n.open {
				c := *n
				c.block = expand(n.block, depth)
				n = &c
			}
			out = append(out, n)
		}
		return out
	}
	return expand(rest, 0), errs
}

// withArgs is a copy of body with each {args.N} replaced by args[N]: a
// token that is the placeholder alone becomes the argument token, at
// its place; one that holds it among other text keeps its own.
func withArgs(body []*node, args []token, room *int) []*node {
	sub := func(t token) token {
		if !strings.Contains(t.text, "{args.") {
			return t
		}
		for i, a := range args {
			ph := "{args." + strconv.Itoa(i) + "}"
			if t.text == ph {
				a.quoted = a.quoted || t.quoted
				*room -= len(a.text)
				return a
			}
			if k := strings.Count(t.text, ph); k > 0 {
				if *room -= k * len(a.text); *room < 0 {
					return t
				}
				t.text = strings.ReplaceAll(t.text, ph, a.text)
			}
		}
		return t
	}
	out := make([]*node, len(body))
	for i, n := range body {
		c := *n
		c.args = make([]token, len(n.args))
		for j, t := range n.args {
			c.args[j] = sub(t)
		}
		c.block = withArgs(n.block, args, room)
		out[i] = &c
	}
	return out
}

// size is the number of directives in ns, its blocks' included.
func size(ns []*node) int {
	k := len(ns)
	for _, n := range ns {
		k += size(n.block)
	}
	return k
}
