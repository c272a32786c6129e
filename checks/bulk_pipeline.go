package checks

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/checks/internal/keyset"
	"github.com/preflight-gate/preflight/preflight"
)

// How a large input is scanned on every core. The scan starts as one part
// (scanPart), from the top. Once it is past the header and the preview
// rows, the rest of a large file is split into as many parts as there are
// cores, each starting after a line end (see splitAt), and scanned beside
// the first.
// Each part stops where the next one starts (csvscan.Scanner.StopAt); a
// part that does not stop there on a record boundary (a quoted field with
// a line break ran across it) proves the split wrong, and the whole input
// is scanned again in one part. A part counts its lines from 1, and its
// findings' lines are made the file's once the parts before it are done.
//
// The parts hand their keys, normalised and hashed, to the key workers
// (keyWorker), one per core, each with its own key set: a key goes to the
// worker its hash names, so each worker alone holds its keys. A worker
// gets the keys of different parts in no set order, so it keeps, for each
// key, the row with the lowest offset as its first, and the repeats as it
// finds them; at the end they are sorted into occurrences (finishKeys).
// The findings are exactly the one-part scan's.

// splitMin is the least input left after the preview rows for a split,
// and the least a part gets. (A variable for tests.)
var splitMin int64 = 16 << 20

// splitParts is how many parts a split makes, and how many key workers
// a large input gets: one per core. (A variable for tests.)
var splitParts = runtime.GOMAXPROCS(0)

// keyBatch is how many keys go to a key worker at a time, and keyGroup how
// many of them it looks up together.
const (
	keyBatch = 4096
	keyGroup = 32
)

// keyBatchBuf is a batch of normalised, non-blank, valid keys for one key
// worker. A part fills one batch for each worker while the workers read
// others: the padding keeps each batch's fields off the cache lines of
// the ones next to it in memory, which another core may be using.
type keyBatchBuf struct {
	owner  *scanPart
	items  []pendingKey
	hashes []uint64 // by item
	keys   []byte
	_      [cacheLine]byte
}

// pendingKey is one key of a batch, in 24 bytes.
type pendingKey struct {
	start int32 // the key in keys, up to the next key's start
	col   int32 // the column of its first key field (see Scanner.FieldPos)
	line  int   // the line of its row, in its part
	ref   uint64
}

// key returns the batch's i'th key.
func (b *keyBatchBuf) key(i int) []byte {
	end := len(b.keys)
	if i+1 < len(b.items) {
		end = int(b.items[i+1].start)
	}
	return b.keys[b.items[i].start:end]
}

// dupRow is a row whose key a key worker found before: a repeat of the
// key at index idx of its set. col is -1 when not known (the row was the
// key's first until a row before it came): finish reads the row again.
type dupRow struct {
	idx  uint32
	col  int32
	line int // in its part
	ref  uint64
}

// scanPart is one part of the input and its scan: findings with lines in
// the part (see scanPart.delta), counts, and batches of keys, one for each
// key worker.
type scanPart struct {
	sc    *bulkScan
	index int
	s     *csvscan.Scanner
	from  int64 // the part's first byte; the scan may read beyond its last
	delta int   // add to a line in the part to make it the file's
	trail trail // the mapped pages it dropped (see mapped)

	findings    []preflight.Finding
	onLine      []lineNote // findings whose message ends with a line, in the part
	headerLines []int      // data rows that look like a header
	rows        int
	blank       int
	invalid     int

	cur   []*keyBatchBuf // by key worker
	hash  *keyset.Set    // hashes the keys as every worker's set does
	spare chan *keyBatchBuf
	part  []byte // reused by appendKey
	key   []byte // the current row's key (see appendKey)
	parts []int

	scanned atomic.Int64 // bytes read from the part's start, for the meter
	rowsNow atomic.Int64
	err     error
	_       [cacheLine]byte
}

// lineNote is a finding of a part whose message names a line of the part:
// " (on line N)" is added once the part's delta is known.
type lineNote struct {
	finding int
	line    int
}

// keyWorker looks up the keys of one share of the hashes, on a goroutine
// of its own.
type keyWorker struct {
	sc       *bulkScan
	err      error // from finish
	set      *keyset.Set
	work     chan *keyBatchBuf
	dups     []dupRow
	lines    []dupLine // the duplicates, in line order (see finish)
	repeated int       // keys with a duplicate
	// Reading a key's first record again, to confirm a match (confirm).
	again      *csvscan.Scanner
	againIn    recordReader
	againKey   []byte
	againParts []int
	againPart  []byte
	_          [cacheLine]byte
}

