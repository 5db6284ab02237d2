package jsontext

import "sync/atomic"

// Scratch keeps the memory of one parse's tree for the next: a reader
// that is done with a tree before it parses again, keeping no Value and
// no Items, Keys or Fields slice of it (explain.Decode, s3.Read: their
// strings are the text's), parses with a Scratch and allocates the
// tree's values once, not at every call. A scenario's
// decoding allocated 6.9 KB of which the tree was 5.5 KB, and with two
// threads the collector's marking and write barriers took about 40% of
// its time (issue 23, BenchmarkSpeed/part=decode).
//
// A tree parsed with a Scratch is valid until the Scratch's next
// ParseString or Release. A Scratch is not safe for concurrent use:
// Borrow lends one to a goroutine at a time.
type Scratch struct {
	slab    []Value
	ptrSlab []*Value
	keySlab []string
	// values and keys are the lengths the last parse lent: Release
	// clears those, not the capacity a larger text once grew.
	values, keys int
}

// ParseString is ParseString on s's memory: the tree it returns is
// valid until s's next ParseString or Release. Values past the reserve
// (a text with more than maxReserve values) are allocated as
// ParseString allocates them. A nil s parses as ParseString does, so
// that a reader can take an optional Scratch (jsonpos.ParseOn).
func (s *Scratch) ParseString(text string, maxDepth int) (*Value, *SyntaxError) {
	if s != nil {
		s.Release()
	}
	return parseString(text, maxDepth, s)
}

// Release clears what the last parse used, so that s holds no string of
// its text and no value from its tree: the spare would otherwise keep
// its last text reachable.
func (s *Scratch) Release() {
	clear(s.slab[:s.values])
	clear(s.ptrSlab[:max(s.values-1, 0)])
	clear(s.keySlab[:s.keys])
	s.values, s.keys = 0, 0
}

// lend returns the reserve's three slabs from s's memory, zeroed,
// growing it to the counts reserve asks for.
func (s *Scratch) lend(values, keys int) ([]Value, []*Value, []string) {
	if cap(s.slab) < values {
		s.slab = make([]Value, values)
		s.ptrSlab = make([]*Value, values-1)
	}
	if cap(s.keySlab) < keys {
		s.keySlab = make([]string, keys)
	}
	s.values, s.keys = values, keys
	return s.slab[:values:values], s.ptrSlab[: values-1 : values-1], s.keySlab[:keys:keys]
}

// spare is the Scratch that waits between two borrowings: one slot
// swapped atomically, not a sync.Pool, whose code added 36 KB to the
// simulator's first wasm, where one goroutine parses at a time. It keeps
// the slabs of the largest reserve it lent, at most maxReserve values
// (about 120 KB with their children and keys).
var spare atomic.Pointer[Scratch]

// Borrow returns the spare Scratch, or a new one when another goroutine
// holds it. Return it when done with its tree.
func Borrow() *Scratch {
	if s := spare.Swap(nil); s != nil {
		return s
	}
	return new(Scratch)
}

// Return releases s (Release) and keeps it as the spare for the next
// Borrow. Nothing of s's last tree may be used after.
func (s *Scratch) Return() {
	s.Release()
	spare.Store(s)
}
