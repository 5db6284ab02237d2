package terraform

import (
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// config states m's rules in the neutral model, as written, with the
// order each resource's platform gets them in (Config.Order). A chosen
// resource's rules are the whole configuration, numbered as its own
// blocks are written ("rule 1" of a bucket is its first cors block, as the
// verdict's steps number it; the others answer no request of this
// configuration). When the request's host chooses, every resource's
// rules are stated, numbered across the module, and the first
// resource's platform gives the semantics.
func (m *Module) config(format string) *portable.Config {
	cfg := &portable.Config{Format: format}
	sites := m.sites
	if m.chosen != nil {
		sites = []*site{m.chosen}
	}
	if len(sites) > 0 {
		// What answers, for lint's sentences: the chosen resource's
		// platform, or the one platform of every resource.
		cfg.Platform = sites[0].Shape.Platform
	}
	n, sent := 0, false
	for k, s := range sites {
		if s.Shape.Platform != cfg.Platform {
			cfg.Platform = ""
		}
		semantics, rules, rejects := s.portable()
		s.fileAll(rules, rejects)
		if k == 0 {
			cfg.Semantics = semantics
		}
		order := make([]int, len(rules))
		for i := range rules {
			rules[i].Index = n + i
			order[i] = n + i
			rules[i].Name = s.Address
			if id := s.Rules[i].ID; id != "" {
				rules[i].Name += " " + id
			}
		}
		if s.sent != nil && len(s.Rules) == len(rules) {
			// S3 answers with the first rule that matches in the
			// order the provider sends them (sentOrder): a
			// conversion and lint's first-match checks take them in
			// that order, as the verdict does.
			for k, i := range withAlike(s.Rules, s.sent) {
				order[k] = n + i
			}
			sent = true
		}
		n += len(rules)
		cfg.Order = append(cfg.Order, order...)
		cfg.Rules = append(cfg.Rules, rules...)
		cfg.Rejects = append(cfg.Rejects, rejects...)
	}
	if !sent {
		cfg.Order = nil // as written
	}
	return cfg
}

// ReadRules implements convert.Reader: the rules of the module of one
// text (main.tf).
func (*HCL) ReadRules(text string) (*portable.Config, error) {
	return readConfig(ReadModule, NameHCL, policy.Source{Text: text})
}

// ReadSourceRules implements convert.SourceReader: the rules of a module
// of several files (its .tf and .tfvars files), with src.Params as -var
// values and src.Resource chosen; each position names its file.
func (*HCL) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	return readConfig(ReadModule, NameHCL, src)
}

// StateRules implements convert.Stater.
func (*HCL) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	return stateConfig(ev, NameHCL)
}

// ReadRules implements convert.Reader: the rules of a plan.
func (*Plan) ReadRules(text string) (*portable.Config, error) {
	return readConfig(ReadPlan, NamePlan, policy.Source{Text: text})
}

// ReadSourceRules implements convert.SourceReader: the plan is src's main
// text, and src.Resource chooses among its resources.
func (*Plan) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	return readConfig(ReadPlan, NamePlan, src)
}

// StateRules implements convert.Stater.
func (*Plan) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	return stateConfig(ev, NamePlan)
}

func readConfig(read func(policy.Source) (*Module, error), format string, src policy.Source) (*portable.Config, error) {
	m, err := read(src)
	if err != nil {
		return nil, err
	}
	return m.config(format), nil
}

func stateConfig(ev policy.Evaluator, format string) (*portable.Config, bool) {
	m, ok := ev.(*Module)
	if !ok {
		return nil, false
	}
	return m.config(format), true
}
