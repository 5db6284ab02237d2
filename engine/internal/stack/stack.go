// Package stack moves the finished part of a parser's stack to a slab.
//
// A JSON reader gathers the members of the containers it is inside on
// one stack, the innermost last; when a container ends, its members move
// to a slice of their own. Cut from a shared slab, those slices cost an
// allocation per slab rather than one or more per container (issue 23):
// engine/internal/jsontext and engine/fix's reader both read this way
// (jsontext moves the children by a loop of its own, popKids).
package stack

// Pop moves (*stack)[from:] to the front of *slab, taking a new slab of
// at least chunk entries when it has no room, and returns them, their
// capacity their length, so that an append to one never reaches the
// next. The stack's emptied end is cleared, so that it keeps nothing
// alive.
func Pop[T any](stack, slab *[]T, from, chunk int) []T {
	n := len(*stack) - from
	if n > len(*slab) {
		*slab = make([]T, max(n, chunk))
	}
	out := (*slab)[:n:n]
	*slab = (*slab)[n:]
	copy(out, (*stack)[from:])
	clear((*stack)[from:])
	*stack = (*stack)[:from]
	return out
}