// startWorkers starts n key workers, their sets sized for hint keys in all.
// A worker whose first batch of keys is full and mostly distinct has its
// set's table backed with memory at once (see keyset.Set.Populate),
// beside the other workers and the scan: the set is about to fill it.
// Where the keys repeat (a large file of a few recipients), the table is
// backed only where keys land until the set has enough keys to back it
// itself, and memory stays with the distinct keys.
func (sc *bulkScan) startWorkers(n, hint int) {
	sc.workers = make([]*keyWorker, n)
	sc.workersDone.Add(n)
	for i := range sc.workers {
		w := &keyWorker{sc: sc, work: make(chan *keyBatchBuf, 4)}
		if i == 0 {
			w.set = keyset.New(w.confirm, hint/n)
		} else {
			w.set = sc.workers[0].set.Sibling(w.confirm, hint/n)
		}
		w.againIn.f = sc.src.f
		sc.workers[i] = w
		go func() {
			defer sc.workersDone.Done()
			first := true
			for b := range w.work {
				if first && len(b.hashes) == keyBatch && mostlyDistinct(b.hashes) {
					w.set.Populate()
				}
				first = false
				w.lookup(b)
				b.owner.recycle(b)
			}
		}()
	}
}

// mostlyDistinct reports whether at least half of the hashes hs differ.
func mostlyDistinct(hs []uint64) bool {
	hs = slices.Clone(hs)
	slices.Sort(hs)
	return len(slices.Compact(hs))*2 >= len(hs)
}

// stopWorkers waits for the key workers to look up every key sent.
func (sc *bulkScan) stopWorkers() {
	for _, w := range sc.workers {
		close(w.work)
	}
	sc.workersDone.Wait()
}

func (sc *bulkScan) newPart(index int, s *csvscan.Scanner, from int64) *scanPart {
	p := &scanPart{sc: sc, index: index, s: s, from: from, trail: trail{dropped: from}, hash: sc.workers[0].set}
	p.cur = make([]*keyBatchBuf, len(sc.workers))
	p.spare = make(chan *keyBatchBuf, len(sc.workers)*6)
	for i := range p.cur {
		p.cur[i] = &keyBatchBuf{owner: p}
	}
	return p
}

// recycle takes back a batch a worker is done with.
func (p *scanPart) recycle(b *keyBatchBuf) {
	select {
	case p.spare <- b:
	default: // enough spares
	}
}

// send hands the batch for worker w to it.
func (p *scanPart) send(w int) {
	p.sc.workers[w].work <- p.cur[w]
	select {
	case b := <-p.spare:
		b.items, b.hashes, b.keys = b.items[:0], b.hashes[:0], b.keys[:0]
		p.cur[w] = b
	default:
		p.cur[w] = &keyBatchBuf{owner: p}
	}
}

// flush sends every batch that holds keys.
func (p *scanPart) flush() {
	for w, b := range p.cur {
		if len(b.items) > 0 {
			p.send(w)
		}
	}
}

func (p *scanPart) add(r preflight.Rule, line, col int, format string, args ...any) {
	p.findings = append(p.findings, p.sc.finding(r, line, col, format, args...))
}

// run scans the part's records; the first part reads the header first,
// and may split the rest of the input (see split).
func (p *scanPart) run(b *preflight.Bundle) error {
	sc, s := p.sc, p.s
	first := p.index == 0
	for s.Scan() {
		line := s.Line()
		for _, pr := range s.Problems() {
			// pr.Col is already 0 when pr is not on the record's first line.
			p.add(ruleBulkMalformed, line, pr.Col, "%s", pr.Msg)
			if pr.Line != line {
				p.onLine = append(p.onLine, lineNote{len(p.findings) - 1, pr.Line})
			}
		}
		if first {
			first = false
			sc.width = s.NumFields()
			sc.delim = s.Delimiter() // a "sep=" line may have set it
			if err := sc.columns(b, s); err != nil {
				return err
			}
			if sc.header {
				sc.keepKeys(s)
				continue // the header row: not data, not checked for formulas
			}
		} else if n := s.NumFields(); n != sc.width {
			p.add(ruleBulkMalformed, line, 0, "ragged row: %d fields, expected %d like the first record", n, sc.width)
		}
		p.rows++
		p.row(s, line)
		if p.index == 0 && !sc.splitTried && len(sc.preview.First) >= *sc.spec.Preview {
			sc.splitTried = true
			sc.split(b, p)
		}
		if p.rows&1023 == 0 {
			p.progress()
		}
	}
	p.flush()
	p.progress()
	if err := s.Err(); err != nil {
		return sc.readError(err)
	}
	return nil
}

