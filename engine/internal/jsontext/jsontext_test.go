package jsontext_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
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

// dirty is a text of every kind of value, objects and arrays, for a
// Scratch to hold before the text check parses on it.
var dirty = "[" + strings.Repeat(`{"a":[1,true,"x",{"k":null}],"b":{"c":[[],{}]},"d":"\u00e9"},`, 12) + `-0.5]`

func check(t *testing.T, data []byte) {
	v, err := jsontext.Parse(data)
	if v2, err2 := jsontext.ParseString(string(data), jsontext.MaxDepth); !reflect.DeepEqual(v, v2) || !reflect.DeepEqual(err, err2) {
		t.Fatalf("ParseString(%q) = %v, %v; Parse gives %v, %v", data, v2, err2, v, err)
	}
	// A Scratch whose memory held another tree parses the same tree.
	var sc jsontext.Scratch
	if _, err := sc.ParseString(dirty, jsontext.MaxDepth); err != nil {
		t.Fatal(err)
	}
	if v3, err3 := sc.ParseString(string(data), jsontext.MaxDepth); !reflect.DeepEqual(v, v3) || !reflect.DeepEqual(err, err3) {
		t.Fatalf("Scratch.ParseString(%q) after another text = %v, %v; Parse gives %v, %v", data, v3, err3, v, err)
	}
	if err != nil && err.Fault == jsontext.TooDeep {
		// encoding/json nests 10000 deep; the bound is this package's own.
		if d := depthAt(data, err.Off); d != jsontext.MaxDepth || (data[err.Off] != '[' && data[err.Off] != '{') {
			t.Fatalf("Parse(%q): too deep at offset %d, where %d arrays and objects are open", data, err.Off, d)
		}
		return
	}
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

// depthAt counts the arrays and objects open before data[off], outside
// strings: a plain scan, independent of the parser.
func depthAt(data []byte, off int) int {
	d, in, esc := 0, false, false
	for _, c := range data[:off] {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == '[' || c == '{'):
			d++
		case !in && (c == ']' || c == '}'):
			d--
		}
	}
	return d
}

// TestFault: the faults a caller words its own way, at the offset of the
// byte that makes them (counted by hand), and the depth bound exactly at
// MaxDepth arrays.
func TestFault(t *testing.T) {
	deep := strings.Repeat("[", jsontext.MaxDepth) + strings.Repeat("]", jsontext.MaxDepth)
	tests := []struct {
		desc, in string
		ok       bool
		fault    jsontext.Fault
		off      int
	}{
		{desc: "MaxDepth arrays nest", in: deep, ok: true},
		{desc: "one more is too deep, at its bracket", in: "[" + deep + "]", fault: jsontext.TooDeep, off: jsontext.MaxDepth},
		{desc: "an object counts as a level", in: strings.Repeat("[", jsontext.MaxDepth) + "{}" + strings.Repeat("]", jsontext.MaxDepth), fault: jsontext.TooDeep, off: jsontext.MaxDepth},
		{desc: "text after the value", in: "[] x", fault: jsontext.AfterValue, off: 3},
		{desc: "a second value", in: `1 2`, fault: jsontext.AfterValue, off: 2},
		{desc: "missing comma", in: `["a" "b"]`, fault: jsontext.Invalid, off: 5},
		{desc: "truncated", in: `{"a": [1`, fault: jsontext.Invalid, off: 8},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := jsontext.Parse([]byte(tc.in))
			if tc.ok {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err == nil || err.Fault != tc.fault || err.Off != tc.off {
				t.Fatalf("error %+v, want fault %d at %d", err, tc.fault, tc.off)
			}
		})
	}
	if _, err := jsontext.ParseString("[[1]]", 1); err == nil || err.Fault != jsontext.TooDeep || err.Off != 1 {
		t.Errorf("ParseString with bound 1: %+v, want too deep at 1", err)
	}
}

// TestKindString: the platform readers' messages ("want a string, got a
// number") are built from these texts.
func TestKindString(t *testing.T) {
	want := map[jsontext.Kind]string{jsontext.Null: "null", jsontext.Bool: "a boolean", jsontext.Number: "a number",
		jsontext.String: "a string", jsontext.Array: "an array", jsontext.Object: "an object", jsontext.Object + 1: "a value"}
	for k, w := range want {
		if k.String() != w {
			t.Errorf("Kind %d = %q, want %q", k, k.String(), w)
		}
	}
}

