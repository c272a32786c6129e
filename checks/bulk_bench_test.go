package checks

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-gate/preflight/checks/internal/keyset"
	"github.com/preflight-gate/preflight/preflight"
)

// BenchmarkBulkBigFile runs the whole check of bench/run.sh's bundle on
// the large generated file, JSON output included, when BULK_BIG names it
// (for profiling: go test -run '^$' -bench BulkBigFile -benchtime 1x
// -cpuprofile cpu.out ./checks/ with BULK_BIG=../bench/data/big.csv).
func BenchmarkBulkBigFile(b *testing.B) {
	in := os.Getenv("BULK_BIG")
	if in == "" {
		b.Skip("BULK_BIG is not set")
	}
	in, _ = filepath.Abs(in)
	bundle, err := LoadBundle(filepath.Join(filepath.Dir(in), "bundle"))
	if err != nil {
		b.Fatal(err)
	}
	f, err := preflight.NewFormatter("json", preflight.FormatOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r, err := preflight.Check(bundle, &preflight.Options{Inputs: map[string]string{"rows": in}, Now: bulkNow, FailOn: preflight.SeverityError})
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Format(io.Discard, preflight.Single(r)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeyLookup runs a key worker's work alone, hashing included:
// 4,000,000 distinct email keys (and 1% repeats) looked up in batches.
func BenchmarkKeyLookup(b *testing.B) {
	const n = 4000000
	var batches []*keyBatchBuf
	var all [][]byte // the keys by ref, as the file holds them
	kb := &keyBatchBuf{}
	for i := range n {
		j := i
		if i%100 == 99 {
			j = i / 2
		}
		start := len(kb.keys)
		kb.keys = fmt.Appendf(kb.keys, "user.%x@example.com", uint64(j)*0x9e3779b97f4a7c15>>20)
		kb.items = append(kb.items, pendingKey{start: int32(start), col: 1, line: i + 2, ref: uint64(i)})
		all = append(all, kb.keys[start:])
		if len(kb.items) == keyBatch {
			for i, pk := range kb.items { // the batch's keys buffer grew: slice it again
				all[pk.ref] = kb.key(i)
			}
			batches = append(batches, kb)
			kb = &keyBatchBuf{}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := &keyWorker{}
		w.set = keyset.New(func(ref uint64, key []byte) (bool, error) { return bytes.Equal(all[ref], key), nil }, 0)
		for _, kb := range batches {
			kb.hashes = kb.hashes[:0]
			for i := range kb.items {
				kb.hashes = append(kb.hashes, w.set.Hash(kb.key(i)))
			}
			w.lookup(kb)
		}
		if w.set.Len() < n*98/100 || len(w.dups) == 0 {
			b.Fatal(w.set.Len(), len(w.dups))
		}
	}
}
