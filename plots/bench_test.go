package plots

import (
	"io"
	"testing"
)

// BenchmarkEncode measures rendering each test chart at its default size
// (the history at 20×8 in, 2000×800 pixels in PNG).
func BenchmarkEncode(b *testing.B) {
	for _, tc := range chartCases {
		c, err := tc.build()
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range Formats() {
			b.Run(tc.name+"/"+string(f), func(b *testing.B) {
				for b.Loop() {
					if err := c.Encode(io.Discard, f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
