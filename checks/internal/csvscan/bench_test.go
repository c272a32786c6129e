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

// BenchmarkScanRecordKinds scans 10,000 records of one kind at a time, as
// the benchmark's file has them: plain, with text that is not ASCII, with
// a quoted field (a delimiter in it, or a doubled quote), every field
// quoted, and a quoted line break (the general path).
func BenchmarkScanRecordKinds(b *testing.B) {
	for _, k := range []struct{ name, rec string }{
		{"plain", "lea.qms8jae@example.org,Lea,Muller,2015-09-01,free,\n"},
		{"not-ascii", "lea.qms8jae@example.org,Léa,Müller,2015-09-01,free,\n"},
		{"quoted", "lea.qms8jae@example.org,Lea,Muller,2015-09-01,free,\"upgraded: pro, then team\"\n"},
		{"doubled", "lea.qms8jae@example.org,Lea,Muller,2015-09-01,free,\"said \"\"hi\"\" twice\"\n"},
		{"all-quoted", "\"lea.qms8jae@example.org\",\"Lea\",\"Muller\",\"2015-09-01\",\"free\",\"\"\n"},
		{"line-break", "lea.qms8jae@example.org,Lea,Muller,2015-09-01,free,\"line one\nline two\"\n"},
	} {
		data := bytes.Repeat([]byte(k.rec), 10000)
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				s := NewBytes(data, ',')
				for s.Scan() {
					_ = s.Field(0)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10000), "ns/record")
		})
	}
}
