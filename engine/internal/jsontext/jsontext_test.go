package jsontext_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/internal/jsontext"
)

// toAny turns a tree into what json.Unmarshal with UseNumber gives.
func toAny(v *jsontext.Value) any {
	switch v.Kind {
	case jsontext.Bool:
		return v.Bool
	case jsontext.Number:
		return json.Number(v.Str)
	case jsontext.String:
		return v.Str
	case jsontext.Array:
		out := []any{}
		for _, it := range v.Items {
			out = append(out, toAny(it))
		}
		return out
	case jsontext.Object:
		out := map[string]any{}
		for i, k := range v.Keys {
			out[k] = toAny(v.Fields[i]) // the last duplicate wins, as in json.Unmarshal
		}
		return out
	}
	return nil
}

func stdDecode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// The expected values are encoding/json's: the package promises to read
// what it reads (RFC 8259).
func TestParse(t *testing.T) {
	tests := []struct {
		desc, in string
		valid    bool
	}{
		{desc: "object with every kind", in: `{"a":[1,-2.5e3,true,false,null,"x"],"b":{}}`, valid: true},
		{desc: "escapes and a surrogate pair (RFC 8259 §7)", in: `"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"`, valid: true},
		{desc: "a lone surrogate becomes U+FFFD", in: `"\ud83d x"`, valid: true},
		{desc: "invalid UTF-8 becomes U+FFFD", in: "\"a\xffb\"", valid: true},
		{desc: "duplicate keys: the last wins", in: `{"a":1,"a":2}`, valid: true},
		{desc: "whitespace around", in: " \t\r\n[ ] \n", valid: true},
		{desc: "leading zero (RFC 8259 §6)", in: `01`, valid: false},
		{desc: "trailing comma", in: `[1,]`, valid: false},
		{desc: "control character in a string", in: "\"a\nb\"", valid: false},
		{desc: "bad escape", in: `"\x"`, valid: false},
		{desc: "two values", in: `{} {}`, valid: false},
		{desc: "unterminated", in: `{"a":`, valid: false},
		{desc: "empty", in: ``, valid: false},
		{desc: "exponent without digits", in: `1e`, valid: false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			check(t, []byte(tc.in))
			if json.Valid([]byte(tc.in)) != tc.valid {
				t.Fatalf("json.Valid disagrees with the table")
			}
		})
	}
}

func check(t *testing.T, data []byte) {
	v, err := jsontext.Parse(data)
	if (err == nil) != json.Valid(data) {
		t.Fatalf("Parse(%q) error %v, json.Valid %v", data, err, json.Valid(data))
	}
	if err != nil {
		if err.Off < 0 || err.Off > len(data) {
			t.Fatalf("offset %d outside the input", err.Off)
		}
		return
	}
	want, derr := stdDecode(data)
	if derr != nil {
		t.Fatalf("encoding/json refuses %q: %v", data, derr)
	}
	if got := toAny(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(%q) = %#v, encoding/json %#v", data, got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"request":{"origin":"http://a.test","url":"http://b.test","headers":[["A","b"]]},"fixes":false}`,
		`"\ud83d\ude00\u2028<&>"`, `[1e5,-0.1,{"":null}]`, "\"\xff\"", `{"a":{"a":{"a":[[[]]]}}}`, `tru`, `-`, `"\u12"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
	})
}

// AppendString must write what json.Marshal writes for every string.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "\x00\x1f\n\t\b\f\r", "<a&b>", "é€😀", "\u2028\u2029", "a\xffb\xc3", "\x7f"} {
		want, _ := json.Marshal(s)
		if got := jsontext.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, json.Marshal %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<a&b>\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := jsontext.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, json.Marshal %s", s, got, want)
		}
	})
}
