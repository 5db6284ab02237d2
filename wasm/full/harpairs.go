//go:build js && wasm

package main

import (
	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/jsonapi"
)

// harPairs is whycorsFull.harPairs(text): the cross-origin fetches of a
// HAR file, each with the request and replies the engine paired for it
// ([Pair, ...]: har.Pairs), so that the page pairs nothing itself.
func harPairs(text string) string {
	ps, err := har.Pairs(text)
	if err != nil {
		return errorJSON(err)
	}
	if ps == nil {
		ps = []har.Pair{}
	}
	return string(jsonapi.AppendPairs(nil, ps))
}
