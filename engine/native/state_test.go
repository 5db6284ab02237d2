package native_test

import (
	"reflect"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/portable"
)

// StateRules places each value where native's own reader found it
// (Policy keeps the reader's offsets), so a verdict does not scan the
// text again: the places must be the ones a scan of the text gives
// (portable.NewLocator, jsontext's reading).
func TestStateRulesPlacesAsTheText(t *testing.T) {
	tests := []struct{ desc, text string }{
		{"two rules with every list (README: native policy)", `{
  "rules": [
    {"name": "api", "path": "/api/*", "origins": ["https://a.test",
        "https://*.b.test"], "methods": ["PUT", "DELETE"], "request_headers": ["x-one", "x-two"],
     "exposed_headers": ["etag"], "credentials": true, "max_age": 600},
    {"path": "/*", "origins": ["*"]}
  ]
}`},
		{"the one-rule form (README: native policy)", `{"origins": ["https://a.test"], "methods": ["GET"], "max_age": 5}`},
	}
	f := native.Formats()[0]
	st := f.(convert.Stater)
	for _, tc := range tests {
		ev, err := f.Parse(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		got, ok := st.StateRules(ev, tc.text)
		if !ok {
			t.Fatalf("%s: StateRules refused Parse's policy", tc.desc)
		}
		want, _ := st.StateRules(ev, tc.text)
		for i := range want.Rules {
			r := &want.Rules[i]
			for _, p := range places(r) {
				p.Line, p.Column = 0, 0
			}
		}
		portable.NewLocator(tc.text).Fill(want.Rules)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: placed by the reader\n%+v\nby a scan of the text\n%+v", tc.desc, got.Rules, want.Rules)
		}
		if got.Rules[0].Origins[0].Pos.Line == 0 {
			t.Errorf("%s: the first origin has no line", tc.desc)
		}
	}
}

// places are the positions of r and its values.
func places(r *portable.ConfigRule) []*portable.Pos {
	out := []*portable.Pos{&r.Pos, &r.CredentialsPos, &r.MaxAgePos}
	for _, vs := range [][]portable.Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
		for j := range vs {
			out = append(out, &vs[j].Pos)
		}
	}
	return out
}
