package lint

import (
	"errors"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/policy"
)

// unreadable returns the faults of a text that its format's reader cannot
// read at all (policy.Error.Unreadable: not JSON, not well-formed XML, an
// unterminated nginx directive, a capture that is not HTTP), or nil.
// err is what convert.Read returned for text in format f; a format
// without rules (nginx, raw, HAR) is parsed to find out. Such a text is
// an input error, not a finding: no platform was asked, so there is
// nothing it "refuses"; what a platform reads and would refuse at upload
// stays a "rejected" finding.
func unreadable(f policy.Format, text string, err error) error {
	var cerr *convert.Error
	if errors.As(err, &cerr) {
		_, err = f.Parse(text)
	}
	var es policy.Errors
	if !errors.As(err, &es) {
		return nil
	}
	for _, e := range es {
		if e.Unreadable {
			return es
		}
	}
	return nil
}

// unnamed is err with its faults' files cleared: the one text Lint reads
// is the caller's, whatever name a reader gives it (a Terraform text is
// main.tf to its reader; found as a new user would: a fault of cors.tf
// was "main.tf: line 4", in SARIF too).
func unnamed(err error) error {
	var es policy.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			e.File = ""
		}
	}
	return err
}
