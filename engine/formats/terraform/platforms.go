package terraform

import (
	"slices"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// build maps s onto its platform's model and evaluator, with the faults
// the platform's API would refuse it for, each in the user's file.
func (s *site) build() policy.Errors {
	var errs policy.Errors
	switch s.Shape.Platform {
	case platS3:
		c := s.s3()
		errs = s3.Validate(c)
		s.ev = s3.Bucket{CORS: c, Name: s.Name}
		if s.Shape.Type == "aws_s3_bucket_cors_configuration" && known(s.Rules) {
			// S3 gets the rules in the provider's set order
			// (sentOrder), and answers with the first that matches:
			// the evaluator takes them so, and the outcome numbers
			// them as written (Module.Respond).
			s.sent = sentOrder(s.Rules)
			sent := &s3.Configuration{}
			for _, i := range s.sent {
				sent.Rules = append(sent.Rules, c.Rules[i])
			}
			s.ev = s3.Bucket{CORS: sent, Name: s.Name}
		}
	case platGCS:
		s.ev = gcs.Bucket{CORS: s.gcs()}
	case platAzure:
		c := s.azure()
		errs = azure.Validate(c)
		s.ev = azure.Service{CORS: c}
	case platAPIGW:
		c := s.apigw()
		if c != nil && c.AllowCredentials && slices.Contains(c.AllowOrigins, "*") {
			// API Gateway refuses allow_credentials with a "*" origin
			// (cloud-policies.md §5.1): BadRequestException.
			r := &s.Rules[0]
			e := r.CredsAt.err(`allow_credentials = true cannot go with "*" in allow_origins`)
			e.Code = "BadRequestException"
			errs = append(errs, e)
		}
		if c == nil {
			// No cors_configuration: API Gateway adds no CORS header.
			c = &apigw.HTTPConfig{Path: s.At.Path}
		}
		if a := s.auth; a != nil && a.kind != "" {
			// The $default route's authorizer: on the preflights it
			// catches, and on the requests it takes when no other
			// route is written (another route's own is not read).
			c.OnPreflight = !a.optionsOpen
			if !a.others || c.OnPreflight {
				c.Authorizer, c.AuthorizerLine, c.AuthorizerColumn = a.kind, a.at.Line, a.at.Column
			}
		}
		s.ev = c
	case platLambdaURL:
		c := s.lambda()
		errs = lambdaurl.Validate(c)
		s.ev = lambdaurl.Function{CORS: c}
	case platCloudFront:
		c := s.cloudfront()
		errs = cloudfront.Validate(c)
		s.ev = cloudfront.Distribution{CORS: c}
	}
	for _, e := range errs {
		if e.Platform == "" {
			e.Platform = s.Shape.Platform
		}
		if e.File == "" {
			e.File = s.fileOf(e.Path)
		}
		if e.Line == 0 && e.Path == "" {
			e.File, e.Line, e.Column, e.Path = s.At.File, s.At.Line, s.At.Column, s.At.Path
		}
	}
	return errs
}

// fileOf is the file of the position with path p among s's.
func (s *site) fileOf(p string) string {
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.At.Path == p {
			return r.At.File
		}
		for _, f := range r.Lists {
			if f.At.Path == p {
				return f.At.File
			}
			for _, v := range f.Values {
				if v.At.Path == p {
					return v.At.File
				}
			}
		}
		for _, q := range []pos{r.MaxAgeAt, r.CredsAt} {
			if q.Path == p {
				return q.File
			}
		}
	}
	return s.At.File
}

// positions are f's values' places as a platform's Position type.
func positions[P ~struct {
	Path   string
	Line   int
	Column int
}](f *field) []P {
	if f == nil {
		return nil
	}
	out := make([]P, len(f.Values))
	for i, v := range f.Values {
		out[i] = P{Path: v.At.Path, Line: v.At.Line, Column: v.At.Column}
	}
	return out
}

