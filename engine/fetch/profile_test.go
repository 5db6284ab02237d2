package fetch_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
)

// TestLookupReturnsCopy changes one exported field of a profile got from
// Lookup at a time (and every element of it when it is a slice or map),
// looks the profile up again and checks the second is what the first was
// before the change. A shared mutable profile would let one caller change a
// browser for every other: the class of bug of rs/cors issue #198
// (../shared/style.md, Avoid).
func TestLookupReturnsCopy(t *testing.T) {
	fields := reflect.VisibleFields(reflect.TypeFor[fetch.Profile]())
	for _, name := range fetch.Names() {
		for _, f := range fields {
			if !f.IsExported() {
				continue
			}
			p := profile(t, name)
			orig, want := *p, fmt.Sprintf("%#v", *p)
			v := reflect.ValueOf(p).Elem().FieldByIndex(f.Index)
			if k := v.Kind(); (k == reflect.Slice || k == reflect.Map) && v.Len() == 0 {
				continue // no element to change in place
			}
			change(t, f.Name, v)
			if fmt.Sprintf("%#v", *p) == want {
				t.Fatalf("%s: changing %s left the profile as it was", name, f.Name)
			}
			q, ok := fetch.Lookup(name)
			var got string
			if ok {
				got = fmt.Sprintf("%#v", *q)
			}
			// Undo the change, so that with a shared profile the
			// next fields are still tried on the original.
			*p = orig
			switch {
			case !ok:
				t.Errorf("%s: after a caller changed its profile's %s, Lookup finds no profile %q", name, f.Name, name)
			case got != want:
				t.Errorf("%s: after a caller changed its profile's %s, Lookup returns\n%s\nwant\n%s", name, f.Name, got, want)
			}
		}
	}
}

// change sets v, which must be settable, to a value other than its own; for a
// slice or map it changes every element in place, as a careless caller would.
func change(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.String:
		v.SetString(v.String() + "-changed")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			change(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			change(t, fmt.Sprintf("%s[%v]", path, k), e)
			v.SetMapIndex(k, e)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			change(t, path, v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				change(t, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	default:
		t.Fatalf("Profile.%s is a %s: teach change to alter it, so this test covers it", path, v.Kind())
	}
}
