package azure

import "github.com/whycors/whycors/engine/portable"

// codeARMExpression is lint's code of an ARM template expression where a
// rule's value is: whycors does not evaluate a template's parameters, and
// Azure does not refuse them, so it is no "rejected" error (found by a
// review: lint said "Azure refuses this", exit 1).
const codeARMExpression = "azure-arm-expression"

// LintCodes implements lint.Coder: the code of a value an ARM template
// gives by expression, so that `whycors lint --codes`, the SARIF report
// and whycors:ignore know it.
func (*format) LintCodes() []portable.Code {
	return []portable.Code{
		{Code: codeARMExpression, Severity: "warning",
			Summary: "A rule's value is an ARM template expression ([parameters('origins')]), which is not evaluated here: give the deployed rules (az storage account blob-service-properties show) or write the values to have them checked.",
			Source:  "learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions"},
	}
}
