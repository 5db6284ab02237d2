package xmlpos_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/platform/internal/xmlpos"
)

func TestPositions(t *testing.T) {
	root, err := xmlpos.Parse("<?xml version=\"1.0\"?>\n<A xmlns=\"urn:x\">\n  <B>one</B>\n  <B>two<C/></B>\n</A>")
	if err != nil {
		t.Fatal(err)
	}
	if root.Name != "A" || root.Line != 2 || root.Column != 1 {
		t.Errorf("root %s at %d:%d, want A at 2:1", root.Name, root.Line, root.Column)
	}
	b := root.Children[1]
	if b.Name != "B" || b.Line != 4 || b.Column != 3 || b.Text != "two" || b.Children[0].Name != "C" {
		t.Errorf("second B = %+v", *b)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		desc, text, msg string
		line            int
	}{
		{desc: "mismatched end tag", text: "<A>\n<B></A>", msg: "not well-formed", line: 2},
		{desc: "two roots", text: "<A/><B/>", msg: "more than one root", line: 1},
		{desc: "empty", text: "  ", msg: "no root", line: 1},
		{desc: "too deep", text: strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40), msg: "too deeply nested", line: 1},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := xmlpos.Parse(tc.text)
			if err == nil || !strings.Contains(err.Msg, tc.msg) || err.Line != tc.line {
				t.Errorf("got %v, want %q at line %d", err, tc.msg, tc.line)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`)
	f.Add(`<a><b>&amp;</b><![CDATA[x]]></a>`)
	f.Fuzz(func(t *testing.T, s string) {
		xmlpos.Parse(s)
	})
}
