// Package headers implements the Fetch standard's header list: an ordered
// list of (name, value) pairs whose names compare byte-case-insensitively
// (https://fetch.spec.whatwg.org/#concept-header-list).
//
// Every part of the engine passes headers as a List, so that the order the
// page gave them in, repeated lines and the exact bytes of each value survive
// until a browser check or a platform evaluator looks at them.
package headers

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Field is one header line.
type Field struct {
	Name  string
	Value string
}

// List is a header list in order. The zero value is an empty list.
type List []Field

// Get returns the combined value of name: every value of that name, in
// order, joined with ", " (https://fetch.spec.whatwg.org/#concept-header-list-get).
// ok is false when the list has no such header, which the CORS check treats
// differently from an empty value.
func (l List) Get(name string) (value string, ok bool) {
	var b strings.Builder
	for _, f := range l {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		if ok {
			b.WriteString(", ")
		}
		b.WriteString(f.Value)
		ok = true
	}
	return b.String(), ok
}

// Values returns the value of every line named name, in order.
func (l List) Values(name string) []string {
	var out []string
	for _, f := range l {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Count returns how many lines are named name. Firefox blocks an
// Access-Control-Allow-Origin sent on two lines even when their combined
// value would look like a list, so callers need the line count.
func (l List) Count(name string) int {
	n := 0
	for _, f := range l {
		if strings.EqualFold(f.Name, name) {
			n++
		}
	}
	return n
}

// Has reports whether name is in the list.
func (l List) Has(name string) bool {
	for _, f := range l {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Clone returns a copy that shares no backing array with l, so that a
// caller may append to it without touching l (rs/cors issue #198).
func (l List) Clone() List {
	if l == nil {
		return nil
	}
	return append(List(make([]Field, 0, len(l))), l...)
}

// Add appends a line.
func (l *List) Add(name, value string) { *l = append(*l, Field{name, value}) }

// Del removes every line named name.
func (l *List) Del(name string) {
	out := (*l)[:0]
	for _, f := range *l {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	*l = out
}

// Set replaces every line named name by one line with value, at the
// position of the first one (or at the end).
func (l *List) Set(name, value string) {
	for i, f := range *l {
		if strings.EqualFold(f.Name, name) {
			(*l)[i].Value = value
			rest := (*l)[i+1:]
			rest.Del(name)
			*l = (*l)[:i+1+len(rest)]
			return
		}
	}
	l.Add(name, value)
}

// MarshalJSON writes the list as [["Name", "value"], ...], the shape of the
// scenario contract (shared/design.md).
func (l List) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, f := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, f.Name)
		b = append(b, ',')
		b = appendJSONString(b, f.Value)
		b = append(b, ']')
	}
	return append(b, ']'), nil
}

// UnmarshalJSON accepts [["Name", "value"], ...] and, for hand-written
// scenarios, an object {"Name": "value"} (whose order JSON does not keep;
// it is read in the order written).
func (l *List) UnmarshalJSON(data []byte) error {
	var pairs [][]string
	if err := json.Unmarshal(data, &pairs); err == nil {
		out := make(List, 0, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return errors.New("header " + strconv.Itoa(i) + ": want [name, value], got " + strconv.Itoa(len(p)) + " strings")
			}
			out = append(out, Field{p[0], p[1]})
		}
		*l = out
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("headers: want a list of [name, value] pairs or an object")
	}
	out := List{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return errors.New("header " + strconv.Quote(k.(string)) + ": value must be a string")
		}
		out = append(out, Field{k.(string), v})
	}
	*l = out
	return nil
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
