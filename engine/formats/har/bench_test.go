package har_test

import (
	"strconv"
	"testing"

	"github.com/whycors/whycors/engine/formats/har"
	"github.com/whycors/whycors/engine/formats/har/internal/hartest"
)

func BenchmarkRead(b *testing.B) {
	for _, n := range []int{10, 1000} {
		text := hartest.Capture(n)
		b.Run("pairs="+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				l, err := har.Read(text)
				if err != nil {
					b.Fatal(err)
				}
				if len(l.Candidates()) != n {
					b.Fatal("wrong candidate count")
				}
			}
		})
	}
}
