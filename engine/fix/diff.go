package fix

import (
	"strconv"
	"strings"
)

// maxDiffLines bounds the changed middle that Diff aligns line by line;
// beyond it the middle is shown as removed then added.
const maxDiffLines = 400

// Diff returns a unified diff (the format of GNU diff -u, three lines of
// context) from a to b, with the file names given; "" when they are equal.
// Fixes change a few lines, so the common head and tail are cut first and
// only the middle is aligned, by longest common subsequence.
func Diff(nameA, nameB, a, b string) string {
	if a == b {
		return ""
	}
	la, lb := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(la) && pre < len(lb) && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	// ops over the whole files: ' ', '-', '+' with the line.
	type op struct {
		kind byte
		text string
	}
	// Every line of a and b is at most one op.
	ops := make([]op, 0, len(la)+len(lb))
	for _, l := range la[:pre] {
		ops = append(ops, op{' ', l})
	}
	ma, mb := la[pre:len(la)-suf], lb[pre:len(lb)-suf]
	if len(ma) <= maxDiffLines && len(mb) <= maxDiffLines {
		// LCS table from the end.
		n, m := len(ma), len(mb)
		// Its rows are cut from one list: an allocation in all.
		t, cells := make([][]int, n+1), make([]int, (n+1)*(m+1))
		for i := range t {
			t[i] = cells[i*(m+1) : (i+1)*(m+1) : (i+1)*(m+1)]
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					t[i][j] = t[i+1][j+1] + 1
				} else {
					t[i][j] = max(t[i+1][j], t[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, op{' ', ma[i]})
				i, j = i+1, j+1
			case i < n && (j == m || t[i+1][j] >= t[i][j+1]):
				ops = append(ops, op{'-', ma[i]})
				i++
			default:
				ops = append(ops, op{'+', mb[j]})
				j++
			}
		}
	} else {
		for _, l := range ma {
			ops = append(ops, op{'-', l})
		}
		for _, l := range mb {
			ops = append(ops, op{'+', l})
		}
	}
	for _, l := range la[len(la)-suf:] {
		ops = append(ops, op{' ', l})
	}

	var out strings.Builder
	// Room for the diff of a small policy, most of it its changed lines
	// (a policy on one line: both texts), where growing from nothing
	// copied it several times; a larger one grows from there.
	out.Grow(len(nameA) + len(nameB) + 64 + min(len(a)+len(b), 4096))
	out.WriteString("--- " + nameA + "\n+++ " + nameB + "\n")
	const ctx = 3
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk: from ctx lines before this change to ctx lines after
		// the last change closer than 2*ctx to the previous one.
		start := max(k-ctx, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		// Line numbers of the hunk in a and b.
		ai, bi := 1, 1
		for _, o := range ops[:start] {
			if o.kind != '+' {
				ai++
			}
			if o.kind != '-' {
				bi++
			}
		}
		na, nb := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		out.WriteString("@@ -" + hunkRange(ai, na) + " +" + hunkRange(bi, nb) + " @@\n")
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
		}
		k = end
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return strconv.Itoa(start-1) + ",0"
	}
	if n == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
