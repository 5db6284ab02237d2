package jslit_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
)

// TestAppendArray: a fix's new entries go where the user would write
// them, in the array's layout. Found as a new user would (an origin list
// one entry a line, the last with a "// ng serve" comment): the comma
// went into the comment, and without a trailing comma the new entry
// joined the comment's line, so the edit did not parse.
func TestAppendArray(t *testing.T) {
	tests := []struct{ desc, text, want string }{
		{desc: "one line", text: "x = ['a', 'b']", want: "x = ['a', 'b', 'N', 'M']"},
		{desc: "empty", text: "x = []", want: "x = ['N', 'M']"},
		{desc: "one line with a trailing comma", text: "x = ['a', ]", want: "x = ['a', 'N', 'M', ]"},
		{desc: "a line each, trailing comma and a comment", text: "x = [\n  'a',\n  'b', // dev\n]", want: "x = [\n  'a',\n  'b', // dev\n  'N',\n  'M',\n]"},
		{desc: "a line each, no trailing comma, a comment", text: "x = [\n  'a',\n  'b' // dev\n]", want: "x = [\n  'a',\n  'b', // dev\n  'N',\n  'M'\n]"},
		{desc: "a line each, no comment", text: "x = [\n\t'a',\n\t'b'\n]", want: "x = [\n\t'a',\n\t'b',\n\t'N',\n\t'M'\n]"},
		{desc: "CRLF lines", text: "x = [\r\n  'a', /* one */\r\n]", want: "x = [\r\n  'a', /* one */\r\n  'N',\r\n  'M',\r\n]"},
		{desc: "the bracket on the last entry's line", text: "x = [\n  'a',\n  'b']", want: "x = [\n  'a',\n  'b', 'N', 'M']"},
		// An adversarial review: a block comment over two lines took the
		// items, and an entry of several tokens was cut.
		{desc: "a block comment over two lines after the last entry", text: "x = [\n  'a' /* prod,\n  and staging */\n]", want: "x = [\n  'a',\n  'N',\n  'M' /* prod,\n  and staging */\n]"},
		{desc: "an entry of several tokens: before the bracket", text: "x = ['a', new RegExp('b')]", want: "x = ['a', new RegExp('b'), 'N', 'M']"},
		{desc: "a call as the last entry, a line each", text: "x = [\n  'a',\n  f('b')\n]", want: "x = [\n  'a',\n  f('b'), 'N', 'M'\n]"},
		// A second look's review: the item went into the comment.
		{desc: "an entry of several tokens and a comment: no edit", text: "x = [\n  'a',\n  f('b') // prod\n]", want: ""},
		{desc: "a RegExp and a nested array", text: "x = [\n  /a$/,\n  ['b'] // n\n]", want: "x = [\n  /a$/,\n  ['b'], // n\n  'N',\n  'M'\n]"},
	}
	for _, tc := range tests {
		start := strings.IndexByte(tc.text, '[')
		end := strings.LastIndexByte(tc.text, ']') + 1
		if got, _ := jslit.AppendArray(tc.text, start, end, []string{"'N'", "'M'"}); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.desc, got, tc.want)
		}
	}
}
