package cloudfront

import (
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
)

// editFields are the CorsConfig lists a fix adds to, by the fix's field.
var editFields = map[string]string{fix.Origins: FieldAllowOrigins, fix.Methods: FieldAllowMethods, fix.AllowHeaders: FieldAllowHeaders}

// splice is one replacement of text[start:end].
type splice struct {
	start, end int
	with       string
}

// EditText implements fix.Editor: e made in the user's own JSON, every
// other byte as it was. An added value goes after the list's last item
// (on its own line when the items stand on theirs) and the list's
// Quantity, when it has one, is raised to match (CloudFront refuses a
// Quantity that is not the number of Items: InconsistentQuantities);
// enabling credentials sets AccessControlAllowCredentials to true.
func (*format) EditText(text string, e fix.Edit) (string, error) {
	if e.Rule != 0 {
		return "", fix.ErrNotFound
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return "", fix.ErrNotFound
	}
	v := doc.Root
	for _, k := range wrappers {
		if w, ok := v.Get(k); ok {
			v = w
		}
	}
	if v.Kind != jsonpos.Object {
		return "", fix.ErrNotFound
	}
	var ss []splice
	switch {
	case e.Op == fix.Enable && e.Field == fix.Credentials:
		f, ok := v.Get(FieldAllowCredentials)
		if !ok || f.Kind != jsonpos.Bool {
			return "", fix.ErrNotFound
		}
		if f.Bool {
			return text, nil
		}
		ss = []splice{{int(f.Off), int(f.Off) + len("false"), "true"}}
	case e.Op == fix.Add && editFields[e.Field] != "":
		f, ok := v.Get(editFields[e.Field])
		if !ok || f.Kind != jsonpos.Object {
			return "", fix.ErrNotFound
		}
		var err error
		if ss, err = addItems(text, f, e.Values); err != nil {
			return "", err
		}
	default:
		return "", fix.ErrUnsupported
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].start > ss[j].start })
	for _, s := range ss {
		text = text[:s.start] + s.with + text[s.end:]
	}
	return text, nil
}

// addItems are the splices that add values to a {"Quantity", "Items"}
// list object.
func addItems(text string, list *jsonpos.Value, values []string) ([]splice, error) {
	quoted := make([]string, len(values))
	for i, x := range values {
		quoted[i] = string(jsontext.AppendString(nil, x))
	}
	items, hasItems := list.Get("Items")
	q, hasQ := list.Get("Quantity")
	var ss []splice
	n := len(values)
	switch {
	case hasItems && items.Kind == jsonpos.Array && len(items.Items) > 0:
		last := items.Items[len(items.Items)-1]
		end := valueEnd(text, int(last.Off))
		sep := ", "
		if ind, own := ownLine(text, int(last.Off)); own {
			sep = ",\n" + ind
		}
		ss = append(ss, splice{end, end, sep + strings.Join(quoted, sep)})
		n += len(items.Items)
	case hasItems && items.Kind == jsonpos.Array:
		ss = append(ss, splice{int(items.Off) + 1, int(items.Off) + 1, strings.Join(quoted, ", ")})
	case hasItems && items.Kind == jsonpos.Null:
		ss = append(ss, splice{int(items.Off), int(items.Off) + len("null"), "[" + strings.Join(quoted, ", ") + "]"})
	case !hasItems && hasQ:
		end := valueEnd(text, int(q.Off))
		ss = append(ss, splice{end, end, `, "Items": [` + strings.Join(quoted, ", ") + "]"})
	default:
		return nil, fix.ErrNotFound
	}
	if hasQ && q.Kind == jsonpos.Number {
		ss = append(ss, splice{int(q.Off), valueEnd(text, int(q.Off)), strconv.Itoa(n)})
	}
	return ss, nil
}

// valueEnd is the offset just past the string, number or literal that
// starts at off (the reader accepted the text, so it is well formed).
func valueEnd(text string, off int) int {
	i := off
	if i < len(text) && text[i] == '"' {
		for i++; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(text)
	}
	for i < len(text) && strings.IndexByte(" \t\r\n,]}", text[i]) < 0 {
		i++
	}
	return i
}

// ownLine reports whether the value at off starts its line, and the
// line's indentation.
func ownLine(text string, off int) (string, bool) {
	start := strings.LastIndexByte(text[:off], '\n') + 1
	ind := text[start:off]
	return ind, strings.TrimLeft(ind, " \t") == ""
}

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*format) FileName() string { return "response-headers-policy.json" }