// progress tells the meter and the mapping how far the part is.
func (p *scanPart) progress() {
	sc := p.sc
	off := p.s.Offset()
	p.scanned.Store(off - p.from)
	p.rowsNow.Store(int64(p.rows))
	if in := sc.src.in; in != nil {
		in.dropBehind(&p.trail, off)
	}
	var bytes, rows int64
	for _, q := range sc.parts() {
		bytes += q.scanned.Load()
		rows += q.rowsNow.Load()
	}
	sc.meter.Set(bytes, int(rows))
}

// split splits the rest of the input, after the first part's current
// record, into up to splitParts parts of at least splitMin bytes, each
// from a line end on, and starts scanning the new ones.
func (sc *bulkScan) split(b *preflight.Bundle, first *scanPart) {
	src := sc.src
	from := first.s.Offset()
	rest := src.size - from
	n := int(min(int64(splitParts), rest/splitMin))
	if n < 2 {
		return
	}
	var starts []int64
	for k := 1; k < n; k++ {
		at := src.splitAt(from + rest*int64(k)/int64(n))
		if at < 0 || at >= src.size || len(starts) > 0 && at <= starts[len(starts)-1] {
			continue
		}
		starts = append(starts, at)
	}
	if len(starts) == 0 {
		return
	}
	first.s.StopAt(starts[0])
	parts := []*scanPart{first}
	for k, at := range starts {
		s := first.s.Split(io.NewSectionReader(src.f, at, src.size-at), at)
		if k+1 < len(starts) {
			s.StopAt(starts[k+1])
		}
		parts = append(parts, sc.newPart(k+1, s, at))
	}
	sc.partList.Store(&parts)
	for _, p := range parts[1:] {
		sc.partsDone.Add(1)
		go func() {
			defer sc.partsDone.Done()
			p.err = src.guard(func() error { return p.run(b) })
		}()
	}
}

// parts returns the scan's parts, in input order.
func (sc *bulkScan) parts() []*scanPart { return *sc.partList.Load() }

// joinParts waits for every part and checks that each stopped where the
// next starts; it sets each part's delta. It reports false when a split
// proved wrong: the input must be scanned again, in one part.
func (sc *bulkScan) joinParts() (bool, error) {
	sc.partsDone.Wait()
	parts := sc.parts()
	for k, p := range parts {
		if p.err != nil {
			return true, p.err
		}
		if k+1 == len(parts) {
			break
		}
		line, ok := p.s.Stopped()
		if !ok {
			return false, nil
		}
		parts[k+1].delta = p.delta + line - 1
	}
	return true, nil
}

// mergeParts adds the parts' findings and counts to the scan's, with
// their lines made the file's.
func (sc *bulkScan) mergeParts() {
	for _, p := range sc.parts() {
		for i := range p.findings {
			if f := &p.findings[i]; f.Line > 0 {
				f.Line += p.delta
			}
		}
		for _, n := range p.onLine {
			p.findings[n.finding].Message += fmt.Sprintf(" (on line %d)", n.line+p.delta)
		}
		sc.findings = append(sc.findings, p.findings...)
		for _, l := range p.headerLines {
			sc.headerLines = append(sc.headerLines, l+p.delta)
		}
		sc.preview.Rows += p.rows
		sc.blank += p.blank
		sc.invalid += p.invalid
	}
}

// fileLine returns the file's line for line of the part that holds the
// offset ref.
func (sc *bulkScan) fileLine(line int, ref uint64) int {
	parts := sc.parts()
	k, _ := slices.BinarySearchFunc(parts, int64(ref), func(p *scanPart, off int64) int { return cmp.Compare(p.from, off+1) })
	return line + parts[max(k-1, 0)].delta
}

