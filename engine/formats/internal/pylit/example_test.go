package pylit_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
)

// Read finds the calls of a module with their arguments evaluated, a
// name resolved to the literal bound to it earlier.
func Example() {
	m, err := pylit.Read("ORIGINS = ['https://a.example']\napp.add_middleware(CORSMiddleware, allow_origins=ORIGINS + ['https://b.example'])\n", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := m.Calls[0]
	a, _ := c.Arg("allow_origins")
	items, _ := a.Value.Strings()
	fmt.Println(c.Func, c.Line, items)
	// Output: app.add_middleware 2 [https://a.example https://b.example]
}
