package raw_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/raw"
)

func BenchmarkRead(b *testing.B) {
	b.Run("form=curl-v", func(b *testing.B) {
		for b.Loop() {
			if _, err := raw.Read(curlVPreflight); err != nil {
				b.Fatal(err)
			}
		}
	})
}