func (s *site) s3() *s3.Configuration {
	c := &s3.Configuration{}
	for i := range s.Rules {
		r := &s.Rules[i]
		sr := s3.Rule{ID: r.ID, AllowedOrigins: r.list(roleOrigins).texts(), AllowedMethods: r.list(roleMethods).texts(),
			AllowedHeaders: r.list(roleHeaders).texts(), ExposeHeaders: r.list(roleExpose).texts(), MaxAgeSeconds: r.MaxAge,
			At: s3.Position{Path: r.At.Path, Line: r.At.Line, Column: r.At.Column},
			Values: [s3.NumLists][]s3.Position{s3.OriginsList: positions[s3.Position](r.Lists[roleOrigins]), s3.MethodsList: positions[s3.Position](r.Lists[roleMethods]),
				s3.HeadersList: positions[s3.Position](r.Lists[roleHeaders]), s3.ExposeList: positions[s3.Position](r.Lists[roleExpose])}}
		c.Rules = append(c.Rules, sr)
	}
	return c
}

func (s *site) gcs() *gcs.Configuration {
	c := &gcs.Configuration{Entries: []gcs.Entry{}}
	for i := range s.Rules {
		r := &s.Rules[i]
		c.Entries = append(c.Entries, gcs.Entry{Origin: r.list(roleOrigins).texts(), Method: r.list(roleMethods).texts(),
			ResponseHeader: r.list(roleHeaders).texts(), MaxAgeSeconds: r.MaxAge, Path: r.At.Path, Line: r.At.Line, Column: r.At.Column})
	}
	return c
}

func (s *site) azure() *azure.Configuration {
	c := &azure.Configuration{}
	for i := range s.Rules {
		r := &s.Rules[i]
		age := 0
		if r.MaxAge != nil {
			age = *r.MaxAge
		}
		c.Rules = append(c.Rules, azure.Rule{AllowedOrigins: r.list(roleOrigins).texts(), AllowedMethods: r.list(roleMethods).texts(),
			AllowedHeaders: r.list(roleHeaders).texts(), ExposedHeaders: r.list(roleExpose).texts(), MaxAgeInSeconds: age,
			Path: r.At.Path, Line: r.At.Line, Column: r.At.Column})
	}
	return c
}

func (s *site) apigw() *apigw.HTTPConfig {
	if len(s.Rules) == 0 {
		return nil
	}
	r := &s.Rules[0]
	return &apigw.HTTPConfig{AllowOrigins: r.list(roleOrigins).texts(), AllowMethods: r.list(roleMethods).texts(),
		AllowHeaders: r.list(roleHeaders).texts(), ExposeHeaders: r.list(roleExpose).texts(), MaxAge: r.MaxAge,
		AllowCredentials: r.Creds, Path: r.At.Path}
}

func (s *site) lambda() *lambdaurl.Cors {
	if len(s.Rules) == 0 {
		return nil
	}
	r := &s.Rules[0]
	return &lambdaurl.Cors{AllowCredentials: r.Creds, AllowHeaders: r.list(roleHeaders).texts(), AllowMethods: r.list(roleMethods).texts(),
		AllowOrigins: r.list(roleOrigins).texts(), ExposeHeaders: r.list(roleExpose).texts(), MaxAge: r.MaxAge,
		At: lambdaurl.Position{Path: r.At.Path, Line: r.At.Line, Column: r.At.Column},
		Values: map[string][]lambdaurl.Position{lambdaurl.FieldAllowOrigins: positions[lambdaurl.Position](r.Lists[roleOrigins]), lambdaurl.FieldAllowMethods: positions[lambdaurl.Position](r.Lists[roleMethods]),
			lambdaurl.FieldAllowHeaders: positions[lambdaurl.Position](r.Lists[roleHeaders]), lambdaurl.FieldExposeHeaders: positions[lambdaurl.Position](r.Lists[roleExpose]),
			lambdaurl.FieldMaxAge: {lambdaurl.Position(r.MaxAgeAt.place())}, lambdaurl.FieldAllowCredentials: {lambdaurl.Position(r.CredsAt.place())}}}
}

