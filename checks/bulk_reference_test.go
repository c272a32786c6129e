package checks

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/bench/csvgen"
	"github.com/preflight-gate/preflight/preflight"
)

// refDuplicates is the slow reference for the gate's duplicates: the file
// read by encoding/csv, keys in a map. Each duplicate row is "LINE: first
// LINE, occurrence N"; a record's line is where it starts.
func refDuplicates(t *testing.T, data []byte, col int) (dups []string, unique int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	type seen struct{ line, n int }
	keys := map[string]*seen{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if first {
			continue // the header
		}
		line, _ := r.FieldPos(0)
		key := strings.ToLower(strings.TrimSpace(rec[col]))
		if s := keys[key]; s != nil {
			s.n++
			dups = append(dups, fmt.Sprintf("%d: first %d, occurrence %d", line, s.line, s.n))
			continue
		}
		keys[key] = &seen{line: line, n: 1}
	}
	return dups, len(keys)
}

var duplicateMsg = regexp.MustCompile(`repeats the key of line (\d+): the same recipient would get this a (\d+)[a-z]{2} time$`)

// gateDuplicates renders the gate's bulk/duplicate-key findings as
// refDuplicates does.
func gateDuplicates(t *testing.T, fs []preflight.Finding) []string {
	t.Helper()
	var dups []string
	for _, f := range fs {
		if f.Rule != ruleBulkDuplicateKey.ID {
			continue
		}
		m := duplicateMsg.FindStringSubmatch(f.Message)
		if m == nil {
			t.Fatalf("duplicate message %q", f.Message)
		}
		first, _ := strconv.Atoi(m[1])
		nth, _ := strconv.Atoi(m[2])
		dups = append(dups, fmt.Sprintf("%d: first %d, occurrence %d", f.Line, first, nth))
	}
	return dups
}

// TestBulkDuplicatesReference holds the gate's duplicates on the
// benchmark generator's output (bench/run.sh's file, small) to the slow
// reference, exactly: the same duplicate rows at the same lines, each
// naming the same first line; and the generator's own count.
func TestBulkDuplicatesReference(t *testing.T) {
	for _, tt := range []struct {
		rows int64
		dup  float64
		seed uint64
	}{{20000, 0.01, 1}, {30000, 0.2, 2}, {5000, 0.6, 3}} {
		bothReads(t, fmt.Sprintf("rows=%d,dup=%v", tt.rows, tt.dup), func(t *testing.T) {
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			_, wantDups, distinct := csvgen.Bench(w, tt.rows, tt.dup, tt.seed)
			w.Flush()
			data := buf.Bytes()
			ref, unique := refDuplicates(t, data, 0)
			if int64(len(ref)) != wantDups || int64(unique) != distinct {
				t.Fatalf("reference: %d duplicates, %d keys; the generator wrote %d, %d", len(ref), unique, wantDups, distinct)
			}
			b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\"\napprove_over = 1000000"), "in.csv": string(data)})
			res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ref, gateDuplicates(t, res.Findings)); diff != "" {
				t.Errorf("duplicates (-reference +gate):\n%s", diff)
			}
			if p := res.Previews[0]; p.Rows != int(tt.rows) || p.Unique != unique || p.Extra != len(ref) {
				t.Errorf("preview: %d rows, %d unique, %d extra; want %d, %d, %d", p.Rows, p.Unique, p.Extra, tt.rows, unique, len(ref))
			}
			if n := len(res.Findings) - len(ref); n != 0 {
				t.Errorf("%d findings besides the duplicates: %v", n, bulkShort(res.Findings)[:min(5, len(res.Findings))])
			}
		})
	}
}

// TestBulkProgress shows a scan's progress where Options.Progress says
// (here at once, not after a second), on one line cleared at the end;
// and nothing without a writer.
func TestBulkProgress(t *testing.T) {
	defer func(d time.Duration) { progressAfter = d }(progressAfter)
	progressAfter = 0
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	csvgen.Bench(w, 200000, 0.01, 1)
	w.Flush()
	b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\napprove_over = 1000000"), "in.csv": buf.String()})
	var out lockedBuffer
	if _, err := (Bulk{}).Check(b, nil, &preflight.Options{Now: bulkNow, Progress: &out}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, `bulk "in": `) || !strings.Contains(got, "rows/s") || !strings.HasSuffix(got, "\r") {
		t.Errorf("progress %q: want the input's name, rows/s, and the line cleared", got)
	}
}

// lockedBuffer is a bytes.Buffer safe for the progress goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestBulkFileShrinks truncates a mapped input under the scan: whether
// the first part or a later one reads past the new end, the check stops
// with an error that says so, not a crash.
func TestBulkFileShrinks(t *testing.T) {
	defer func(n int64, p int) { splitMin, splitParts = n, p }(splitMin, splitParts)
	splitMin, splitParts = 16<<10, 3
	data := csvgen.Simple(50000, 40000)
	for _, keep := range []int64{0, int64(len(data)) / 2} {
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\napprove_over = 1000000"), "in.csv": string(data)})
		mapInput = func(f *os.File, size int64) []byte {
			m := mapFile(f, size)
			if err := os.Truncate(f.Name(), keep); err != nil {
				t.Fatal(err)
			}
			return m
		}
		_, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
		mapInput = mapFile
		if err == nil || !strings.Contains(err.Error(), "the file shrank while it was read") {
			t.Errorf("truncated to %d bytes: %v, want the file shrank", keep, err)
		}
	}
}

// TestScanGC: scans running side by side pace the collector as one, and
// the last to end puts the program's pacing back.
func TestScanGC(t *testing.T) {
	percent := func() int { p := debug.SetGCPercent(0); debug.SetGCPercent(p); return p }
	limit := func() int64 { return debug.SetMemoryLimit(-1) } // -1 reads it
	p0, l0 := percent(), limit()
	end1 := scanGC()
	end2 := scanGC()
	if p, l := percent(), limit(); p != 400 || l != 256<<20 {
		t.Fatalf("during scans: GC percent %d, limit %d; want 400, 256 MiB", p, l)
	}
	end1()
	if p := percent(); p != 400 {
		t.Errorf("one scan still running: GC percent %d, want 400", p)
	}
	end2()
	if p, l := percent(), limit(); p != p0 || l != l0 {
		t.Errorf("after the scans: GC percent %d, limit %d; want %d, %d", p, l, p0, l0)
	}
}
