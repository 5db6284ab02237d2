package cloudformation_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A SAM template's API answers the preflight with the values of its Cors
// (SAM's quotes dropped), and the outcome names the resource and line.
func ExampleRead() {
	tpl, err := cloudformation.Read(policy.Source{Text: `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors:
        AllowOrigin: "'https://www.example.com'"
        AllowMethods: "'GET,PUT'"
`})
	if err != nil {
		fmt.Println(err)
		return
	}
	o := tpl.Respond(policy.Request{Method: "OPTIONS", URL: "https://abc.execute-api.eu-west-1.amazonaws.com/prod/doc",
		Header: headers.List{{Name: "Origin", Value: "https://www.example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 404})
	acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
	methods, _ := o.Reply.Header.Get("Access-Control-Allow-Methods")
	fmt.Println(o.Reply.Status, acao, methods)
	fmt.Printf("%s %s line %d\n", o.DecidedBy.Layer, o.DecidedBy.Resource, o.DecidedBy.Line)
	// Output:
	// 200 https://www.example.com GET,PUT
	// cors-rule Api line 7
}

// An unquoted SAM value is refused at its line and column.
func ExampleRead_unquoted() {
	_, err := cloudformation.Read(policy.Source{Text: `Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      Cors:
        AllowOrigin: https://www.example.com
`})
	fmt.Println(err)
	// Output:
	// line 6, column 22: $.Resources.Api.Properties.Cors.AllowOrigin: AllowOrigin "https://www.example.com" is not in single quotes: SAM passes the value to API Gateway as a response-parameter mapping, where a literal must be quoted; write "'https://www.example.com'"
}
