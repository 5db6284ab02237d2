// Package xmlpos decodes an XML document into a tree of elements that
// remember their line and column, so that the S3, GCS and Azure readers
// can point at the element at fault.
//
// encoding/xml is kept inside the readers that need it: it costs about
// 150 KB gzip in the browser's wasm (shared/reference/build-chain.md).
package xmlpos

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Bounds on a document: no platform's CORS config comes near them.
const (
	MaxDepth    = 16
	MaxElements = 20000
)

// Element is one element: its local name (namespaces are ignored, as S3
// accepts the document with or without its xmlns), its position and its
// children. Text is the element's character data, concatenated.
type Element struct {
	Name     string
	Line     int
	Column   int
	Children []*Element
	Text     string
}

// Path returns a readable element path such as
// CORSConfiguration/CORSRule[2]/AllowedMethod[1] (1-based, as XPath).
func Path(parent, name string, i int) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name + "[" + strconv.Itoa(i+1) + "]"
}

// Err builds a positioned error at e.
func Err(e *Element, path, code, msg string) *policy.Error {
	err := &policy.Error{Path: path, Code: code, Msg: msg}
	if e != nil {
		err.Line, err.Column = e.Line, e.Column
	}
	return err
}

// Parse decodes text and returns the root element.
func Parse(text string) (*Element, *policy.Error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = true
	var stack []*Element
	var root *Element
	n := 0
	for {
		line, col := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			msg := err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				msg = se.Msg
				line, col = se.Line, 0
			}
			return nil, &policy.Error{Line: line, Column: col, Msg: "XML is not well-formed: " + msg, Unreadable: true}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n++
			if n > MaxElements || len(stack) >= MaxDepth {
				return nil, &policy.Error{Line: line, Column: col, Msg: "XML document too large or too deeply nested"}
			}
			el := &Element{Name: t.Name.Local, Line: line, Column: col}
			if len(stack) == 0 {
				if root != nil {
					return nil, &policy.Error{Line: line, Column: col, Msg: "XML is not well-formed: more than one root element", Unreadable: true}
				}
				root = el
			} else {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, el)
			}
			stack = append(stack, el)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, &policy.Error{Line: line, Column: col, Msg: "XML is not well-formed: text outside the root element"}
			}
		}
	}
	if root == nil {
		return nil, &policy.Error{Line: 1, Column: 1, Msg: "XML is not well-formed: no root element"}
	}
	return root, nil
}
