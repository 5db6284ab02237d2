package convert

import "testing"

// TestRuleWords: a target's validation of the converted policy names its
// rules as the notes do, from 1, without the converted policy's JSON
// paths, which the user's configuration does not have.
func TestRuleWords(t *testing.T) {
	for _, tc := range []struct{ desc, in, want string }{
		{desc: "a field of a rule", in: "rules[0].paths: empty, but other rules exist", want: "rule 1 paths: empty, but other rules exist"},
		{desc: "two rules", in: "rules[0].paths: empty; rules[11].origins: none", want: "rule 1 paths: empty; rule 12 origins: none"},
		{desc: "a rule alone", in: "rules[2]: too many", want: "rule 3: too many"},
		{desc: "no rule", in: "6 CORS rules; a service allows at most 5", want: "6 CORS rules; a service allows at most 5"},
		{desc: "not an index", in: "rules[x] and rules[", want: "rules[x] and rules["},
	} {
		if got := ruleWords(tc.in); got != tc.want {
			t.Errorf("%s: ruleWords(%q) = %q, want %q", tc.desc, tc.in, got, tc.want)
		}
	}
}
