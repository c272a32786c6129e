package keyset

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkAdd1M adds 1,000,000 email keys, 1% of them repeats, to a new
// set; a match is confirmed against the keys by ref, as a caller would.
func BenchmarkAdd1M(b *testing.B) {
	const n = 1_000_000
	keys := make([][]byte, n)
	for i := range keys {
		j := i
		if i%100 == 99 {
			j = i / 2
		}
		keys[i] = fmt.Appendf(nil, "user.%x@example.com", uint64(j)*0x9e3779b97f4a7c15>>20)
	}
	confirm := func(ref uint64, key []byte) (bool, error) { return bytes.Equal(keys[ref], key), nil }
	b.ReportAllocs()
	for b.Loop() {
		k := New(confirm, 0)
		for i, key := range keys {
			k.Add(key, i+2, uint64(i))
		}
		if k.Len()+k.Extra() != n || k.Extra() == 0 {
			b.Fatalf("%d keys, %d repeats", k.Len(), k.Extra())
		}
		k.Release()
	}
}

// BenchmarkPut puts 5,000,000 hashed keys (1% repeats) into a set sized
// for them, as a bulk key worker does: in groups of 32, with the next
// group's slots prefetched while a group is put, and without.
func BenchmarkPut(b *testing.B) {
	const n, group = 5_000_000, 32
	hs := make([]uint64, n)
	x := uint64(1)
	for i := range hs {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		hs[i] = x * 0x9e3779b97f4a7c15
		if i%100 == 99 {
			hs[i] = hs[i/2]
		}
	}
	confirm := func(uint64, []byte) (bool, error) { return true, nil }
	for _, prefetch := range []bool{true, false} {
		b.Run(map[bool]string{true: "prefetched", false: "unprefetched"}[prefetch], func(b *testing.B) {
			for b.Loop() {
				k := New(confirm, n)
				k.Populate()
				for g := 0; g < n; g += group {
					if prefetch {
						k.Prefetch(hs[min(g+group, n):min(g+2*group, n)])
					}
					for i := g; i < min(g+group, n); i++ {
						k.Put(nil, hs[i], i+2, uint64(i))
					}
				}
				if k.Len() < n*98/100 {
					b.Fatalf("%d keys", k.Len())
				}
				k.Release()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}
