package fetch

// The fast paths of issue 23, for the tests that hold them to the
// standard library's answers.
var (
	NameIs         = nameIs
	LowerInto      = lowerInto
	TrimHTTPWS     = trimHTTPWS
	SerializedFrom = serializedFrom
)

var (
	ReadableName       = readableName
	WebkitCommonHeader = webkitCommonHeader
	ForbiddenName      = func(lower string) bool { return indexName(forbiddenNames[:], lower) >= 0 }
	UnsafeByte         = unsafeByte
)
