package attack_test

import (
	"fmt"
	"strings"

	"github.com/whycors/whycors/internal/attack"
)

// The battery for a server that means to trust https://app.example.com.
func ExampleDerive() {
	cands, err := attack.Derive("https://app.example.com")
	if err != nil {
		panic(err)
	}
	for _, c := range cands {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-13s %-37s %s", c.Kind, c.Origin, c.Needs+c.Browsers)))
	}
	// Output:
	// null          null
	// arbitrary     https://attacker.evil.test
	// prefix-domain https://evil-example.com
	// prefix-host   https://evilapp.example.com           foothold
	// suffix        https://app.example.com.evil.test
	// unescaped-dot https://appxexample.com
	// underscore    https://app.example.com_.evil.test
	// backtick      https://app.example.com`.evil.test    Safari
	// http          http://app.example.com                network
	// subdomain     https://evil.app.example.com          foothold
}

// The fix in words when no edit of the configuration can be verified.
func ExampleAdvice() {
	fmt.Println(attack.Advice(attack.KindSuffix, "https://app.example.com"))
	// Output:
	// compare the Origin header with a list of exact origins (https://app.example.com); a pattern must end with $ right after the host (^https://app\.example\.com$)
}
