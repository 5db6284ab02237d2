package terraform

import (
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// starNotes are the traps of "*" in a list of origins on the platforms
// that decide credentials from that list: S3 and Azure answer a "*"
// origin with Access-Control-Allow-Origin: * and no
// Access-Control-Allow-Credentials (cloud-policies.md §0 item 4, §4), so
// a bucket meant for requests with credentials (cookies, credentials:
// 'include') blocks them all.
func starNotes(sites []*site) []portable.Finding {
	var f findings
	for _, s := range sites {
		if s.Shape.Platform != platS3 && s.Shape.Platform != platAzure {
			continue
		}
		for i := range s.Rules {
			for _, v := range s.Rules[i].list(roleOrigins).Values {
				if v.Text == "*" {
					f.add("warning", codeStarCreds, s.Shape.Fields[roleOrigins]+` = ["*"]: `+s.Shape.Platform+
						" then answers Access-Control-Allow-Origin: * without Access-Control-Allow-Credentials, so every fetch with credentials is blocked; list the pages' origins if "+
						s.Address+" serves requests with credentials", v.At)
				}
			}
		}
	}
	return f.list
}

// twiceNotes are the buckets whose CORS two resources configure (the
// inline cors_rule of aws_s3_bucket and an aws_s3_bucket_cors_
// configuration): the AWS provider's docs warn that the two conflict,
// each apply overwriting the other's rules.
func twiceNotes(sites []*site) []portable.Finding {
	var f findings
	for i, a := range sites {
		for _, b := range sites[i+1:] {
			if a.Name != "" && a.Name == b.Name && a.Shape.Platform == platS3 && b.Shape.Platform == platS3 {
				f.add("warning", codeConflict, a.Address+" and "+b.Address+" both set the CORS rules of bucket "+a.Name+
					": each apply overwrites the other's (hashicorp/aws docs, s3_bucket: use aws_s3_bucket_cors_configuration alone); the verdict reads "+a.Address, b.At)
			}
		}
	}
	return f.list
}

// CheckText implements lint.TextChecker: what a module of one text
// leaves unresolved (each with what the verdict assumes), variables
// without a value, and "*" origins on a bucket that decides credentials
// from its origins.
func (f *HCL) CheckText(text string) []portable.Finding {
	return f.CheckSource(policy.Source{Text: text})
}

// CheckSource implements lint.SourceChecker: CheckText of a module of
// several files, its --param values and chosen resource.
func (*HCL) CheckSource(src policy.Source) []portable.Finding {
	m, err := ReadModule(src)
	if err != nil {
		return nil
	}
	return m.Findings()
}

// CheckText implements lint.TextChecker for a plan: its traps.
func (p *Plan) CheckText(text string) []portable.Finding {
	return p.CheckSource(policy.Source{Text: text})
}

// CheckSource implements lint.SourceChecker: a plan's traps, with its
// chosen resource.
func (*Plan) CheckSource(src policy.Source) []portable.Finding {
	m, err := ReadPlan(src)
	if err != nil {
		return nil
	}
	return m.Findings()
}
