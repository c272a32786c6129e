package csvscan

import (
	"bufio"
	"bytes"
	"sync"
	"testing"

	"github.com/preflight-gate/preflight/bench/csvgen"
)

// benchFile is bench/run.sh's file at 1,000,000 rows (about 60 MB).
var benchFile = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	csvgen.Bench(w, 1_000_000, 0.01, 1)
	w.Flush()
	return buf.Bytes()
})

// BenchmarkScan1M scans the benchmark's file at 1M rows, mapped (NewBytes)
// and read (New), asking for every record's key field as the gate does.
func BenchmarkScan1M(b *testing.B) {
	data := benchFile()
	for _, mode := range []string{"bytes", "reader"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var s *Scanner
				if mode == "bytes" {
					s = NewBytes(data, ',')
				} else {
					s = New(bytes.NewReader(data), ',')
				}
				n, keys := 0, 0
				for s.Scan() {
					n++
					keys += len(s.Field(0))
				}
				if n != 1_000_001 || keys == 0 {
					b.Fatalf("%d records", n)
				}
			}
		})
	}
}
