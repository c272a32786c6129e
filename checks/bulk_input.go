package checks

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/checks/internal/progress"
	"github.com/preflight-gate/preflight/preflight"
)

// How a bulk input is read. A regular file is mapped into memory and
// scanned in place: no read copies it, and the approval digest, when the
// check needs one, hashes the mapping on a goroutine of its own, beside the
// scan. Each reader of the mapping (the scan's parts, the digest) drops
// the pages behind it as it goes, so that the file's pages do not add up
// in the process's memory; a page one reader dropped and another still
// needs is read again from the system's page cache. Where a file cannot be
// mapped it is read through a buffer, and the digest reads it again.
//
// The key sets keep no key: a worker confirms a match by reading the key's
// first record again, at its offset, with a scanner of its own (see
// confirm).

// progressAfter is how long a scan runs before it shows its progress.
var progressAfter = time.Second

// dropEvery is how far a reader of the mapping goes between two drops of
// the pages behind it.
const dropEvery = 8 << 20

// read scans the open input f, and writes its bytes to h unless h is nil.
func (sc *bulkScan) read(b *preflight.Bundle, f *os.File, h hash.Hash) error {
	fi, err := f.Stat()
	if err != nil {
		return sc.readError(err)
	}
	defer scanGC()()
	d, _ := utf8.DecodeRuneInString(sc.spec.Delimiter)
	sc.meter = progress.Start(sc.progress, fmt.Sprintf("bulk %q", sc.spec.Name), fi.Size(), progressAfter)
	defer sc.meter.Stop()
	src := &source{f: f, size: fi.Size()}
	sc.src = src
	if data := mapInput(f, fi.Size()); data != nil {
		defer unmapFile(data)
		src.in = &mapped{data: data}
	}
	var hashed chan error
	if h != nil {
		hashed = make(chan error, 1)
		go func() { hashed <- src.hash(h) }()
	}
	err = sc.scan(b, d)
	if hashed != nil {
		if herr := <-hashed; err == nil {
			err = herr
		}
	}
	if err, ok := err.(faultError); ok {
		return preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", sc.spec.Name, err)
	}
	return err
}

// hash writes the whole input to h.
func (src *source) hash(h hash.Hash) error {
	if src.in == nil {
		_, err := io.CopyBuffer(h, io.NewSectionReader(src.f, 0, math.MaxInt64), make([]byte, 1<<20))
		return err
	}
	in := src.in
	return in.guard(func() error {
		const chunk = 4 << 20
		var t trail
		for off := 0; off < len(in.data); off += chunk {
			end := min(off+chunk, len(in.data))
			h.Write(in.data[off:end])
			in.dropBehind(&t, int64(end))
		}
		return nil
	})
}

// scanGC paces the garbage collector for a scan, and returns what puts it
// back once the last scan running ends. A scan's heap is nearly all live
// (the key sets' refs and lines, the findings), so a collection frees
// little, and each one stops the scan's goroutines and slows their writes
// while it marks: on bench/run.sh's file, collecting at five times the
// live heap instead of twice takes 0.1 to 0.3 s off the check's 2 s
// (interleaved runs), with the same peak memory. A soft limit of 256 MiB
// on the Go heap keeps an input that makes garbage after all from growing
// the heap that far.
func scanGC() (restore func()) {
	gcPace.Lock()
	defer gcPace.Unlock()
	if gcPace.scans == 0 {
		gcPace.percent = debug.SetGCPercent(400)
		gcPace.limit = debug.SetMemoryLimit(256 << 20)
	}
	gcPace.scans++
	return func() {
		gcPace.Lock()
		defer gcPace.Unlock()
		if gcPace.scans--; gcPace.scans == 0 {
			debug.SetGCPercent(gcPace.percent)
			debug.SetMemoryLimit(gcPace.limit)
		}
	}
}

// gcPace is the collector's pacing before the scans running (see scanGC).
var gcPace struct {
	sync.Mutex
	scans   int
	percent int
	limit   int64
}

// mapInput is mapFile; tests make it fail, to check the reads against it.
var mapInput = mapFile

func (sc *bulkScan) readError(err error) error {
	return preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", sc.spec.Name, err)
}

// mapped is a mapped input.
type mapped struct {
	data []byte
}

// trail is how far one reader of a mapping dropped the pages behind it.
type trail struct {
	dropped int64
}

// faultError is a fault reading the mapping: the file shrank under it.
type faultError struct{}

func (faultError) Error() string {
	return "the file shrank while it was read: check it again once nothing writes to it"
}

// guard runs read, which reads the mapping, and turns a fault doing so
// (the file shrank under the mapping) into a faultError. It guards the
// goroutine it runs on.
func (in *mapped) guard(read func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(interface{ Addr() uintptr }); ok && re != nil {
				err = faultError{}
				return
			}
			panic(r)
		}
	}()
	return read()
}

