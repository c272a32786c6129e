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
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/checks/internal/keyset"
	"github.com/preflight-gate/preflight/checks/internal/progress"
	"github.com/preflight-gate/preflight/preflight"
)

// How a bulk input is read. A regular file is mapped into memory and
// scanned in place: no read copies it, and the approval digest, when the
// check needs one, hashes the mapping on a goroutine of its own, beside the
// scan. The pages both have passed are dropped from the mapping as they
// go, so that the file's pages do not add up in the process's memory.
// Where a file cannot be mapped it is read through a buffer, and hashed
// on the key goroutine (see digestReader).
//
// The key set keeps no key: it confirms a match by reading the key's first
// record again, at its offset, with a scanner of its own (see confirm).

// progressAfter is how long a scan runs before it shows its progress.
var progressAfter = time.Second

// dropEvery is how far the scan goes between two drops of the pages
// behind it.
const dropEvery = 8 << 20

// read scans the open input f, and writes its bytes to h unless h is nil.
func (sc *bulkScan) read(b *preflight.Bundle, f *os.File, h hash.Hash) error {
	fi, err := f.Stat()
	if err != nil {
		return sc.readError(err)
	}
	d, _ := utf8.DecodeRuneInString(sc.spec.Delimiter)
	sc.againIn.f = f
	sc.keys = keyset.New(sc.confirm, int(min(fi.Size()/64, 1<<30)))
	sc.meter = progress.Start(sc.progress, fmt.Sprintf("bulk %q", sc.spec.Name), fi.Size(), progressAfter)
	defer sc.meter.Stop()
	data := mapInput(f, fi.Size())
	if data == nil {
		var r io.Reader = f
		if h != nil {
			sc.hash = h
			r = &digestReader{r: f, sc: sc}
		}
		if err := sc.scan(b, csvscan.New(r, d), nil); err != nil {
			return err
		}
		if h != nil {
			if _, err := io.Copy(h, f); err != nil { // the scan may stop early
				return sc.readError(err)
			}
		}
		return nil
	}
	defer unmapFile(data)
	in := &mapped{data: data}
	if h != nil {
		in.hashing = make(chan error, 1)
		go in.hash(h)
	}
	err = in.guard(func() error {
		defer in.scanned.Store(math.MaxInt64) // the hash goes on alone
		return sc.scan(b, csvscan.NewBytes(data, d), in)
	})
	if in.hashing != nil {
		if herr := <-in.hashing; err == nil {
			err = herr
		}
	}
	if err, ok := err.(faultError); ok {
		return preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", sc.spec.Name, err)
	}
	return err
}

// mapInput is mapFile; tests make it fail, to check the reads against it.
var mapInput = mapFile

func (sc *bulkScan) readError(err error) error {
	return preflight.Errorf(sc.display, 0, 0, "cannot read bulk input %q: %v", sc.spec.Name, err)
}

// mapped is a mapped input, read by the scan and perhaps hashed.
type mapped struct {
	data    []byte
	hashed  atomic.Int64 // bytes hashed, when hashing
	scanned atomic.Int64 // bytes scanned (all of them once the scan ends)
	hashing chan error   // the hash goroutine's end, or nil
	next    int64        // the scan offset of the next drop
	mu      sync.Mutex   // held to drop pages
	dropped int          // pages before are dropped
}

// hashAhead is how far the hash may run ahead of the scan: the pages it
// reads stay until the scan has read them too. (A variable for tests.)
var hashAhead int64 = 32 << 20

// faultError is a fault reading the mapping: the file shrank under it.
type faultError struct{}

func (faultError) Error() string {
	return "the file shrank while it was read: check it again once nothing writes to it"
}

// guard runs read, which reads the mapping, and turns a fault doing so
// (the file shrank under the mapping) into a faultError.
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

// hash writes the mapping to h, a chunk at a time, and then ends hashing.
func (in *mapped) hash(h hash.Hash) {
	in.hashing <- in.guard(func() error {
		const chunk = 4 << 20
		for off := 0; off < len(in.data); off += chunk {
			for in.scanned.Load() < int64(off)-hashAhead { // scanned may be MaxInt64
				time.Sleep(time.Millisecond)
			}
			h.Write(in.data[off:min(off+chunk, len(in.data))])
			in.hashed.Store(int64(min(off+chunk, len(in.data))))
			if off%dropEvery == 0 {
				in.drop()
			}
		}
		return nil
	})
}

// progress is told that the scan read through offset off; it drops the
// pages before it, and before the hash's progress, every dropEvery bytes.
func (in *mapped) progress(off int64) {
	if in == nil || off < in.next {
		return
	}
	in.next = off + dropEvery
	in.scanned.Store(off)
	in.drop()
}

// drop drops the pages both the scan and the hash (if any) have read.
func (in *mapped) drop() {
	off := in.scanned.Load()
	if in.hashing != nil {
		off = min(off, in.hashed.Load())
	}
	const keep = 1 << 20 // the current record's start, at least
	in.mu.Lock()
	defer in.mu.Unlock()
	if upto := int(min(off, int64(len(in.data)))-keep) &^ (pageSize - 1); upto > in.dropped {
		dropPages(in.data[in.dropped:upto])
		in.dropped = upto
	}
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

// confirm reports whether key is the key of the record at offset ref,
// which the scan read: the key set asks it for each match of a key's hash.
// It runs on the key goroutine.
func (sc *bulkScan) confirm(ref uint64, key []byte) (bool, error) {
	sc.againIn.off, sc.againIn.want = int64(ref), 512
	s := sc.again
	s.Keep(sc.keyCols)
	s.Reset(&sc.againIn, int64(ref))
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return false, sc.readError(err)
		}
		return false, sc.readError(fmt.Errorf("the record at byte offset %d is gone: the file changed while it was read", ref))
	}
	if err := s.Err(); err != nil {
		return false, sc.readError(err)
	}
	var ok bool
	sc.againKey, sc.againParts, _, ok = sc.appendKey(sc.againKey[:0], sc.againParts[:0], &sc.againPart, s)
	return ok && bytes.Equal(sc.againKey, key), nil
}

// appendKey appends the current record's normalised key to dst, and the
// bounds of its parts in the key to parts; part is a buffer it reuses.
// The key of one column is the field normalised; a key of several has
// each part normalised, after its length (a uvarint), and parts holds two
// bounds per part. blank is the index of the first blank part, -1 when
// none is; ok is false when the record has no key: a key column is beyond
// its fields.
func (sc *bulkScan) appendKey(dst []byte, parts []int, part *[]byte, s *csvscan.Scanner) (key []byte, bounds []int, blank int, ok bool) {
	n := s.NumFields()
	if len(sc.keyCols) == 1 {
		c := sc.keyCols[0]
		if c >= n {
			return dst, parts, -1, false
		}
		from := len(dst)
		dst = normalizeKey(dst, s.Field(c), sc.email)
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
