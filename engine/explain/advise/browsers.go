package advise

import "github.com/whycors/whycors/engine/explain"

// passesEverywhere is explain.PassesEverywhere of a fix's last run.
func (se *searcher) passesEverywhere(s explain.Scenario, v *explain.Verdict, chosen string) bool {
	return explain.PassesEverywhere(&s, v, chosen)
}
