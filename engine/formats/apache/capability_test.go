package apache_test

import (
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/lint"
)

// The capabilities the engine finds by type assertion (engine/policy),
// of this format and of Caddy's, its sibling.
var (
	_ fix.Editor         = (*apache.Format)(nil)
	_ fix.EditChooser    = (*apache.Format)(nil)
	_ lint.TextChecker   = (*apache.Format)(nil)
	_ lint.Platformer    = (*apache.Format)(nil)
	_ explain.Documented = (*apache.Format)(nil)
	_ convert.NoRules    = (*apache.Format)(nil)

	_ fix.Editor         = (*caddy.Format)(nil)
	_ fix.EditChooser    = (*caddy.Format)(nil)
	_ lint.TextChecker   = (*caddy.Format)(nil)
	_ lint.Platformer    = (*caddy.Format)(nil)
	_ explain.Documented = (*caddy.Format)(nil)
	_ convert.NoRules    = (*caddy.Format)(nil)
)
