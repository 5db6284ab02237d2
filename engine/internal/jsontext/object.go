package jsontext

import "strconv"

// Members writes one compact JSON object's members in order, as
// json.Marshal writes a struct: the caller writes the members its struct
// tags name, leaving out what omitempty would.
//
// A member's name is a struct tag's, written as it is: letters, digits,
// '_' and '-', which JSON never escapes. Escaping each name as a string
// was half of a verdict's encoding (issue 23: about 160 names against
// 150 values); an object whose keys are data (a map's) is written with
// AppendString.
type Members struct {
	B    []byte
	more bool
}

// Key starts a member named name (a struct tag's name, written as it
// is); its value is appended to B next. It is not inlined: inlined at
// the verdict's fifty-odd calls it grew the simulator's first wasm by
// 45 KB (2026-12-04, GOOS=js GOARCH=wasm go build -trimpath
// -ldflags='-s -w' ./wasm/core: 3,143,203 -> 3,188,281 bytes).
//
//go:noinline
func (o *Members) Key(name string) {
	sep := byte(',')
	if !o.more {
		sep, o.more = '{', true
	}
	b := append(o.B, sep, '"')
	b = append(b, name...)
	o.B = append(b, '"', ':')
}

// End closes the object ({} when it has no member) and returns B.
func (o *Members) End() []byte {
	if !o.more {
		return append(o.B, '{', '}')
	}
	return append(o.B, '}')
}

// Str writes a string member.
func (o *Members) Str(k, v string) {
	o.Key(k)
	o.B = AppendString(o.B, v)
}

// StrOmit writes a string member unless v is "" (omitempty).
func (o *Members) StrOmit(k, v string) {
	if v != "" {
		o.Str(k, v)
	}
}

// Int writes a whole-number member.
func (o *Members) Int(k string, n int) {
	o.Key(k)
	o.B = strconv.AppendInt(o.B, int64(n), 10)
}

// IntOmit writes a whole-number member unless n is 0 (omitempty).
func (o *Members) IntOmit(k string, n int) {
	if n != 0 {
		o.Int(k, n)
	}
}

// Bool writes a true-or-false member.
func (o *Members) Bool(k string, v bool) {
	o.Key(k)
	o.B = strconv.AppendBool(o.B, v)
}

// AppendList writes l as a JSON array, each element with each; null for
// a nil list, as json.Marshal writes a nil slice.
func AppendList[T any](b []byte, l []T, each func([]byte, *T) []byte) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, &l[i])
	}
	return append(b, ']')
}
