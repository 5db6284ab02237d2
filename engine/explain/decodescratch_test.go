package explain_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// decodeTexts is every scenario text the package's tests decode, and
// four that reach the decoder's other paths: headers written as an
// object (their names are the tree's keys), escaped strings (built
// apart from the text), policy files and params.
func decodeTexts(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, tc := range reasonCases {
		out = append(out, []byte(tc.scenario))
	}
	for _, tc := range routeCases {
		out = append(out, []byte(tc.scenario))
	}
	for _, tc := range thenCases {
		out = append(out, []byte(tc.scenario))
	}
	files, _ := filepath.Glob("../../examples/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return append(out,
		[]byte(speedScenario),
		[]byte(`{"request":{"origin":"http://app.test","url":"http://api.test/","method":"GET","headers":{"X-A":"1","X-\u0042":"\"2\""}},
			"response":{"status":200,"headers":{"Access-Control-Allow-Origin":"http://app.test","Vary":"Origin"}}}`),
		[]byte(`{"request":{"origin":"http://app.test","url":"http://api.test/","method":"GET"},
			"policy":{"format":"auto","files":[{"name":"a.yaml","text":"x: \"1\"\n"},{"name":"b\u00e9.yaml","text":"y"}],"resource":"Api","params":{"Origin":"https://app.test","K\u00e9":"v"}}}`),
		[]byte(`{"request":{"origin":"http://app.test","url":"http://api.test/","method":"GET"},"then":[{"request":{"origin":"http://app.test","url":"http://api.test/2","method":"GET","headers":[["X-C","3"]]}}]}`),
	)
}

// TestDecodeKeepsNoTree: Decode parses on memory it lends again to the
// next Decode (jsontext.Scratch), so a Scenario must keep nothing of
// the tree. Each text's Scenario, decoded before every other text's
// decoding reused that memory, must equal a fresh decoding of it after;
// and so must decodings running at once on several goroutines (go test
// -race finds a Scratch shared between them).
func TestDecodeKeepsNoTree(t *testing.T) {
	texts := decodeTexts(t)
	first := make([]explain.Scenario, len(texts))
	for i, b := range texts {
		s, err := explain.Decode(b)
		if err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
		first[i] = s
	}
	for i := len(texts) - 1; i >= 0; i-- {
		// A rejected text reuses the memory too.
		explain.Decode(texts[i][:len(texts[i])/2])
		explain.Decode(texts[i])
	}
	for i, b := range texts {
		s, _ := explain.Decode(b)
		if !reflect.DeepEqual(s, first[i]) {
			t.Errorf("text %d: decoded before the others it was\n%+v\nand after them\n%+v", i, first[i], s)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for r := range 20 {
				i := (g*7 + r*13) % len(texts)
				if s, _ := explain.Decode(texts[i]); !reflect.DeepEqual(s, first[i]) {
					t.Errorf("goroutine %d, text %d: a decoding at once with others differs", g, i)
				}
			}
		})
	}
	wg.Wait()
}
