package vercel_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/portable"
)

// WriteRules writes a portable policy as a vercel.json: one entry per
// origin, limited to it by a has condition on the Origin header, and a
// note for what needs a preflight (Vercel answers none itself).
func ExampleFormat_WriteRules() {
	p := portable.Policy{Rules: []portable.Rule{{
		Origins: []string{"https://app.example", "https://admin.example"}, Credentials: true, Paths: []string{"/api"},
	}}}
	n := &portable.Notes{}
	out, err := (&vercel.Format{}).WriteRules(p, nil, n)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	fmt.Println(len(n.List()), "notes")
	// Output:
	// {
	//   "headers": [
	//     {
	//       "source": "/api(/.*)?",
	//       "has": [{"type": "header", "key": "origin", "value": "https://app\\.example"}],
	//       "headers": [
	//         {"key": "Access-Control-Allow-Origin", "value": "https://app.example"},
	//         {"key": "Access-Control-Allow-Credentials", "value": "true"},
	//         {"key": "Vary", "value": "Origin"}
	//       ]
	//     },
	//     {
	//       "source": "/api(/.*)?",
	//       "has": [{"type": "header", "key": "origin", "value": "https://admin\\.example"}],
	//       "headers": [
	//         {"key": "Access-Control-Allow-Origin", "value": "https://admin.example"},
	//         {"key": "Access-Control-Allow-Credentials", "value": "true"},
	//         {"key": "Vary", "value": "Origin"}
	//       ]
	//     }
	//   ]
	// }
	// 0 notes
}
