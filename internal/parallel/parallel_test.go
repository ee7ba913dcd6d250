package parallel

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

func TestRangesCoverEveryIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 3} {
		for _, tc := range []struct{ n, chunk int }{{0, 0}, {1, 0}, {2, 0}, {7, 0}, {1000, 0}, {1000, 64}, {5, 64}, {64, 64}, {65, 64}, {10, 1}} {
			t.Run(fmt.Sprintf("procs=%d/n=%d/chunk=%d", procs, tc.n, tc.chunk), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				seen := make([]int, tc.n)
				var mu sync.Mutex
				calls := 0
				Ranges(tc.n, tc.chunk, func(lo, hi int) {
					mu.Lock()
					calls++
					mu.Unlock()
					if lo >= hi || (tc.chunk > 0 && hi-lo > tc.chunk) {
						t.Errorf("range [%d, %d) with chunk %d", lo, hi, tc.chunk)
					}
					for i := lo; i < hi; i++ {
						seen[i]++
					}
				})
				for i, c := range seen {
					if c != 1 {
						t.Fatalf("index %d visited %d times", i, c)
					}
				}
				if tc.chunk <= 0 && calls > procs {
					t.Errorf("%d calls for chunk 0 on %d processors, want at most one each", calls, procs)
				}
			})
		}
	}
}

func ExampleRanges() {
	squares := make([]int, 10)
	Ranges(len(squares), 4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			squares[i] = i * i
		}
	})
	fmt.Println(squares)
	// Output: [0 1 4 9 16 25 36 49 64 81]
}
