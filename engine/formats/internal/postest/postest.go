// Package postest holds the check the format readers' tests share: a
// reader's error lists every fault, each at its line and column. Only
// test files import it.
package postest

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// Positions checks that err is a policy.Errors with one fault per entry of
// want, in order, each at the entry's Line and Column.
func Positions(t testing.TB, desc string, err error, want []policy.Error) {
	t.Helper()
	var es policy.Errors
	if !errors.As(err, &es) {
		t.Errorf("%s: err = %v, want policy.Errors", desc, err)
		return
	}
	if len(es) != len(want) {
		t.Errorf("%s: %d errors (%v), want %d", desc, len(es), err, len(want))
		return
	}
	for i, w := range want {
		if es[i].Line != w.Line || es[i].Column != w.Column {
			t.Errorf("%s: error %d at %d:%d, want %d:%d (%v)", desc, i, es[i].Line, es[i].Column, w.Line, w.Column, es[i])
		}
	}
}