// lookup looks a batch of keys up: a key not in the set is added; a
// repeat is kept as a dupRow. Of two rows with one key the one with the
// lower offset is the key's first, whichever came first.
//
// While it looks up a group of keys, the table slots of the next group
// are on their way into the cache (see keyset.Set.Prefetch).
func (w *keyWorker) lookup(b *keyBatchBuf) {
	k := w.set
	k.Prefetch(b.hashes[:min(keyGroup, len(b.hashes))])
	for g := 0; g < len(b.items); g += keyGroup {
		group := b.items[g:min(g+keyGroup, len(b.items))]
		hashes := b.hashes[g : g+len(group)]
		k.Prefetch(b.hashes[g+len(group) : min(g+len(group)+keyGroup, len(b.hashes))])
		for i := range group {
			pk := &group[i]
			idx := k.Put(b.key(g+i), hashes[i], pk.line, pk.ref)
			if idx < 0 {
				continue // a new key, inserted
			}
			d := dupRow{idx: uint32(idx), col: pk.col, line: pk.line, ref: pk.ref}
			if line, ref := k.First(idx); pk.ref < ref {
				k.SetFirst(idx, pk.line, pk.ref)
				d = dupRow{idx: uint32(idx), col: -1, line: line, ref: ref}
			}
			w.dups = append(w.dups, d)
		}
	}
}

// finishKeys turns the workers' repeats into duplicate findings, each
// naming its key's first line and which occurrence it is, in line order,
// and counts the keys for the preview. Each worker sorts its share on a
// goroutine of its own; the shares, merged by line, are made findings
// on as many goroutines, each its stretch of them.
func (sc *bulkScan) finishKeys() error {
	p := &sc.preview
	defer func() { // the sets of the workers that did not finish
		for _, w := range sc.workers {
			w.set.Release()
		}
	}()
	var wg sync.WaitGroup
	for _, w := range sc.workers {
		if w.set.Err() == nil && !w.set.Full() {
			// A set is done with once its worker has finished: its memory
			// goes back beside the other workers' finishing.
			wg.Go(func() { w.err = w.finish(); w.set.Release() })
		}
	}
	wg.Wait()
	var dups []dupLine
	for _, w := range sc.workers {
		for _, err := range []error{w.err, w.set.Err()} {
			if err != nil {
				return err
			}
		}
		if w.set.Full() {
			return preflight.Errorf(sc.display, 0, 0, "cannot check bulk input %q: it has more distinct keys than the key set holds (%d)", sc.spec.Name, int64(keyset.MaxKeys)*int64(len(sc.workers)))
		}
		p.Extra += len(w.dups)
		p.Repeated += w.repeated
		p.Unique += w.set.Len()
		dups = mergeByLine(dups, w.lines)
		w.dups, w.lines = nil, nil
	}
	from := len(sc.findings)
	sc.findings = slices.Grow(sc.findings, len(dups))[:from+len(dups)]
	n := len(sc.workers)
	for k := range n {
		fs, ds := sc.findings[from+len(dups)*k/n:from+len(dups)*(k+1)/n], dups[len(dups)*k/n:len(dups)*(k+1)/n]
		wg.Go(func() { sc.duplicateFindings(fs, ds) })
	}
	wg.Wait()
	return nil
}

// dupLine is a duplicate row, made a finding by duplicateFindings: its
// line and the column of its key, its key's first line, and which
// occurrence of the key it is.
type dupLine struct{ line, col, first, nth int }

