package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the meter's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMeterShows draws the line, with the bytes, the rows per second and
// the time left, and clears it at the end.
func TestMeterShows(t *testing.T) {
	var w syncBuffer
	m := Start(&w, `bulk "rows"`, 600<<20, 0)
	for i := range 10 {
		m.Set(int64(i+1)*30<<20, (i+1)*500000)
		time.Sleep(tick / 2)
	}
	m.Stop()
	out := w.String()
	for _, want := range []string{`bulk "rows": `, " rows/s", "MB", "/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q does not contain %q", out, want)
		}
	}
	last := out[strings.LastIndexByte(strings.TrimSuffix(out, "\r"), '\r')+1:]
	if strings.TrimSpace(last) != "" {
		t.Errorf("the line is not cleared at the end: %q", last)
	}
}

// TestMeterSilent shows nothing for a scan shorter than the delay, nor
// without a writer.
func TestMeterSilent(t *testing.T) {
	var w syncBuffer
	m := Start(&w, "x", 100, time.Hour)
	m.Set(50, 5)
	time.Sleep(3 * tick)
	m.Stop()
	if w.String() != "" {
		t.Errorf("a short scan wrote %q", w.String())
	}
	var none *Meter = Start(nil, "x", 100, 0)
	none.Set(1, 1)
	none.Stop()
	if none != nil {
		t.Error("a meter without a writer")
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[float64]string{950: "950", 12345: "12.3k", 4560000: "4.56M", 2.5e9: "2.50G"} {
		if got := count(n); got != want {
			t.Errorf("count(%v) = %q, want %q", n, got, want)
		}
	}
}
