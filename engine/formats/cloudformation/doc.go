// Package cloudformation reads the CloudFormation and SAM templates users
// commit (YAML with the short tags !Ref, !Sub, !GetAtt, !If, !Join,
// !Select, !Split, !FindInMap, !Equals ..., anchors, aliases and <<
// merges; JSON with the Fn:: forms, as cdk synth writes it) for the CORS
// configuration of their resources, and answers requests with each
// resource's platform's own evaluator:
//
//	AWS::S3::Bucket CorsConfiguration            s3.Configuration (s3.Validate)
//	AWS::ApiGatewayV2::Api CorsConfiguration     apigw.HTTPConfig
//	AWS::Serverless::HttpApi CorsConfiguration   apigw.HTTPConfig (also Globals.HttpApi)
//	AWS::Serverless::Api Cors                    apigw.RESTConfig: SAM's OPTIONS mock
//	                                             (also Globals.Api, and SAM's implicit
//	                                             ServerlessRestApi)
//	AWS::Lambda::Url Cors,                       lambdaurl.Cors (lambdaurl.Validate)
//	AWS::Serverless::Function FunctionUrlConfig.Cors
//	AWS::CloudFront::ResponseHeadersPolicy       cloudfront.CorsConfig (cloudfront.Validate)
//	  ResponseHeadersPolicyConfig.CorsConfig
//	AWS::ApiGateway::RestApi with its            apigw.RESTConfig of the method a request
//	  ::Resource and ::Method resources          takes: an OPTIONS mock's mapped headers, an
//	  (the console's Enable CORS, cdk synth)     integration's reply or response (restapi.go)
//	AWS::ApiGateway::GatewayResponse,            kept with positions; a REST API's own
//	SAM Api GatewayResponses                     errors get their headers
//
// Values that come from the template's parameters are resolved from the
// user's --param values (policy.Source.Params, parameter files among
// policy.Source.Files), else the parameter's Default; conditions,
// mappings and the functions over them are evaluated (intrinsic.go, with
// the CloudFormation User Guide's pages cited). What the template alone
// cannot tell (!GetAtt, a resource's physical ID, a pseudo parameter
// nobody gave) is a placeholder that matches no request, and a finding
// at its position says so (Template.Assumptions).
//
// One resource answers: the one policy.Source.Resource names, the only
// one, or the one the request's URL names (a bucket's name in its host or
// path, an API's route path, a function URL's or distribution's host);
// otherwise reading refuses with the candidates and how to choose. The
// outcome's DecidedBy names the resource, file, line and column of the
// CORS block (an S3 rule's own line when one matched; a gateway
// response's for API Gateway's errors; the layer integration, at the
// method or the SAM function's event, when a REST API's actual method
// answered: a proxy's function returns its own CORS headers, a
// non-proxy integration response maps them).
//
// The format (format.go) offers what the engine asks by type assertion:
// policy.SourceParser, convert.Reader and Stater (the chosen resource's
// rules, positioned in the template, with its platform's semantics),
// fix.Editor and fix.SourceEditor (edit.go: byte splices at the nodes'
// positions that keep comments, quotes, indentation and list forms),
// lint.TextChecker and advise.Trapper (unresolved values, S3's "*"
// without credentials), lint.Platformer and explain.Documented. SAM's
// own refusals (an unquoted Cors value, credentials with the "*"
// origin) are reading faults at their positions.
package cloudformation
