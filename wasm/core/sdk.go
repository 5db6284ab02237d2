//go:build js && wasm

package main

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/sdkpreset"
)

// sdkPresets is whycors.sdkPresets(): the requests real SDKs make
// (engine/sdkpreset.Presets, in its order), for the page's "Request made
// by" list: [{"name", "operation", "method", "headers": [[name, value],
// ...], "reads": [...], "needs": [...], "recorded", "source", "call",
// "others": [{"call", "label", "method", "headers"}, ...]}]: others are
// the operation's other requests (sdkpreset.Preset.Others), in the
// order the SDK sends them, which the page explains too.
func sdkPresets(string) string {
	b := []byte{'['}
	for i, p := range sdkpreset.Presets() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, p.Name)
		b = append(b, `,"operation":`...)
		b = appendString(b, p.Operation)
		b = append(b, `,"method":`...)
		b = appendString(b, p.Method)
		b = append(b, `,"headers":`...)
		b = p.Header.AppendJSON(b)
		b = append(b, `,"reads":`...)
		b = explain.AppendStrings(b, nonNil(p.Reads))
		b = append(b, `,"needs":`...)
		b = explain.AppendStrings(b, nonNil(p.Needs))
		b = append(b, `,"recorded":`...)
		b = strconv.AppendBool(b, p.Recorded)
		b = append(b, `,"source":`...)
		b = appendString(b, p.Source)
		b = append(b, `,"call":`...)
		b = appendString(b, p.Call)
		b = append(b, `,"others":[`...)
		for j, r := range p.Others {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"call":`...)
			b = appendString(b, r.Call)
			b = append(b, `,"label":`...)
			b = appendString(b, r.Label())
			b = append(b, `,"method":`...)
			b = appendString(b, r.Method)
			b = append(b, `,"headers":`...)
			b = r.Header.AppendJSON(b)
			b = append(b, '}')
		}
		b = append(b, ']', '}')
	}
	return string(append(b, ']'))
}

// sdkWarnings is whycors.sdkWarnings(arg): which response headers the
// preset's SDK needs or reads that the reply to the actual request does
// not expose, as `whycors explain --preset` warns (codes
// sdk-needs-header and sdk-reads-header): [{"code", "severity",
// "message", "headers": [...]}], or [] when the SDK reads all it needs.
// arg is lines, not JSON (this program reads no JSON but a scenario):
// the preset's name, then "include" when the request sends credentials
// (else any word), then the reply's headers, one "Name: value" a line.
// The headers the SDK reads count as sent, as the real service sends
// them; what decides is Access-Control-Expose-Headers, read as the
// browser reads it (fetch.Readable).
func sdkWarnings(arg string) string {
	lines := strings.Split(arg, "\n")
	if len(lines) < 2 {
		return string(explain.AppendError(nil, errString("sdkWarnings: want the preset's name and the credentials mode")))
	}
	p, ok := sdkpreset.Lookup(strings.TrimSpace(lines[0]))
	if !ok {
		return string(explain.AppendError(nil, errString("no SDK preset "+strconv.Quote(strings.TrimSpace(lines[0]))+"; the presets: "+strings.Join(sdkpreset.Names(), ", "))))
	}
	include := strings.TrimSpace(lines[1]) == "include"
	var sent headers.List
	for _, l := range lines[2:] {
		if name, value, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(name) != "" {
			sent.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
	}
	b := []byte{'['}
	for i, w := range p.Check(sent, include) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendWarning(b, w.Code, w.Severity, w.Headers, w.Message)
	}
	return string(append(b, ']'))
}

func appendWarning(b []byte, code, severity string, hidden []string, message string) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, code)
	b = append(b, `,"severity":`...)
	b = appendString(b, severity)
	b = append(b, `,"message":`...)
	b = appendString(b, message)
	b = append(b, `,"headers":`...)
	b = explain.AppendStrings(b, hidden)
	return append(b, '}')
}

// appendString appends s as a JSON string, with the engine's writer
// (explain.AppendStrings writes ["s"]; the brackets are dropped).
func appendString(b []byte, s string) []byte {
	n := len(b)
	b = explain.AppendStrings(b, []string{s})
	copy(b[n:], b[n+1:len(b)-1])
	return b[:len(b)-2]
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

type errString string

func (e errString) Error() string { return string(e) }
