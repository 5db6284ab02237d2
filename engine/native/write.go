package native

import (
	"strconv"
	"strings"
)

// Write returns p in the native format's canonical form: the long form
// ({"rules": [...]}), fields in a fixed order, defaults left out, methods
// and header names normalized, two-space indentation and a final newline.
// Parse(Write(p)) yields a policy that behaves as p, and Write of that
// policy is the same text.
func Write(p *Policy) string {
	var b strings.Builder
	b.WriteString("{\n  \"rules\": [")
	for i := range p.rules {
		r := normalize(p.rules[i])
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    {")
		first := true
		field := func(name string) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString("\n      ")
			writeString(&b, name)
			b.WriteString(": ")
		}
		list := func(name string, v []string) {
			if len(v) == 0 {
				return
			}
			field(name)
			b.WriteByte('[')
			for j, s := range v {
				if j > 0 {
					b.WriteString(", ")
				}
				writeString(&b, s)
			}
			b.WriteByte(']')
		}
		if r.Name != "" {
			field("name")
			writeString(&b, r.Name)
		}
		if r.Path != "" {
			field("path")
			writeString(&b, r.Path)
		}
		list("origins", r.Origins)
		list("methods", r.Methods)
		list("request_headers", r.RequestHeaders)
		list("match", r.Match)
		if r.Final {
			field("final")
			b.WriteString("true")
		}
		list("exposed_headers", r.ExposedHeaders)
		if r.Credentials {
			field("credentials")
			b.WriteString("true")
		}
		if r.MaxAge != nil {
			field("max_age")
			b.WriteString(strconv.Itoa(*r.MaxAge))
		}
		if r.PreflightStatus != 0 {
			field("preflight_status")
			b.WriteString(strconv.Itoa(r.PreflightStatus))
		}
		if r.UnmatchedPreflight != "" {
			field("unmatched_preflight")
			writeString(&b, r.UnmatchedPreflight)
		}
		if r.AllowInsecureOrigins {
			field("dangerously_allow_insecure_origins")
			b.WriteString("true")
		}
		b.WriteString("\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	return b.String()
}

// writeString writes s as a JSON string (RFC 8259 §7), escaping only what
// JSON requires, so origins and paths stay readable.
func writeString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
