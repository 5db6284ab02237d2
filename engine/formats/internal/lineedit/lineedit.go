// Package lineedit holds what the server formats' fix choosers share
// (Caddy, Apache): the edit for a missing method, header names or
// credentials at the line of the Access-Control-Allow-Origin that
// answered, and the placing of several changes in one text.
package lineedit

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
)

// Need is the edit for b.Needs "method", "headers" or "credentials" at
// line, with its description; ok false for anything else.
func Need(b fix.Blocked, line int) (fix.Edit, string, bool) {
	switch b.Needs {
	case "method":
		return fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{b.Method}, Line: line}, "add " + b.Method + " to Access-Control-Allow-Methods", true
	case "headers":
		return fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: b.Headers, Line: line}, "add " + strings.Join(b.Headers, ", ") + " to Access-Control-Allow-Headers", len(b.Headers) > 0
	case "credentials":
		return fix.Edit{Op: fix.Enable, Field: fix.Credentials, Line: line}, "send Access-Control-Allow-Credentials: true", true
	}
	return fix.Edit{}, "", false
}

// Change replaces text[At:End] with S.
type Change struct {
	At, End int
	S       string
}

// Apply makes the changes in text, from the last offset to the first so
// that each offset still holds.
func Apply(text string, cs []Change) string {
	cs = append([]Change(nil), cs...)
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].At > cs[j-1].At; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	for _, c := range cs {
		text = text[:c.At] + c.S + text[c.End:]
	}
	return text
}

// LineStart is the offset of the start of the line holding off.
func LineStart(text string, off int) int { return strings.LastIndexByte(text[:off], '\n') + 1 }

// Replace is the change of text[at:end] to s.
func Replace(at, end int, s string) Change { return Change{At: at, End: end, S: s} }
