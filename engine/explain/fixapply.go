package explain

// Applied is p with the fix's changed files and parameters in place of
// p's (Fix.Files, matched by name; Fix.Params), its format and chosen
// resource kept: the policy a shell explains again once the user takes
// a fix. A fix of a policy of one text (p without Files) gives its
// changed Text, in the format it was read as where p's was "auto". p
// itself is not changed; a fix of no policy (a client fix, raw replies'
// "headers") gives a copy of p.
func (f *Fix) Applied(p *Policy) *Policy {
	out := *p
	if len(p.Files) == 0 && f.Text != "" && f.Where == "server" && f.Format != "headers" && f.Format != "" {
		out.Text = f.Text
		if out.Format == "" || out.Format == "auto" {
			out.Format = f.Format
		}
	}
	if len(f.Files) > 0 {
		out.Files = append(out.Files[:0:0], p.Files...)
		for _, ff := range f.Files {
			for i := range out.Files {
				if out.Files[i].Name == ff.Name {
					out.Files[i].Text = ff.Text
				}
			}
		}
	}
	if len(f.Params) > 0 {
		out.Params = make(map[string]string, len(p.Params)+len(f.Params))
		for k, v := range p.Params {
			out.Params[k] = v
		}
		for k, v := range f.Params {
			out.Params[k] = v
		}
	}
	return &out
}
