package cloudformation_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// platformEvaluator writes r as its platform's own configuration (the
// S3 XML document, the HTTP API's --cors-configuration, apigw-rest's
// JSON, the function URL's and the response headers policy's JSON),
// reads it back with that platform's reader and returns its evaluator,
// for a request to url.
func platformEvaluator(t *testing.T, r *cloudformation.Resource, url string) policy.Evaluator {
	t.Helper()
	var text string
	var err error
	switch {
	case r.S3 != nil:
		if text, err = s3.WriteXML(r.S3); err == nil {
			var c *s3.Configuration
			if c, err = s3.Parse(s3.FormXML, text); err == nil {
				return s3.Bucket{CORS: c, Name: r.BucketName}
			}
		}
	case r.HTTP != nil:
		if text, err = apigw.WriteHTTP(r.HTTP); err == nil {
			// A value the template leaves unresolved matches no origin;
			// API Gateway takes no such text, so it stands in as an
			// origin no request of this test sends.
			text = unresolved.ReplaceAllString(text, "https://unresolved.invalid")
			var c *apigw.HTTPConfig
			if c, err = apigw.ParseHTTP(text); err == nil {
				return c
			}
		}
	case r.REST != nil:
		c := r.Evaluator(url).(*apigw.RESTConfig)
		m := map[string]any{"AllowOrigin": "'" + c.AllowOrigin + "'", "AllowMethods": c.AllowMethods, "AllowHeaders": c.AllowHeaders,
			"ExposeHeaders": c.ExposeHeaders, "AllowCredentials": c.AllowCredentials, "Integration": c.Integration}
		if c.MaxAge != nil {
			m["MaxAge"] = *c.MaxAge
		}
		if len(c.GatewayResponses) > 0 {
			m["GatewayResponses"] = c.GatewayResponses
		}
		b, _ := json.Marshal(map[string]any{"RestApiCors": m})
		var rc *apigw.RESTConfig
		if rc, err = apigw.ParseREST(string(b)); err == nil {
			return rc
		}
		text = string(b)
	case r.Lambda != nil:
		if text, err = lambdaurl.Write(r.Lambda); err == nil {
			var c *lambdaurl.Cors
			if c, err = lambdaurl.Parse(text); err == nil {
				return lambdaurl.Function{CORS: c}
			}
		}
	case r.CloudFront != nil:
		if text, err = cloudfront.Write(r.CloudFront); err == nil {
			var c *cloudfront.CorsConfig
			if c, err = cloudfront.Parse(text); err == nil {
				return cloudfront.Distribution{CORS: c}
			}
		}
	}
	t.Fatalf("%s: the platform does not read its own configuration: %v\n%s", r.ID, err, text)
	return nil
}

var unresolved = regexp.MustCompile(`(<|\\u003c)unresolved [^"]*?(>|\\u003e)`)

func replyText(r policy.Reply) string {
	s := fmt.Sprint(r.Status, "|", r.Body)
	for _, f := range r.Header {
		s += "|" + f.Name + ": " + f.Value
	}
	return s
}

// TestAgreesWithPlatform: for each golden template's every resource, the
// template's evaluator and the platform's own (its configuration written
// and read back by the platform's reader) answer 300 random requests
// alike. Deterministic (seeded), 0.1 s.
func TestAgreesWithPlatform(t *testing.T) {
	files := []string{"sam-app.yaml", "s3-bucket.yaml", "apigwv2.yaml", "cdk-synth.template.json", "sam-globals.yaml", "gateway-response.yaml", "cloudfront-policy.yaml", "bucket.template.json"}
	rng := rand.New(rand.NewSource(15))
	origins := []string{"https://www.example.com", "https://app.example.com", "http://localhost:3000", "https://admin.example.com",
		"https://shop.example.com", "https://cdn.example.com", "https://evil.example", "null"}
	methods := []string{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"}
	hdrs := []string{"content-type", "x-api-key", "authorization", "x-amz-meta-owner"}
	urls := []string{"https://uploads-prod.s3.us-east-1.amazonaws.com/a.jpg", "https://assets-www.s3.eu-west-1.amazonaws.com/x",
		"https://q1.execute-api.us-east-1.amazonaws.com/Prod/cart/42", "https://q1.execute-api.us-east-1.amazonaws.com/Prod/items",
		"https://q1.execute-api.us-east-1.amazonaws.com/events/1", "https://q1.execute-api.us-east-1.amazonaws.com/orders",
		"https://abc.lambda-url.us-east-1.on.aws/", "https://d1.cloudfront.net/f.woff2"}
	n := 0
	for _, file := range files {
		tpl, err := cloudformation.Read(policy.Source{Text: readFile(t, file)})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, r := range tpl.Resources {
			ours := parse(t, policy.Source{Text: readFile(t, file), Resource: r.ID})
			for i := 0; i < 300; i++ {
				url := urls[rng.Intn(len(urls))]
				var req policy.Request
				origin := ""
				if rng.Intn(8) > 0 {
					origin = origins[rng.Intn(len(origins))]
				}
				acrm, acrh := "", ""
				if rng.Intn(2) == 0 {
					acrm = methods[rng.Intn(len(methods))]
					for _, h := range hdrs {
						if rng.Intn(3) == 0 {
							if acrh != "" {
								acrh += ","
							}
							acrh += h
						}
					}
				}
				req = request(methods[rng.Intn(len(methods))], url, origin, acrm, acrh)
				app := policy.Reply{Status: []int{200, 200, 404, 403, 500}[rng.Intn(5)]}
				if app.Status >= 403 && rng.Intn(2) == 0 {
					app.Header = headers.List{{Name: "x-amzn-ErrorType", Value: "AccessDeniedException"}}
				}
				if rng.Intn(4) == 0 {
					app.Header = append(app.Header, headers.Field{Name: "Access-Control-Allow-Origin", Value: "*"})
				}
				a := ours.Respond(req, app)
				if r.Type == cloudformation.TypeSAMAPI && len(r.Routes) > 0 && a.DecidedBy != nil && a.DecidedBy.Layer == "gateway-response" &&
					strings.Contains(replyText(a.Reply), "MissingAuthenticationTokenException") {
					// A path or method no event of the SAM API gives:
					// API Gateway's 403 before its CORS configuration
					// (TestSAMRouteNotGiven), which the platform's
					// evaluator, given no routes, does not know.
					continue
				}
				b := platformEvaluator(t, r, url).Respond(req, app)
				if replyText(a.Reply) != replyText(b.Reply) {
					t.Fatalf("%s %s: %s %s %v:\ntemplate: %s\nplatform: %s", file, r.ID, req.Method, req.URL, req.Header, replyText(a.Reply), replyText(b.Reply))
				}
				n++
			}
		}
	}
	if n < 3000 {
		t.Errorf("only %d requests compared", n)
	}
}