// mergeByLine merges two lists of duplicates in line order.
func mergeByLine(a, b []dupLine) []dupLine {
	if len(a) == 0 {
		return b
	}
	out := make([]dupLine, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].line < a[0].line {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// duplicateFindings makes fs the findings of the duplicates ds.
func (sc *bulkScan) duplicateFindings(fs []preflight.Finding, ds []dupLine) {
	subject := preflight.Subject{Kind: "bulk", Name: sc.spec.Name}
	// fs is most likely fresh from the system, its pages not mapped yet.
	// While a collection runs, the write barrier reads each pointer field
	// before it is written: a page first touched so maps the system's
	// shared zero page, and the write then replaces it, at the cost of a
	// second fault and of interrupting every core to forget the old
	// mapping (3% of bench/run.sh's check, in perf). So each page is first
	// touched by a plain write: the lines.
	for i, d := range ds {
		fs[i].Line = d.line
	}
	var msg strings.Builder
	for i, d := range ds {
		// The message without fmt, in one allocation: a large file can
		// have many.
		msg.Grow(96)
		msg.WriteString(sc.keyPhrase())
		msg.WriteString(" repeats the key of line ")
		msg.WriteString(strconv.Itoa(d.first))
		msg.WriteString(": the same recipient would get this a ")
		msg.WriteString(ordinal(d.nth))
		msg.WriteString(" time")
		fs[i] = ruleBulkDuplicateKey.Finding(sc.file, d.line, d.col, msg.String())
		fs[i].Subject = subject
		msg.Reset()
	}
}

// finish sorts the worker's repeats into duplicates in line order (lines).
// Sorted by offset, as the file holds them, the repeats of a key come in
// order of occurrence: the key's first row (a row of its own, see
// lookup) is the 1st, so its n'th repeat is the (n+1)'th.
func (w *keyWorker) finish() error {
	sc := w.sc
	slices.SortFunc(w.dups, func(a, b dupRow) int { return cmp.Compare(a.ref, b.ref) })
	// The keys' first rows, read apart from the loop below: each is a
	// read of memory that is not in the cache, and without the loop's
	// work between them the processor makes many at once.
	w.lines = make([]dupLine, len(w.dups))
	for i, d := range w.dups {
		line, ref := w.set.First(int(d.idx))
		w.lines[i].first = sc.fileLine(line, ref)
	}
	seen := make(map[uint32]int, len(w.dups)) // repeats so far, by key
	for i, d := range w.dups {
		n := seen[d.idx] + 1
		seen[d.idx] = n
		col := int(d.col)
		if col < 0 {
			var err error
			if col, err = w.keyColumn(d.ref); err != nil {
				return err
			}
		}
		w.lines[i] = dupLine{sc.fileLine(d.line, d.ref), col, w.lines[i].first, n + 1}
	}
	w.repeated = len(seen)
	return nil
}

// source is the open input, mapped or read.
type source struct {
	f    *os.File
	size int64
	in   *mapped // nil when read
}

// guard runs read, which may read the mapping (see mapped.guard).
func (src *source) guard(read func() error) error {
	if src.in == nil {
		return read()
	}
	return src.in.guard(read)
}

// splitAt returns where to split the input at or after offset off: after
// a line feed, and, where the 64 KiB after off hold one, after a line feed
// with an even number of quotes on the lines before and after it, which
// then most likely ends a record rather than a line of a quoted field.
// A field with a line break is common in a notes column, and a split
// inside one costs a second scan (see joinParts), on more cores more
// often. It returns -1 when no line feed follows off.
func (src *source) splitAt(off int64) int64 {
	const look = 64 << 10
	from := max(off-look, 0)
	var b []byte
	if src.in != nil {
		b = src.in.data[from:min(off+look, src.size)]
	} else {
		b = make([]byte, min(off+look, src.size)-from)
		n, _ := src.f.ReadAt(b, from)
		b = b[:n]
	}
	if at := recordStart(b, int(off-from), from == 0); at >= 0 {
		return from + int64(at)
	}
	return src.lineAfter(off) // a line longer than the look
}

// lineAfter returns the offset after the first LF at or after off, or -1.
func (src *source) lineAfter(off int64) int64 {
	if src.in != nil {
		if i := bytes.IndexByte(src.in.data[off:], '\n'); i >= 0 {
			return off + int64(i) + 1
		}
		return -1
	}
	buf := make([]byte, 64<<10)
	for off < src.size {
		n, err := src.f.ReadAt(buf, off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return off + int64(i) + 1
		}
		if err != nil {
			return -1
		}
		off += int64(n)
	}
	return -1
}

// recordStart returns the index in b, after index at, of the first line
// after a line feed whose lines before and after it are whole in b and
// hold an even number of quotes; else the index after the first line
// feed at or after at, if the line after it is whole in b; else -1. top
// says b starts the input (its first line is whole).
func recordStart(b []byte, at int, top bool) int {
	first := -1
	prev := bytes.LastIndexByte(b[:at], '\n') + 1 // the start of the line holding at
	whole := prev > 0 || top
	for i := at; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return first
		}
		e := i + j // a line feed
		next := bytes.IndexByte(b[e+1:], '\n')
		if next < 0 {
			return first
		}
		if first < 0 {
			first = e + 1
		}
		if whole && bytes.Count(b[prev:e], []byte{'"'})%2 == 0 && bytes.Count(b[e+1:e+1+next], []byte{'"'})%2 == 0 {
			return e + 1
		}
		prev, whole, i = e+1, true, e+1
	}
}