// dropBehind drops the mapped pages of a reader that has read up to off,
// every dropEvery bytes, but for the last MiB (the current record's start,
// at least).
func (in *mapped) dropBehind(t *trail, off int64) {
	const keep = 1 << 20
	page := int64(pageSize)
	from := (t.dropped + page - 1) &^ (page - 1)
	upto := (min(off, int64(len(in.data))) - keep) &^ (page - 1)
	if upto-from < dropEvery {
		return
	}
	dropPages(in.data[from:upto])
	t.dropped = upto
}

// recordReader reads the input from an offset, with reads that start
// small and double: a record is usually short.
type recordReader struct {
	f    *os.File
	off  int64
	want int
}

func (r *recordReader) Read(p []byte) (int, error) {
	n, err := r.f.ReadAt(p[:min(len(p), r.want)], r.off)
	r.off += int64(n)
	r.want = min(2*r.want, 1<<20)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// reread reads the record at offset ref again, which the scan read, with
// reads of the file: not from the mapping, where the system would map the
// pages around each record, scattered over the file, into the process.
func (w *keyWorker) reread(ref uint64) (*csvscan.Scanner, error) {
	sc := w.sc
	if w.again == nil {
		w.again = csvscan.New(nil, sc.delim)
	}
	w.againIn.off, w.againIn.want = int64(ref), 128
	s := w.again
	s.Keep(sc.keyCols)
	s.Reset(&w.againIn, int64(ref))
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return nil, sc.readError(err)
		}
		return nil, sc.readError(fmt.Errorf("the record at byte offset %d is gone: the file changed while it was read", ref))
	}
	if err := s.Err(); err != nil {
		return nil, sc.readError(err)
	}
	return s, nil
}

// confirm reports whether key is the key of the record at offset ref:
// the key set asks it for each match of a key's hash.
func (w *keyWorker) confirm(ref uint64, key []byte) (bool, error) {
	s, err := w.reread(ref)
	if err != nil {
		return false, err
	}
	var ok bool
	w.againKey, w.againParts, _, ok = w.sc.appendKey(w.againKey[:0], w.againParts[:0], &w.againPart, s, w.sc.firstKey(s), nil)
	return ok && bytes.Equal(w.againKey, key), nil
}

// keyColumn returns the column of the first key field of the record at
// offset ref, as a finding about it carries it.
func (w *keyWorker) keyColumn(ref uint64) (int, error) {
	if w.sc.keyCols[0] == 0 {
		return 1, nil // the first field starts the record (see Scanner.FieldPos): nothing to read
	}
	s, err := w.reread(ref)
	if err != nil {
		return 0, err
	}
	_, col := s.FieldPos(w.sc.keyCols[0])
	return col, nil
}

// firstKey returns the current record's first key field, or nil when it
// has none (no key column, or the record is too short).
func (sc *bulkScan) firstKey(s *csvscan.Scanner) []byte {
	if len(sc.keyCols) == 0 || sc.keyCols[0] >= s.NumFields() {
		return nil
	}
	return s.Field(sc.keyCols[0])
}

// appendKey appends the current record's normalised key to dst, and the
// bounds of its parts in the key to parts; part is a buffer it reuses.
// The key of one column is the field normalised; a key of several has
// each part normalised, after its length (a uvarint), and parts holds two
// bounds per part. blank is the index of the first blank part, -1 when
// none is; ok is false when the record has no key: a key column is beyond
// its fields.
//
// k0 is the record's first key field, s.Field(sc.keyCols[0]), when the
// record has it (see firstKey): a row reads it once. With addr not nil,
// an email key of one column is checked as it is normalised (emailKey):
// *addr says whether it is an address.
func (sc *bulkScan) appendKey(dst []byte, parts []int, part *[]byte, s *csvscan.Scanner, k0 []byte, addr *bool) (key []byte, bounds []int, blank int, ok bool) {
	n := s.NumFields()
	if len(sc.keyCols) == 1 {
		c := sc.keyCols[0]
		if c >= n {
			return dst, parts, -1, false
		}
		from := len(dst)
		if sc.email && addr != nil {
			dst, *addr = emailKey(dst, k0)
		} else {
			dst = normalizeKey(dst, k0, sc.email)
		}
		if len(dst) == from {
			return dst, parts, 0, true
		}
		return dst, parts, -1, true
	}
	from := len(dst)
	blank = -1
	for k, c := range sc.keyCols {
		if c >= n {
			return dst, parts, -1, false
		}
		*part = normalizeKey((*part)[:0], s.Field(c), sc.email)
		dst = binary.AppendUvarint(dst, uint64(len(*part)))
		parts = append(parts, len(dst)-from, len(dst)-from+len(*part))
		dst = append(dst, *part...)
		if len(*part) == 0 && blank < 0 {
			blank = k
		}
	}
	return dst, parts, blank, true
}
