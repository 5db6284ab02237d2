// Package attacktest checks the attacker's battery (internal/attack)
// against a live server: the findings must be exactly the weaknesses a
// table states, each at its severity, for the end-to-end tests against
// real CORS libraries (e2e/gomw, e2e/node, e2e/attack).
package attacktest

import (
	"bufio"
	"context"
	"io"
	"net"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/attack"
	"github.com/whycors/whycors/internal/probe"
)

// Trusted is the origin every weak configuration of the tests means to
// trust.
const Trusted = "https://app.example.com"

// Weakness is a finding a configuration must produce: its severity and
// why the library accepts the origin, with the source that says so.
type Weakness struct {
	Severity string
	Why      string
}

// Case is one configuration served at URL.
type Case struct {
	Desc string
	URL  string
	// Want lists every finding, by kind (internal/attack's Kind*).
	Want map[string]Weakness
	// Policy, when set, is the configuration's text in a format whycors
	// reads; every finding's fix is then asked for, and must be Verified
	// when Fixable is set.
	Policy  string
	Fixable bool
	// Modeled, with Policy, requires the format's engine to allow each
	// finding's origin too (the fix is not left at "the configuration
	// given refuses ..."): the format models what the server did.
	Modeled bool
	// Formats read Policy (the format of the library under test): the
	// tests' modules need not link every format.
	Formats []policy.Format
}

// Check runs the battery against c.URL and fails t unless the findings
// are exactly c.Want, and the trusted origin is allowed.
func Check(t *testing.T, c Case) []attack.Finding {
	t.Helper()
	eng := explain.Options{Formats: policy.NewRegistry(c.Formats...)}
	res := attack.Run(context.Background(), attack.Options{URL: c.URL, Origin: Trusted, Probe: probe.Options{Engine: eng}})
	if res.Error != "" {
		t.Fatalf("%s: %s", c.URL, res.Error)
	}
	if !res.Trusted {
		t.Errorf("the trusted origin %s is refused: the configuration is not the one described (%s)", Trusted, c.Desc)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Kind] = f.Severity
		w, ok := c.Want[f.Kind]
		switch {
		case !ok:
			t.Errorf("unexpected finding %s %s (%s) for %q", f.Severity, f.Kind, f.Origin, c.Desc)
		case w.Severity != f.Severity:
			t.Errorf("%s: severity %s, want %s (%s)", f.Kind, f.Severity, w.Severity, w.Why)
		}
		if f.Read != nil && f.Read.BodyBytes > 0 && f.Read.Body == "" {
			t.Errorf("%s: the body read is not shown", f.Kind)
		}
		if c.Policy != "" {
			fx := attack.FixFor(attack.Config{Name: "cors", Text: c.Policy, Format: "auto"}, c.URL, Trusted, f, eng)
			if fx.Summary == "" || (c.Fixable && !fx.Verified) {
				t.Errorf("%s: fix %+v, want a verified edit", f.Kind, fx)
			}
			if c.Modeled && (strings.Contains(fx.Note, "the configuration given refuses") || strings.Contains(fx.Note, "cannot be read")) {
				t.Errorf("%s: the format does not model what the server did: %s", f.Kind, fx.Note)
			}
		}
	}
	for k, w := range c.Want {
		if _, ok := got[k]; !ok {
			t.Errorf("missed %s %s: %s", w.Severity, k, w.Why)
		}
	}
	if t.Failed() {
		kinds := make([]string, 0, len(got))
		for k, v := range got {
			kinds = append(kinds, k+"="+v)
		}
		sort.Strings(kinds)
		t.Logf("%s: found %s", c.Desc, strings.Join(kinds, " "))
	}
	return res.Findings
}

// All is every kind of the battery for Trusted, each with the severity of
// a credentialed read (creds) or of an anonymous one, and why.
func All(creds bool, why string) map[string]Weakness {
	cands, _ := attack.Derive(Trusted)
	out := map[string]Weakness{}
	for _, c := range cands {
		sev := attack.Low
		if creds {
			sev = attack.High
			if c.Needs != "" {
				sev = attack.Medium
			}
		}
		out[c.Kind] = W(sev, why)
	}
	return out
}

// W is a Weakness of severity sev, because of why.
func W(sev, why string) Weakness { return Weakness{Severity: sev, Why: why} }

// Serve starts cmd, a server that prints "PORT <n> [versions...]" as its
// first line, kills it when t ends, and returns its base URL once it
// listens on 127.0.0.1:<n>, with the rest of that line (the versions it
// reports).
func Serve(t *testing.T, cmd *exec.Cmd) (base, versions string) {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	first := make(chan string, 1)
	go func() { l, _ := bufio.NewReader(out).ReadString('\n'); first <- l; io.Copy(io.Discard, out) }()
	var f []string
	select {
	case l := <-first:
		if f = strings.Fields(l); len(f) < 2 || f[0] != "PORT" {
			t.Fatalf("%s: first line %q, want PORT <n>", cmd.Path, l)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start in 20 s", cmd.Path)
	}
	// The port may be bound before the server listens (uvicorn).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", "127.0.0.1:"+f[1])
		if err == nil {
			c.Close()
			return "http://127.0.0.1:" + f[1], strings.Join(f[2:], " ")
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s: %v", cmd.Path, f[1], err)
		}
	}
}
