package terraform

// The CORS-bearing resource types and where each keeps its rules, with
// the provider documentation every attribute name comes from.

// Platforms a resource maps onto (the platform package evaluates it).
const (
	platS3         = "S3"
	platGCS        = "GCS"
	platAzure      = "Azure"
	platAPIGW      = "API Gateway HTTP API"
	platLambdaURL  = "Lambda function URL"
	platCloudFront = "CloudFront"
)

// Roles of a rule's fields, in fix's vocabulary where fix names them.
const (
	roleOrigins  = "origins"
	roleMethods  = "methods"
	roleHeaders  = "allow_headers"
	roleExpose   = "expose_headers"
	roleMaxAge   = "max_age"
	roleID       = "id"
	roleCreds    = "credentials"
	roleOverride = "origin_override"
)

// shape is one resource type: the nested blocks that lead to its rule
// blocks, each role's attribute name in a rule, and, for the resources
// whose name shows in a request's host, the attribute holding that name.
type shape struct {
	Type     string
	Platform string
	// Blocks are the block types from the resource body to a rule block
	// (each one may repeat; a block that nests a single block is listed
	// like any other).
	Blocks []string
	// Fields are each role's attribute in a rule block; a name with a dot
	// ("access_control_allow_origins.items") is an attribute of a nested
	// block.
	Fields map[string]string
	// Required are the roles the provider's schema requires.
	Required []string
	// NameAttr is the attribute naming the bucket or account ("" when
	// the host does not name the resource); BucketRef is the attribute
	// that refers to a bucket resource instead (the S3 CORS resource).
	NameAttr, BucketRef string
	// Doc is the provider documentation the shape follows.
	Doc string
}

var s3Fields = map[string]string{roleOrigins: "allowed_origins", roleMethods: "allowed_methods", roleHeaders: "allowed_headers",
	roleExpose: "expose_headers", roleMaxAge: "max_age_seconds", roleID: "id"}

var lambdaFields = map[string]string{roleOrigins: "allow_origins", roleMethods: "allow_methods", roleHeaders: "allow_headers",
	roleExpose: "expose_headers", roleMaxAge: "max_age", roleCreds: "allow_credentials"}

// shapes are the resource types read, by Terraform type name.
var shapes = map[string]*shape{
	// registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_cors_configuration:
	// bucket (required), expected_bucket_owner, cors_rule (1 to 100) with
	// allowed_headers, allowed_methods (required), allowed_origins
	// (required), expose_headers, id, max_age_seconds.
	"aws_s3_bucket_cors_configuration": {Type: "aws_s3_bucket_cors_configuration", Platform: platS3, Blocks: []string{"cors_rule"},
		Fields: s3Fields, Required: []string{roleOrigins, roleMethods}, BucketRef: "bucket",
		Doc: "hashicorp/aws docs, resources/s3_bucket_cors_configuration"},
	// The same provider's aws_s3_bucket: cors_rule inline, deprecated
	// since v4 in favour of the resource above, with the same fields.
	"aws_s3_bucket": {Type: "aws_s3_bucket", Platform: platS3, Blocks: []string{"cors_rule"},
		Fields: s3Fields, Required: []string{roleOrigins, roleMethods}, NameAttr: "bucket",
		Doc: "hashicorp/aws docs, resources/s3_bucket (cors_rule, deprecated)"},
	// resources/apigatewayv2_api: cors_configuration (at most one) with
	// allow_credentials, allow_headers, allow_methods, allow_origins,
	// expose_headers, max_age; HTTP APIs only.
	"aws_apigatewayv2_api": {Type: "aws_apigatewayv2_api", Platform: platAPIGW, Blocks: []string{"cors_configuration"},
		Fields: lambdaFields, Doc: "hashicorp/aws docs, resources/apigatewayv2_api (cors_configuration)"},
	// resources/lambda_function_url: cors (at most one) with the same
	// six fields as an HTTP API.
	"aws_lambda_function_url": {Type: "aws_lambda_function_url", Platform: platLambdaURL, Blocks: []string{"cors"},
		Fields: lambdaFields, Doc: "hashicorp/aws docs, resources/lambda_function_url (cors)"},
	// resources/cloudfront_response_headers_policy: cors_config with
	// access_control_allow_credentials (required), origin_override
	// (required), access_control_max_age_sec, and items blocks
	// access_control_allow_headers, _allow_methods, _allow_origins
	// (required), _expose_headers.
	"aws_cloudfront_response_headers_policy": {Type: "aws_cloudfront_response_headers_policy", Platform: platCloudFront, Blocks: []string{"cors_config"},
		Fields: map[string]string{roleOrigins: "access_control_allow_origins.items", roleMethods: "access_control_allow_methods.items",
			roleHeaders: "access_control_allow_headers.items", roleExpose: "access_control_expose_headers.items",
			roleMaxAge: "access_control_max_age_sec", roleCreds: "access_control_allow_credentials", roleOverride: "origin_override"},
		Required: []string{roleOrigins, roleMethods, roleHeaders},
		Doc:      "hashicorp/aws docs, resources/cloudfront_response_headers_policy (cors_config)"},
	// hashicorp/google docs, resources/storage_bucket: cors blocks with
	// origin, method, response_header, max_age_seconds; name required.
	"google_storage_bucket": {Type: "google_storage_bucket", Platform: platGCS, Blocks: []string{"cors"},
		Fields:   map[string]string{roleOrigins: "origin", roleMethods: "method", roleHeaders: "response_header", roleMaxAge: "max_age_seconds"},
		NameAttr: "name", Doc: "hashicorp/google docs, resources/storage_bucket (cors)"},
	// hashicorp/azurerm docs, resources/storage_account: blob_properties
	// { cors_rule (up to 5) } with allowed_headers, allowed_methods,
	// allowed_origins, exposed_headers, max_age_in_seconds, all required.
	"azurerm_storage_account": {Type: "azurerm_storage_account", Platform: platAzure, Blocks: []string{"blob_properties", "cors_rule"},
		Fields: map[string]string{roleOrigins: "allowed_origins", roleMethods: "allowed_methods", roleHeaders: "allowed_headers",
			roleExpose: "exposed_headers", roleMaxAge: "max_age_in_seconds"},
		Required: []string{roleOrigins, roleMethods, roleHeaders, roleExpose, roleMaxAge}, NameAttr: "name",
		Doc: "hashicorp/azurerm docs, resources/storage_account (blob_properties.cors_rule)"},
}

// typeNames lists the resource types read, for messages.
const typeNames = "aws_s3_bucket_cors_configuration, aws_s3_bucket (cors_rule), aws_apigatewayv2_api, aws_lambda_function_url, aws_cloudfront_response_headers_policy, google_storage_bucket, azurerm_storage_account"
