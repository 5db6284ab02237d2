package stack_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/internal/stack"
)

// TestPop: each pop returns the stack's top as it was, the stack keeps
// its bottom, the popped slices do not share room (an append to one
// leaves the next unchanged), and a slab without room is replaced.
func TestPop(t *testing.T) {
	var slab []int
	s := []int{1, 2, 3, 4, 5}
	a := stack.Pop(&s, &slab, 3, 4) // new slab of 4
	if !slices.Equal(a, []int{4, 5}) || !slices.Equal(s, []int{1, 2, 3}) || cap(a) != 2 {
		t.Fatalf("first pop %v (cap %d), stack %v", a, cap(a), s)
	}
	b := stack.Pop(&s, &slab, 1, 4) // two left in the slab, two taken
	if !slices.Equal(b, []int{2, 3}) || !slices.Equal(s, []int{1}) {
		t.Fatalf("second pop %v, stack %v", b, s)
	}
	_ = append(a, 99)
	if !slices.Equal(b, []int{2, 3}) {
		t.Fatalf("an append to the first pop changed the second: %v", b)
	}
	c := stack.Pop(&s, &slab, 0, 4) // slab empty: a new one
	if !slices.Equal(c, []int{1}) || len(s) != 0 || len(slab) != 3 {
		t.Fatalf("third pop %v, stack %v, slab left %d", c, s, len(slab))
	}
	if e := stack.Pop(&s, &slab, 0, 4); len(e) != 0 {
		t.Fatalf("pop of nothing: %v", e)
	}
}
