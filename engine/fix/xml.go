package fix

import "strings"

// XMLShape is one XML format's element names, keyed by the fields of an
// Edit (Origins, Methods, AllowHeaders). A format package passes its own
// to EditXML.
type XMLShape struct {
	// Rule is the element of one rule (S3's CORSRule).
	Rule string
	// Item names one entry per element (S3's <AllowedOrigin>); Container,
	// when set, is the element that holds them (GCS's <Origins>).
	Item, Container map[string]string
	// Comma: the field is one element with a comma-separated list (Azure).
	Comma map[string]string
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// element finds the n-th element named name in text[from:to] and returns
// the offsets of its start tag, the end of the start tag, the start of its
// end tag and its end; a self-closing element has inner == innerEnd.
func element(text string, from, to int, name string, n int) (start, inner, innerEnd, end int, ok bool) {
	i := from
	for i < to {
		j := strings.Index(text[i:to], "<"+name)
		if j < 0 {
			return
		}
		start = i + j
		k := start + 1 + len(name)
		if k >= to || strings.IndexByte(" \t\r\n/>", text[k]) < 0 {
			i = k
			continue
		}
		gt := strings.IndexByte(text[k:to], '>')
		if gt < 0 {
			return
		}
		inner = k + gt + 1
		if n > 0 {
			n--
			i = inner
			continue
		}
		if text[inner-2] == '/' {
			return start, inner, inner, inner, true
		}
		closeTag := "</" + name + ">"
		c := strings.Index(text[inner:to], closeTag)
		if c < 0 {
			return
		}
		innerEnd = inner + c
		return start, inner, innerEnd, innerEnd + len(closeTag), true
	}
	return
}

// count returns how many elements named name are in text[from:to].
func count(text string, from, to int, name string) int {
	n := 0
	for {
		if _, _, _, _, ok := element(text, from, to, name, n); !ok {
			return n
		}
		n++
	}
}

// EditXML makes e in text, an XML configuration whose elements are named
// by f, keeping the user's formatting.
func EditXML(text string, f *XMLShape, e Edit) (string, error) {
	_, rIn, rInEnd, _, ok := element(text, 0, len(text), f.Rule, e.Rule)
	if !ok {
		return "", errNotFound
	}
	switch e.Op {
	case Add:
	case Replace:
		return replaceXML(text, f, rIn, rInEnd, e)
	default:
		return "", ErrUnsupported
	}
	if name := f.Comma[e.Field]; name != "" {
		s, in, inEnd, end, ok := element(text, rIn, rInEnd, name, 0)
		if !ok {
			return "", errNotFound
		}
		cur := strings.TrimSpace(text[in:inEnd])
		add := escapeXML(strings.Join(e.Values, ","))
		if in == inEnd { // <AllowedHeaders/>
			return text[:s] + "<" + name + ">" + add + "</" + name + ">" + text[end:], nil
		}
		if cur != "" {
			add = "," + add
		}
		return insert(text, in+len(strings.TrimRight(text[in:inEnd], " \t\r\n")), add), nil
	}
	item := f.Item[e.Field]
	if item == "" {
		return "", ErrUnsupported
	}
	from, to := rIn, rInEnd
	if cn := f.Container[e.Field]; cn != "" {
		cs, cin, cinEnd, cend, ok := element(text, rIn, rInEnd, cn, 0)
		if !ok {
			// No Container: add one after the origins' container.
			os, _, _, oend, ok := element(text, rIn, rInEnd, f.Container[Origins], 0)
			if !ok {
				return "", errNotFound
			}
			ind, own := lineIndent(text, os)
			sep := ""
			if own {
				sep = "\n" + ind
			}
			return insert(text, oend, sep+"<"+cn+">"+items(item, e.Values, "")+"</"+cn+">"), nil
		}
		if cin == cinEnd {
			return text[:cs] + "<" + cn + ">" + items(item, e.Values, "") + "</" + cn + ">" + text[cend:], nil
		}
		from, to = cin, cinEnd
	}
	n := count(text, from, to, item)
	if n == 0 {
		// No entry yet: put the first one after the rule's first origin
		// (S3) or inside the empty container (GCS).
		if f.Container[e.Field] != "" {
			return insert(text, from, items(item, e.Values, "")), nil
		}
		os, _, _, oend, ok := element(text, from, to, f.Item[Origins], 0)
		if !ok {
			return "", errNotFound
		}
		ind, own := lineIndent(text, os)
		sep := ""
		if own {
			sep = "\n" + ind
		}
		return insert(text, oend, items(item, e.Values, sep)), nil
	}
	ls, _, _, lend, _ := element(text, from, to, item, n-1)
	ind, own := lineIndent(text, ls)
	sep := ""
	if own {
		sep = "\n" + ind
	}
	return insert(text, lend, items(item, e.Values, sep)), nil
}

func items(name string, values []string, sep string) string {
	var b strings.Builder
	for _, v := range values {
		b.WriteString(sep + "<" + name + ">" + escapeXML(v) + "</" + name + ">")
	}
	return b.String()
}

func replaceXML(text string, f *XMLShape, from, to int, e Edit) (string, error) {
	if len(e.Values) != 1 {
		return "", ErrUnsupported
	}
	if name := f.Comma[e.Field]; name != "" {
		_, in, inEnd, _, ok := element(text, from, to, name, 0)
		if !ok {
			return "", errNotFound
		}
		parts := strings.Split(text[in:inEnd], ",")
		for i, p := range parts {
			if strings.TrimSpace(p) == e.Old {
				parts[i] = strings.Replace(p, e.Old, escapeXML(e.Values[0]), 1)
				return text[:in] + strings.Join(parts, ",") + text[inEnd:], nil
			}
		}
		return "", errNotFound
	}
	item := f.Item[e.Field]
	for n := 0; ; n++ {
		_, in, inEnd, _, ok := element(text, from, to, item, n)
		if !ok {
			return "", errNotFound
		}
		if strings.TrimSpace(text[in:inEnd]) == e.Old {
			return text[:in] + escapeXML(e.Values[0]) + text[inEnd:], nil
		}
	}
}