func (s *site) cloudfront() *cloudfront.CorsConfig {
	if len(s.Rules) == 0 {
		return nil
	}
	r := &s.Rules[0]
	return &cloudfront.CorsConfig{AccessControlAllowCredentials: r.Creds, AccessControlAllowHeaders: r.list(roleHeaders).texts(),
		AccessControlAllowMethods: r.list(roleMethods).texts(), AccessControlAllowOrigins: r.list(roleOrigins).texts(),
		AccessControlExposeHeaders: r.list(roleExpose).texts(), AccessControlMaxAgeSec: r.MaxAge, OriginOverride: r.Override,
		At: cloudfront.Position{Path: r.At.Path, Line: r.At.Line, Column: r.At.Column},
		Values: map[string][]cloudfront.Position{cloudfront.FieldAllowOrigins: positions[cloudfront.Position](r.Lists[roleOrigins]), cloudfront.FieldAllowMethods: positions[cloudfront.Position](r.Lists[roleMethods]),
			cloudfront.FieldAllowHeaders: positions[cloudfront.Position](r.Lists[roleHeaders]), cloudfront.FieldExposeHeaders: positions[cloudfront.Position](r.Lists[roleExpose]),
			cloudfront.FieldMaxAgeSec: {cloudfront.Position(r.MaxAgeAt.place())}, cloudfront.FieldAllowCredentials: {cloudfront.Position(r.CredsAt.place())}}}
}

// portable states s's rules in the neutral model with its platform's
// semantics, each value at its place in the user's files. S3's come
// from its package directly; the others' through their platform's own
// reader of the configuration written in that platform's text, so that
// the semantics are the platform package's, with the positions ours.
func (s *site) portable() (portable.Semantics, []portable.ConfigRule, policy.Errors) {
	switch s.Shape.Platform {
	case platS3:
		c := s.s3()
		return s3.Semantics(), s3.PortableRules(c), s3.Validate(c)
	case platLambdaURL:
		c := s.lambda()
		cfg := lambdaurl.Rules(c)
		return cfg.Semantics, cfg.Rules, lambdaurl.Validate(c)
	case platCloudFront:
		c := s.cloudfront()
		cfg := cloudfront.Rules(c)
		return cfg.Semantics, cfg.Rules, cloudfront.Validate(c)
	}
	var text, name string
	var err error
	var fs []policy.Format
	switch s.Shape.Platform {
	case platGCS:
		text, err = gcs.Write(s.gcs())
		name, fs = string(gcs.FormJSON), gcs.Formats()
	case platAzure:
		text, err = azure.Write(s.azure())
		name, fs = string(azure.FormXML), azure.Formats()
	case platAPIGW:
		c := s.apigw()
		if c == nil {
			return portable.Semantics{}, nil, nil
		}
		text, err = apigw.WriteHTTP(c)
		// The apigw format that claims the text: the HTTP API's (its
		// name is the apigw package's to say).
		fs = apigw.Formats()
		for _, f := range fs {
			if ok, _ := f.Detect(text); ok {
				name = f.Name()
			}
		}
	default:
		return portable.Semantics{}, nil, nil
	}
	if err != nil {
		return portable.Semantics{}, nil, policy.Errors{s.At.err(err.Error())}
	}
	for _, f := range fs {
		if rd, ok := f.(convert.Reader); ok && f.Name() == name {
			cfg, err := rd.ReadRules(text)
			if err != nil {
				return portable.Semantics{}, nil, policy.Errors{s.At.err(err.Error())}
			}
			s.place(cfg.Rules)
			if a := s.auth; s.Shape.Platform == platAPIGW && a != nil && a.kind != "" && !a.optionsOpen && len(cfg.Rules) > 0 {
				// The rules alone would allow what the API refuses:
				// every preflight gets the $default route's
				// authorizer's 401 (found as a new user would:
				// convert wrote them, exit 0).
				cr := &cfg.Rules[0]
				cr.Notes = append(cr.Notes, portable.Note{Rule: 0, Field: "origins", Effect: portable.Wider, Pos: cr.Pos,
					Message: "the API's $default route has an authorizer and no OPTIONS /{proxy+} route without authorization takes the preflights first, so API Gateway answers every preflight with the authorizer's 401 (http-api-cors.html); the converted rules would answer them: add an aws_apigatewayv2_route \"OPTIONS /{proxy+}\" without authorization to the module, then convert"})
			}
			return cfg.Semantics, cfg.Rules, cfg.Rejects
		}
	}
	return portable.Semantics{}, nil, nil
}