// TestInt: whole numbers that fit in 32 bits (strconv.ParseInt's range).
func TestInt(t *testing.T) {
	tests := []struct {
		desc, in string
		n        int
		ok       bool
	}{
		{desc: "whole", in: `3600`, n: 3600, ok: true},
		{desc: "negative", in: `-1`, n: -1, ok: true},
		{desc: "largest int32", in: `2147483647`, n: 2147483647, ok: true},
		{desc: "past int32", in: `2147483648`},
		{desc: "fraction", in: `1.5`},
		{desc: "exponent", in: `1e3`},
		{desc: "a string", in: `"5"`},
	}
	for _, tc := range tests {
		v, err := jsontext.Parse([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if n, ok := v.Int(); n != tc.n || ok != tc.ok {
			t.Errorf("%s: Int() = %d, %v; want %d, %v", tc.desc, n, ok, tc.n, tc.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"request":{"origin":"http://a.test","url":"http://b.test","headers":[["A","b"]]},"fixes":false}`,
		`"\ud83d\ude00\u2028<&>"`, `[1e5,-0.1,{"":null}]`, "\"\xff\"", `{"a":{"a":{"a":[[[]]]}}}`, `tru`, `-`, `"\u12"`, strings.Repeat("[", 70)} {
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

// TestPath: the path syntax of the platform readers' errors ("$[0].AllowedOrigins",
// engine/platform/s3 tests) and the converter's locator, with odd keys in
// brackets so that a key cannot spell another value's path.
func TestPath(t *testing.T) {
	tests := []struct{ desc, got, want string }{
		{desc: "identifier key", got: jsontext.Key("$[0]", "AllowedOrigins"), want: "$[0].AllowedOrigins"},
		{desc: "key with a space", got: jsontext.Key("$", "odd key"), want: `$["odd key"]`},
		{desc: "key that spells a path", got: jsontext.Key("$", "rules[0]"), want: `$["rules[0]"]`},
		{desc: "empty key", got: jsontext.Key("$", ""), want: `$[""]`},
		{desc: "index", got: jsontext.Index("$.rules", 12), want: "$.rules[12]"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.desc, tc.got, tc.want)
		}
	}
}

// TestReason: each fault is worded as the JSON readers word it.
func TestReason(t *testing.T) {
	tests := []struct {
		desc, text, want string
	}{
		{desc: "a byte that is not JSON", text: `{"a": x}`, want: "invalid JSON: invalid character 'x' looking for beginning of value"},
		{desc: "too deep", text: "[[[[", want: "JSON nested deeper than 2 levels"},
		{desc: "text after the value", text: `{} {}`, want: "unexpected text after the JSON value"},
	}
	for _, tc := range tests {
		_, err := jsontext.ParseString(tc.text, 2)
		if err == nil || !strings.HasPrefix(err.Reason(), tc.want) {
			t.Errorf("%s: %v, want a reason starting %q", tc.desc, err, tc.want)
		}
	}
}

// TestStringEveryByteAtEveryOffset: a string's plain text is skipped
// eight bytes at a time (jsonstr.StringRun, issue 23); each byte value,
// and each escape, at each offset of a longer plain string still reads
// as encoding/json reads it, or fails where it fails.
func TestStringEveryByteAtEveryOffset(t *testing.T) {
	var specials []string
	for c := 0; c < 256; c++ {
		specials = append(specials, string([]byte{byte(c)}))
	}
	specials = append(specials, `\"`, `\\`, `\n`, `\u00e9`, `\ud83d\ude00`, "é", "\u2028", "😀", "\xff\xfe")
	plain := strings.Repeat("abcdefgh", 3)
	for _, sp := range specials {
		for off := 0; off <= 17; off++ {
			doc := `"` + plain[:off] + sp + plain[off:] + `"`
			var want string
			werr := json.Unmarshal([]byte(doc), &want)
			v, err := jsontext.ParseString(doc, jsontext.MaxDepth)
			if (werr == nil) != (err == nil) {
				t.Fatalf("%q: error %v, encoding/json's %v", doc, err, werr)
			}
			if err == nil && (v.Kind != jsontext.String || v.Str != want) {
				t.Fatalf("%q: read %q, encoding/json reads %q", doc, v.Str, want)
			}
		}
	}
}

// TestBeyondReserve: the parser sizes its slabs from a count of commas,
// brackets and colons up to a bound (issue 23); a document with more
// values and keys than the bound, and one whose strings hold many
// commas and colons, read as encoding/json reads them.
func TestBeyondReserve(t *testing.T) {
	var big strings.Builder
	big.WriteString(`{"list":[`)
	for i := range 3000 {
		if i > 0 {
			big.WriteString(",")
		}
		big.WriteString(`{"a":[1,{}],"b":[]}`)
	}
	big.WriteString(`],"text":"` + strings.Repeat(",:[{", 2000) + `"}`)
	for _, doc := range []string{big.String(), `"` + strings.Repeat(",", 5000) + `"`, `[` + strings.Repeat(`",:",`, 3000) + `1]`} {
		v, err := jsontext.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		want, jerr := stdDecode([]byte(doc))
		if jerr != nil {
			t.Fatal(jerr)
		}
		if got := toAny(v); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse of a %d-byte document differs from encoding/json", len(doc))
		}
		var sc jsontext.Scratch
		sc.ParseString(dirty, jsontext.MaxDepth)
		if v2, _ := sc.ParseString(doc, jsontext.MaxDepth); !reflect.DeepEqual(v, v2) {
			t.Fatalf("Scratch.ParseString of a %d-byte document differs from Parse", len(doc))
		}
	}
}
