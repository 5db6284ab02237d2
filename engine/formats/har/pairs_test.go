package har_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/har"
)

// A Firefox export (standard fields only): the OPTIONS entry with
// Access-Control-Request-Method PUT is the preflight of the PUT after it
// (shared/reference/cloud-policies.md §6.6), and the PUT's reply lacks
// Access-Control-Allow-Origin.
func ExamplePairs() {
	const text = `{"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "128.0"}, "entries": [
 {"request": {"method": "OPTIONS", "url": "https://api.example/files/7", "headers": [
   {"name": "Origin", "value": "https://shop.example"}, {"name": "Access-Control-Request-Method", "value": "PUT"},
   {"name": "Access-Control-Request-Headers", "value": "content-type"}]},
  "response": {"status": 204, "statusText": "No Content", "headers": [
   {"name": "Access-Control-Allow-Origin", "value": "https://shop.example"}, {"name": "Access-Control-Allow-Methods", "value": "PUT"},
   {"name": "Access-Control-Allow-Headers", "value": "content-type"}]}},
 {"request": {"method": "PUT", "url": "https://api.example/files/7", "headers": [
   {"name": "Origin", "value": "https://shop.example"}, {"name": "Content-Type", "value": "application/json"},
   {"name": "User-Agent", "value": "Mozilla/5.0"}]},
  "response": {"status": 200, "statusText": "OK", "headers": [{"name": "Content-Type", "value": "application/json"}]}}]}}`
	pairs, err := har.Pairs(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		x := p.Exchange
		fmt.Println("entry", p.Candidate.Index, x.Request.Method, x.Request.URL, "from", x.Request.Origin, "headers", x.Request.Headers)
		fmt.Println("preflight: entry", x.PreflightIndex, x.Preflight.Status, p.PreflightStatusText)
		fmt.Println("reply:", x.Actual.Status, p.StatusText, x.Actual.Header)
	}
	// Output:
	// entry 1 PUT https://api.example/files/7 from https://shop.example headers [{Content-Type application/json}]
	// preflight: entry 0 204 No Content
	// reply: 200 OK [{Content-Type application/json}]
}
