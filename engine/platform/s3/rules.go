package s3

import "github.com/whycors/whycors/engine/portable"

// Semantics are S3's rules for reading a configuration in the neutral
// model (cloud-policies.md): a rule is chosen by origin AND method, and a
// rule whose AllowedHeaders miss a requested header is skipped for the
// next (§0 item 1, §1.3); "*" in AllowedHeader echoes the requested names
// (§0 item 3); Vary is sent only when a rule matches (§0 item 5);
// PutBucketCors itself refuses OPTIONS as a method (§1.2,
// aws/aws-sdk-js#3667); an origin has one "*" matching any run of
// characters (§0 item 7). R2 evaluates as S3 does ([UNVERIFIED], §2) and
// reads its rules with the same.
func Semantics() portable.Semantics {
	return portable.Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true,
		OptionsRejected: true, Origins: portable.OriginsGlob}
}

// PortableRules states c's rules in the neutral model, each value at the
// position the reader recorded (the rule's own when it has none).
func PortableRules(c *Configuration) []portable.ConfigRule {
	var out []portable.ConfigRule
	if len(c.Rules) > 0 {
		out = make([]portable.ConfigRule, 0, len(c.Rules))
	}
	for i := range c.Rules {
		sr := &c.Rules[i]
		at := portablePos(sr.At)
		r := portable.ConfigRule{Index: i, Name: sr.ID, Pos: at, MaxAge: sr.MaxAgeSeconds}
		// The rule's four lists are cut from one, each capped at its
		// length: an allocation per rule where each list was one.
		room := make([]portable.Value, len(sr.AllowedOrigins)+len(sr.AllowedMethods)+len(sr.AllowedHeaders)+len(sr.ExposeHeaders))
		list := func(l List, v []string) []portable.Value {
			vs := room[:len(v):len(v)]
			room = room[len(v):]
			ps := sr.Values[l]
			for j, s := range v {
				vs[j] = portable.Value{Text: s, Pos: at}
				if j < len(ps) {
					vs[j].Pos = portablePos(ps[j])
				}
			}
			return vs
		}
		r.Origins = list(OriginsList, sr.AllowedOrigins)
		r.Methods = list(MethodsList, sr.AllowedMethods)
		r.AllowHeaders = list(HeadersList, sr.AllowedHeaders)
		r.ExposeHeaders = list(ExposeList, sr.ExposeHeaders)
		r.MaxAgePos = at
		// S3 sends Access-Control-Allow-Credentials: true whenever the
		// rule has no "*" origin (cloud-policies.md §0 item 4, [AWS-REC]):
		// the platform's doing, not a field of the rule, so both positions
		// are the rule's.
		r.Credentials, r.CredentialsImplied = !portable.Contains(sr.AllowedOrigins, "*"), true
		r.CredentialsPos = at
		out = append(out, r)
	}
	return out
}

func portablePos(p Position) portable.Pos {
	return portable.Pos{Path: p.Path, Line: p.Line, Column: p.Column}
}
