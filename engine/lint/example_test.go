package lint_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/lint"
)

// Lint finds the traps of a configuration with its platform's semantics,
// each at its position.
func ExampleLint() {
	findings, err := lint.Lint(all.Registry(), `app.use(cors({origin: true, credentials: true}))`, "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%d:%d %s %s\n", f.Line, f.Column, f.Severity, f.Code)
	}
	// Output:
	// 1:9 error reflect-any-origin
}
