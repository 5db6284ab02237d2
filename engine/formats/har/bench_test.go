package har_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/har"
)

// bigHAR builds a HAR of n fetch/preflight pairs, about 700 bytes each.
func bigHAR(n int) string {
	var b strings.Builder
	b.WriteString(`{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		u := `"https://api.test/items/` + strconv.Itoa(i) + `"`
		b.WriteString(`{"_resourceType": "preflight", "_initiator": {"type": "preflight"}, "request": {"method": "OPTIONS", "url": ` + u + `, "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Access-Control-Request-Method", "value": "PUT"}]}, "response": {"status": 204, "headers": [{"name": "Access-Control-Allow-Origin", "value": "https://app.test"}, {"name": "Access-Control-Allow-Methods", "value": "PUT"}]}},`)
		b.WriteString(`{"_resourceType": "fetch", "request": {"method": "PUT", "url": ` + u + `, "headers": [{"name": "Origin", "value": "https://app.test"}, {"name": "Content-Type", "value": "application/json"}]}, "response": {"status": 200, "headers": [{"name": "Access-Control-Allow-Origin", "value": "https://app.test"}], "content": {"size": 2, "mimeType": "application/json", "text": "{}"}}}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}

func BenchmarkRead(b *testing.B) {
	for _, n := range []int{10, 1000} {
		text := bigHAR(n)
		b.Run("pairs="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				l, err := har.Read(text)
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Candidates()) != n {
					b.Fatal("wrong candidate count")
				}
			}
		})
	}
}
