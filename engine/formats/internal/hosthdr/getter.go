package hosthdr

import (
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Getter is ReadEntry.Get over header objects of text: the last of a
// name (without regard to case) wins, as setHeader in order does, and
// its value is positioned where it is written.
func Getter(text string, hs []Header) func(string) (string, portable.Pos, bool) {
	return func(name string) (string, portable.Pos, bool) {
		for i := len(hs) - 1; i >= 0; i-- {
			h := hs[i]
			if strings.EqualFold(h.Key, name) {
				p := portable.Pos{Path: h.Path + ".value"}
				if h.ValV != nil {
					p.Line, p.Column = policy.LineCol(text, int(h.ValV.Off))
				}
				return h.Value, p, true
			}
		}
		return "", portable.Pos{}, false
	}
}
