package native

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the code CheckText reports, lint's own
// "overlapping-paths", listed so that the format's codes are complete.
func (*format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "overlapping-paths", Severity: "warning",
			Summary: "A rule's path overlaps an earlier rule's and it allows other origins: on the overlap it answers what the earlier rule refuses.",
			Source:  "engine/native (the first rule whose path and origins match answers)"},
	}
}
