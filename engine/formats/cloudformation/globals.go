package cloudformation

// samMerged is a SAM resource's property value with the Globals' value of
// the same property merged in, as the SAM translator merges them
// (aws/serverless-application-model, samtranslator/plugins/globals/
// globals.py, GlobalProperties: "maps are merged, lists are additive,
// primitives are overridden"; the SAM developer guide, "Globals section
// of the AWS SAM template", Overridable properties): two maps merge key
// by key, each key merged again; two lists are the Globals' items then
// the resource's; anything else, or values of two shapes, is the
// resource's. An intrinsic function (a tag, or a map of one "Ref" or
// "Fn::" key) is a value, not a map to merge. nil when neither has one.
//
// The merged node is made here and is in no text: it has the resource's
// position (or the Globals' when the resource has none), and its items
// and values keep their own, so a fault or an edit lands where the value
// is written. Found as a new user would: a resource's CorsConfiguration
// that named only AllowOrigins replaced the Globals' methods and headers,
// where SAM keeps them.
func samMerged(global, local *node) *node {
	switch {
	case global == nil:
		return local
	case local == nil:
		return global
	case global.kind == mapK && local.kind == mapK && !isIntrinsic(global) && !isIntrinsic(local):
		m := *local
		m.keys, m.vals, m.own = nil, nil, local
		for i, k := range global.keys {
			if local.index(k.str) < 0 {
				m.keys, m.vals = append(m.keys, k), append(m.vals, global.vals[i])
			}
		}
		for i, k := range local.keys {
			m.keys = append(m.keys, k)
			m.vals = append(m.vals, samMerged(global.get(k.str), local.vals[i]))
		}
		return &m
	case global.kind == seqK && local.kind == seqK && global.tag == "" && local.tag == "":
		s := *local
		s.items = append(append([]*node(nil), global.items...), local.items...)
		return &s
	}
	return local
}

// withProperty is props with key's value replaced by v (or added), a
// copy: props itself, which is the template's, is not changed.
func withProperty(props *node, key string, v *node) *node {
	var m node
	if props != nil {
		m = *props
	} else {
		m = node{kind: mapK, line: v.line, col: v.col, off: v.off}
	}
	m.keys = append([]*node(nil), m.keys...)
	m.vals = append([]*node(nil), m.vals...)
	if i := m.index(key); i >= 0 {
		m.vals[i] = v
		return &m
	}
	m.keys = append(m.keys, &node{kind: scalarK, str: key, line: v.line, col: v.col, off: v.off})
	m.vals = append(m.vals, v)
	return &m
}

// isIntrinsic reports whether n is an intrinsic function call, a value
// SAM does not merge into.
func isIntrinsic(n *node) bool {
	_, _, ok := intrinsic(n)
	return ok
}
