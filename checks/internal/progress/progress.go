// Package progress shows how far a long scan is, on a terminal: the bytes
// read of the total, the rate, the rows per second and the time left, on
// one line of the writer it is given (stderr), redrawn a few times a
// second and cleared when the scan ends. A scan that ends within the
// delay shows nothing. Whether the writer is a terminal is the caller's
// to decide: it gives none otherwise.
//
// The line is drawn by github.com/schollz/progressbar/v3. It imports
// nothing of the project.
package progress

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Meter follows one scan. Its zero value and a nil *Meter show nothing.
type Meter struct {
	bytes, rows atomic.Int64
	stop        chan struct{}
	done        sync.WaitGroup
}

// tick is how often the line is redrawn.
const tick = 200 * time.Millisecond

// Start returns a meter for a scan of total bytes, named name on its line,
// that shows on w once the scan has run for after. With w nil it shows
// nothing, and costs nothing.
func Start(w io.Writer, name string, total int64, after time.Duration) *Meter {
	if w == nil {
		return nil
	}
	m := &Meter{stop: make(chan struct{})}
	m.done.Add(1)
	go m.run(w, name, total, after)
	return m
}

// Set records how far the scan is: bytes read, rows scanned. It is cheap
// enough to call for every few rows.
func (m *Meter) Set(bytes int64, rows int) {
	if m == nil {
		return
	}
	m.bytes.Store(bytes)
	m.rows.Store(int64(rows))
}

// Stop ends the meter and clears its line, if it drew one.
func (m *Meter) Stop() {
	if m == nil || m.stop == nil {
		return
	}
	close(m.stop)
	m.done.Wait()
	m.stop = nil
}

func (m *Meter) run(w io.Writer, name string, total int64, after time.Duration) {
	defer m.done.Done()
	start := time.Now()
	// The bar follows the scan from its start, so that its rate and time
	// left count from there, but draws nothing until after has passed.
	out := &lateWriter{w: w}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(tick/2), // one drawing a tick
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
	draw := func(now time.Time) {
		secs := max(now.Sub(start).Seconds(), 1e-3)
		out.open = secs >= after.Seconds()
		rows := m.rows.Load()
		bar.Describe(fmt.Sprintf("%s: %s rows, %s rows/s", name, count(float64(rows)), count(float64(rows)/secs)))
		bar.Set64(m.bytes.Load()) // drawn at the next tick (throttled)
	}
	if after <= 0 {
		draw(time.Now())
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			if out.open {
				bar.Clear()
			}
			bar.Exit()
			return
		case now := <-t.C:
			draw(now)
		}
	}
}

// lateWriter drops what is written to it until it is open.
type lateWriter struct {
	w    io.Writer
	open bool
}

func (l *lateWriter) Write(p []byte) (int, error) {
	if !l.open {
		return len(p), nil
	}
	return l.w.Write(p)
}

// count renders a count of rows in a few characters: 950, 12.3k, 4.56M.
func count(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", n/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}
