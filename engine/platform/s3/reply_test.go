package s3

import (
	"testing"
)

// errorReply writes its message as it is: each of S3's messages must be
// what xmlEscape would leave unchanged (no '&', '<' or '>').
func TestErrorMessagesAreCharacterData(t *testing.T) {
	for _, m := range []string{msgNoOrigin, msgNotAllowed, msgNotEnabled, msgNoBucket, msgNoConfig} {
		if xmlEscape(m) != m {
			t.Errorf("message %q needs escaping", m)
		}
	}
}
