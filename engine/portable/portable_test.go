package portable_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/portable"
)

// Expected values follow the semantics documented on portable.Rule.
func TestMatch(t *testing.T) {
	r := portable.Rule{Origins: []string{"https://app.test", "https://*.example.com"}, Paths: []string{"/api"}}
	origins := []struct {
		desc, origin string
		want         bool
	}{
		{desc: "exact", origin: "https://app.test", want: true},
		{desc: "exact is byte-exact (Fetch compares ACAO bytes)", origin: "https://APP.test", want: false},
		{desc: "one label", origin: "https://a.example.com", want: true},
		{desc: "several labels", origin: "https://a.b.example.com", want: true},
		{desc: "the pattern needs a label", origin: "https://example.com", want: false},
		{desc: "scheme is part of the pattern", origin: "http://a.example.com", want: false},
		{desc: "suffix trick", origin: "https://a.example.com.evil.test", want: false},
	}
	for _, tc := range origins {
		if got := r.MatchOrigin(tc.origin); got != tc.want {
			t.Errorf("%s: MatchOrigin(%q) = %v, want %v", tc.desc, tc.origin, got, tc.want)
		}
	}
	paths := []struct {
		desc, path string
		want       bool
	}{
		{desc: "the path itself", path: "/api", want: true},
		{desc: "below it", path: "/api/items", want: true},
		{desc: "not a segment prefix", path: "/apiv2", want: false},
		{desc: "elsewhere", path: "/", want: false},
	}
	for _, tc := range paths {
		if got := r.MatchPath(tc.path); got != tc.want {
			t.Errorf("%s: MatchPath(%q) = %v, want %v", tc.desc, tc.path, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	neg := -1
	p := portable.Policy{Rules: []portable.Rule{
		{Origins: nil},
		{Origins: []string{"https://*.*.a", "https://a/"}, MaxAge: &neg, Paths: []string{"api"}},
	}}
	err := p.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"rules[0].origins", "rules[1].origins[0]", "rules[1].origins[1]", "rules[1].max_age", "rules[1].paths[0]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if err := (portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}}}}).Validate(); err != nil {
		t.Errorf("valid policy: %v", err)
	}
}

func TestPathPerRule(t *testing.T) {
	tests := []struct {
		desc string
		p    portable.Policy
		want int
	}{
		{desc: "no rule is reported", p: portable.Policy{}, want: 1},
		{desc: "one rule needs no path", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}}}}, want: 0},
		{desc: "two rules on disjoint paths", p: portable.Policy{Rules: []portable.Rule{
			{Origins: []string{"*"}, Paths: []string{"/api"}}, {Origins: []string{"*"}, Paths: []string{"/apix"}}}}, want: 0},
		{desc: "a rule without paths beside another", p: portable.Policy{Rules: []portable.Rule{
			{Origins: []string{"*"}}, {Origins: []string{"*"}, Paths: []string{"/b"}}}}, want: 1},
		{desc: "nested paths overlap, segment by segment", p: portable.Policy{Rules: []portable.Rule{
			{Origins: []string{"*"}, Paths: []string{"/api"}}, {Origins: []string{"*"}, Paths: []string{"/api/v1"}}}}, want: 1},
	}
	for _, tc := range tests {
		if got := portable.PathPerRule(tc.p, "empty", "why"); len(got) != tc.want {
			t.Errorf("%s: %d faults %q, want %d", tc.desc, len(got), got, tc.want)
		}
	}
}
