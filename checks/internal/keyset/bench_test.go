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
