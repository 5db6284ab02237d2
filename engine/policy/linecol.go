package policy

import (
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// LineCol converts a byte offset in text to a 1-based line and column,
// for readers whose decoder reports offsets (encoding/json's SyntaxError).
//
// A reader asks it once for each value of a document, so for a long
// text it keeps the line starts of the last text it was asked about (a
// 1 MiB template has some 30,000 values: counting from the start each
// time made reading it take seconds). The text is kept with its index,
// so the string it is compared with by address stays the same string.
func LineCol(text string, offset int) (line, col int) {
	if offset > len(text) {
		offset = len(text)
	}
	if offset < 0 {
		offset = 0
	}
	if len(text) < lineIndexMin {
		line = 1 + strings.Count(text[:offset], "\n")
		col = offset - strings.LastIndexByte(text[:offset], '\n')
		return line, col
	}
	starts := lineStarts(text)
	// line is the number of line starts at or before offset.
	line = sort.SearchInts(starts, offset+1)
	return line, offset - starts[line-1] + 1
}

// lineIndexMin is the length from which LineCol keeps an index.
const lineIndexMin = 4 << 10

var lastLines struct {
	sync.Mutex
	text   string
	starts []int
}

// lineStarts returns the offsets at which text's lines start (0 first),
// built once for the last text asked about.
func lineStarts(text string) []int {
	lastLines.Lock()
	defer lastLines.Unlock()
	if len(lastLines.text) == len(text) && unsafe.StringData(lastLines.text) == unsafe.StringData(text) {
		return lastLines.starts
	}
	starts := make([]int, 1, 1+strings.Count(text, "\n"))
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	lastLines.text, lastLines.starts = text, starts
	return starts
}

// LineCursor is LineCol for a reader that asks about a document's values
// in turn, mostly further on in the text: it counts on from the offset
// asked about last, where LineCol counts from the start of a short text
// each time (a profile of the S3 fix search spent an eighth of reading a
// policy there). It starts over from the top for an earlier offset. The
// zero value is not ready: use NewLineCursor.
type LineCursor struct {
	text        string
	off         int // the offset asked about last
	line, start int // its line, and the offset where that line starts
}

// NewLineCursor is a cursor at the start of text.
func NewLineCursor(text string) *LineCursor { return &LineCursor{text: text, line: 1} }

// LineCol is LineCol(c's text, offset), with its clamping.
func (c *LineCursor) LineCol(offset int) (line, col int) {
	offset = min(max(offset, 0), len(c.text))
	if offset < c.off {
		c.off, c.line, c.start = 0, 1, 0
	}
	// strings.IndexByte finds each line end between, several bytes a
	// step, where a test of each byte cost five instructions a byte.
	for {
		j := strings.IndexByte(c.text[c.off:offset], '\n')
		if j < 0 {
			break
		}
		c.off += j + 1
		c.line, c.start = c.line+1, c.off
	}
	c.off = offset
	return c.line, offset - c.start + 1
}
