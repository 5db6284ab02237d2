package attack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// A server that checks the Origin with "ends with example.com" and
// answers with credentials.
func ExampleRun() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); strings.HasSuffix(o, "example.com") {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Write([]byte(`{"me": "alice"}`))
	}))
	defer srv.Close()
	res := attack.Run(context.Background(), attack.Options{URL: srv.URL + "/me", Origin: "https://app.example.com"})
	for _, f := range res.Findings {
		fmt.Printf("%-6s %-13s %s reads %q\n", f.Severity, f.Kind, f.Origin, f.Read.Body)
	}
	// Output:
	// high   prefix-domain https://evil-example.com reads "{\"me\": \"alice\"}"
	// medium prefix-host   https://evilapp.example.com reads "{\"me\": \"alice\"}"
	// high   unescaped-dot https://appxexample.com reads "{\"me\": \"alice\"}"
	// medium http          http://app.example.com reads "{\"me\": \"alice\"}"
	// medium subdomain     https://evil.app.example.com reads "{\"me\": \"alice\"}"
}
