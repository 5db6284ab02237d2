package fetch

// The fast paths of issue 23, for the tests that hold them to the
// standard library's answers.
var (
	NameIs     = nameIs
	LowerInto  = lowerInto
	JoinIn     = joinIn
	TrimHTTPWS = trimHTTPWS
)