// fileAll names the file of each position of rules and rejects that has
// none: the platform packages' positions (S3's, a Lambda URL's,
// CloudFront's) carry a path, line and column, and a module's values may
// be in a .tfvars file. A position is in the file of the place of s with
// its path, else in s's own.
func (s *site) fileAll(rules []portable.ConfigRule, rejects policy.Errors) {
	files := map[string]string{}
	note := func(p pos) {
		if p.Path != "" && p.File != "" {
			files[p.Path] = p.File
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		note(r.At)
		note(r.MaxAgeAt)
		note(r.CredsAt)
		for _, f := range r.Lists {
			note(f.At)
			for _, v := range f.Values {
				note(v.At)
			}
		}
	}
	fileOf := func(path string) string {
		if f, ok := files[path]; ok {
			return f
		}
		return s.At.File
	}
	set := func(p *portable.Pos) {
		if p.File == "" {
			p.File = fileOf(p.Path)
		}
	}
	for i := range rules {
		r := &rules[i]
		set(&r.Pos)
		set(&r.MaxAgePos)
		set(&r.CredentialsPos)
		for _, vs := range [][]portable.Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
			for j := range vs {
				set(&vs[j].Pos)
			}
		}
	}
	for _, e := range rejects {
		if e.File == "" {
			e.File = fileOf(e.Path)
		}
	}
}

// place puts each rule and value at its position in the user's files.
func (s *site) place(rules []portable.ConfigRule) {
	for i := range rules {
		if i >= len(s.Rules) {
			break
		}
		r := &rules[i]
		sr := &s.Rules[i]
		r.Pos = sr.At.portable()
		r.MaxAgePos = sr.MaxAgeAt.portable()
		r.CredentialsPos = sr.CredsAt.portable()
		if r.CredentialsImplied {
			r.CredentialsPos = r.Pos
		}
		for _, l := range []struct {
			vs   []portable.Value
			role string
		}{{r.Origins, roleOrigins}, {r.Methods, roleMethods}, {r.AllowHeaders, roleHeaders}, {r.ExposeHeaders, roleExpose}} {
			f := sr.Lists[l.role]
			if l.role == roleExpose && s.Shape.Platform == platGCS {
				// GCS's response_header is both lists (cloud-policies.md §3).
				f = sr.Lists[roleHeaders]
			}
			for j := range l.vs {
				switch {
				case f != nil && j < len(f.Values):
					l.vs[j].Pos = f.Values[j].At.portable()
				case f != nil:
					l.vs[j].Pos = f.At.portable()
				default:
					l.vs[j].Pos = r.Pos
				}
			}
		}
	}
}

// doc is what the evaluation of s's platform rests on: its platform
// format's own document (explain.Documented), else the module's.
func (s *site) doc() string {
	var fs []policy.Format
	switch s.Shape.Platform {
	case platS3:
		fs = s3.Formats()
	case platGCS:
		fs = gcs.Formats()
	case platAzure:
		fs = azure.Formats()
	case platAPIGW:
		return apigw.SourceHTTP
	case platLambdaURL:
		fs = lambdaurl.Formats()
	case platCloudFront:
		fs = cloudfront.Formats()
	}
	for _, f := range fs {
		if d, ok := f.(interface{ Doc() string }); ok {
			return d.Doc()
		}
	}
	return doc
}

// ReadSourceModel implements convert.SourceModelReader: the answering
// resource's configuration in its platform's own model (S3's, GCS's,
// Azure's, an HTTP API's), so that a conversion to a format of that
// platform keeps every rule as written (Azure's x-ms-* prefixes, a rule
// picked by method). nil, with no error, when no one resource answers
// or its platform has no such model: the neutral form converts it.
func (*HCL) ReadSourceModel(src policy.Source) (any, error) {
	m, err := ReadModule(src)
	if err != nil {
		return nil, err
	}
	return m.model(), nil
}

// ReadSourceModel implements convert.SourceModelReader for a plan.
func (*Plan) ReadSourceModel(src policy.Source) (any, error) {
	m, err := ReadPlan(src)
	if err != nil {
		return nil, err
	}
	return m.model(), nil
}

// model is the chosen site's platform model, or nil.
func (m *Module) model() any {
	s := m.chosen
	if s == nil {
		return nil
	}
	switch s.Shape.Platform {
	case platS3:
		return s.s3()
	case platGCS:
		return s.gcs()
	case platAzure:
		return s.azure()
	case platAPIGW:
		if c := s.apigw(); c != nil {
			return c
		}
	}
	return nil
}
