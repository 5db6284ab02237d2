package convert_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
)

// An S3 bucket's rules written as the native policy (issue 19's
// example): S3 echoes the origin with credentials, so the native rules
// have credentials; S3 picks the first rule matching origin, method and
// requested headers, and so do native rules that match on them. Nothing
// is lost, so there is no note.
func ExampleConvert() {
	out, notes, err := convert.Convert(all.Registry(), `[
  {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]},
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "POST", "HEAD"], "AllowedHeaders": ["*"]}
]`, "s3-json", "native")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	for _, n := range notes {
		fmt.Println(n.Effect, n.Field+":", n.Message)
	}
	// Output:
	// {
	//   "rules": [
	//     {
	//       "origins": ["https://www.example.com"],
	//       "methods": ["GET"],
	//       "match": ["method", "request_headers"],
	//       "credentials": true
	//     },
	//     {
	//       "origins": ["https://app.example"],
	//       "methods": ["PUT", "POST", "HEAD"],
	//       "request_headers": ["*"],
	//       "match": ["method", "request_headers"],
	//       "credentials": true
	//     }
	//   ]
	// }
}

// A conversion the target cannot express without allowing more is
// refused, naming the rule and field.
func ExampleConvert_refused() {
	_, _, err := convert.Convert(all.Registry(), `{"path": "/api/*", "origins": ["https://app.example"]}`, "native", "s3-json")
	fmt.Println(err)
	// Output:
	// the target cannot express: rule 1 paths: S3 applies CORS to every path, so a rule for /api would allow more; convert the rules for one path at a time
}

// Read gives a configuration's rules in the neutral vocabulary, each value
// with where it is in the user's text.
func ExampleRead() {
	src, err := convert.Read(all.Registry(), "[\n  {\"origin\": [\"https://app.example\"], \"method\": [\"GET\"]}\n]", "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := src.Rules[0].Origins[0]
	fmt.Println(src.Format, o.Text, o.Pos.Path, o.Pos.Line, o.Pos.Column)
	// Output:
	// gcs-json https://app.example $[0].origin[0] 2 15
}
