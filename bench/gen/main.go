// Command gen writes a seeded, reproducible CSV bulk input for the
// preflight benchmark (see bench/README.md).
//
// Every row has a unique email key, except the duplicate rows: a fraction
// -dup of the rows repeats the key of an earlier row, picked uniformly
// among the distinct keys written so far, sometimes with a different case
// or surrounding spaces (which preflight's and DuckDB's lower(trim(...))
// both normalise away). The notes column holds plain text, quoted text with
// commas, doubled quotes and, now and then, an embedded newline.
//
// The output depends only on the flags: the generator uses its own
// splitmix64 stream (not math/rand, whose algorithms may change between Go
// releases), so a seed gives the same bytes on every run and every Go
// version. On success it prints one line to stdout:
//
//	rows=N duplicates=D distinct=K bytes=B
//
// where D is exactly the number of rows beyond the first of each key
// (N = D + K).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/preflight-gate/preflight/bench/csvgen"
)

func main() {
	rows := flag.Int64("rows", 10_000_000, "data rows to write (after the header)")
	dup := flag.Float64("dup", 0.01, "fraction of rows that repeat an earlier key")
	seed := flag.Uint64("seed", 1, "seed: the same flags give the same bytes")
	out := flag.String("out", "", "output file (default stdout)")
	flag.Parse()
	if *rows < 0 || *rows >= csvgen.MaxBenchRows {
		fmt.Fprintf(os.Stderr, "gen: -rows must be in [0, %d)\n", int64(csvgen.MaxBenchRows))
		os.Exit(2)
	}
	if *dup < 0 || *dup >= 1 {
		fmt.Fprintln(os.Stderr, "gen: -dup must be in [0, 1)")
		os.Exit(2)
	}

	var w io.Writer = os.Stdout
	var f *os.File
	if *out != "" && *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	n, dups, distinct := csvgen.Bench(bw, *rows, *dup, *seed)
	err := bw.Flush()
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	report := os.Stdout
	if f == nil {
		report = os.Stderr // stdout holds the CSV
	}
	fmt.Fprintf(report, "rows=%d duplicates=%d distinct=%d bytes=%d\n", *rows, dups, distinct, n)
}
