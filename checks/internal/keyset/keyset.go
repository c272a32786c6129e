// Package keyset is the bulk gate's exact duplicate index: a set of byte
// keys that says, for a key seen before, the line of its first row and
// which occurrence this one is.
//
// A [Set] places a key by a 64-bit hash (maphash, seeded per set) in an
// open-addressing table and confirms every match against the stored key
// bytes, so a hash collision can neither merge two keys nor split one.
// Memory grows with the distinct keys only.
//
// It imports nothing of the project.
package keyset

import (
	"encoding/binary"
	"hash/maphash"
	"runtime"
)

// Set holds the distinct keys seen, exactly: a 64-bit hash (maphash,
// seeded per set) places a key in an open-addressing table, and the stored
// key bytes confirm every match, so a hash collision can neither merge two
// keys nor split one.
//
// Memory grows with the distinct keys only: each key's bytes, after its
// length and the line of its first row (uvarints), in an arena of 1 MiB
// chunks, and 8 to 16 bytes of table. A table slot holds the top tagBits
// bits of the key's hash and the key's place in the arena, so there is no
// other per-key structure. Chunks are never copied or freed while the scan
// runs, so growing costs no large copies and leaves no garbage; only the
// table is rebuilt when it doubles (and a large old one collected at once,
// see grow).
//
// A Set is not safe for concurrent use.
type Set struct {
	seed   maphash.Seed
	slots  []uint64       // hash >> refBits << refBits | ref + 1; 0 is empty
	bits   uint           // len(slots) == 1 << bits
	arena  [][]byte       // each key: uvarint length, uvarint line, the bytes
	counts map[uint64]int // repetitions of the keys that repeat, by ref
	n      int            // distinct keys
	full   bool           // the arena outgrew what a ref can address
	// free is the empty slot where Lookup's probe for freeHash ended
	free     int
	freeHash uint64
	// repeated: keys seen more than once; extra: rows beyond the first of a key
	repeated, extra int
}

const (
	chunkBits = 20             // arena chunk size: 1 MiB (a longer key gets a chunk of its own)
	keyChunk  = 1 << chunkBits // bytes
	refBits   = 36             // a ref is chunk << chunkBits | offset
	maxChunks = 1 << (refBits - chunkBits)
	tagBits   = 64 - refBits
	refMask   = 1<<refBits - 1
)

// MaxBytes is how many bytes of keys (and their bookkeeping) a set holds
// at most: beyond, Insert sets Full and adds nothing.
const MaxBytes = maxChunks * keyChunk

// New returns an empty set.
func New() *Set {
	k := &Set{seed: maphash.MakeSeed(), bits: 10}
	k.slots = make([]uint64, 1<<k.bits)
	return k
}

// Hash returns the hash of key that Lookup and Insert take.
func (k *Set) Hash(key []byte) uint64 { return maphash.Bytes(k.seed, key) }

// Add looks key up and, when it is new, inserts it with line: it is
// Lookup then Insert. For a key seen before it returns the line of the
// key's first row and which occurrence this is (2 for the first
// repetition); 0, 0 for a new key.
func (k *Set) Add(key []byte, line int) (firstLine, nth int) {
	h := k.Hash(key)
	if firstLine, nth = k.Lookup(key, h); nth == 0 {
		k.Insert(key, h, line)
	}
	return firstLine, nth
}

// Len returns the number of distinct keys.
func (k *Set) Len() int { return k.n }

// Repeated returns the number of keys seen more than once.
func (k *Set) Repeated() int { return k.repeated }

// Extra returns the number of lookups that found a key seen before: the
// rows beyond the first of each key.
func (k *Set) Extra() int { return k.extra }

// Full reports whether an Insert found the set full (see MaxBytes): the
// key was not added, and the set no longer answers for every key.
func (k *Set) Full() bool { return k.full }

// Touch loads the table slots where the lookups of the keys with hashes
// hs start, and returns a value made of them for the caller to keep (so
// that the loads are not dropped). On a large set the table does not fit
// any cache, and each lookup waits for memory: touching a group of slots
// in one loop of independent loads, which the processor overlaps, before
// looking the group's keys up mostly turns those waits into cache hits.
func (k *Set) Touch(hs []uint64) uint64 {
	var touch uint64
	slots, shift := k.slots, 64-k.bits
	for _, h := range hs {
		touch += slots[h>>shift]
	}
	return touch
}

// at returns the arena bytes of the key at ref: uvarint length, uvarint
// line, the key.
func (k *Set) at(ref uint64) []byte {
	return k.arena[ref>>chunkBits][ref&(keyChunk-1):]
}

// key returns the key at ref and the line of its first row.
func (k *Set) key(ref uint64) ([]byte, int) {
	c := k.at(ref)
	n, w := binary.Uvarint(c)
	line, w2 := binary.Uvarint(c[w:])
	c = c[w+w2:]
	return c[:n], int(line)
}

// equal reports whether the key at ref is key.
func (k *Set) equal(ref uint64, key []byte) bool {
	c := k.at(ref)
	n, w := binary.Uvarint(c)
	if n != uint64(len(key)) {
		return false
	}
	c = c[w:]
	for c[0] >= 0x80 { // skip the line
		c = c[1:]
	}
	return string(c[1:1+n]) == string(key)
}

// Release drops the key set's memory once the scan is over. A large set
// is then collected at once, so that what runs next (the report of a
// large file's findings) reuses its memory instead of adding to it: the
// collection costs little, as the set is gone from the live heap.
func (k *Set) Release() {
	large := len(k.arena) >= releaseChunks
	*k = Set{n: k.n, repeated: k.repeated, extra: k.extra, full: k.full}
	if large {
		runtime.GC()
	}
}

// releaseChunks is the arena size, in chunks, over which Release collects.
const releaseChunks = 64

// slotOf is where the probe for hash h starts: its top bits.
func (k *Set) slotOf(h uint64) int { return int(h >> (64 - k.bits)) }

// find returns the ref of key (-1 when absent) and the slot where the
// probe ended.
func (k *Set) find(key []byte, h uint64) (int64, int) {
	tag := h >> refBits
	mask := len(k.slots) - 1
	for i := k.slotOf(h); ; i = (i + 1) & mask {
		s := k.slots[i]
		if s == 0 {
			return -1, i
		}
		if s>>refBits == tag {
			if ref := s&refMask - 1; k.equal(ref, key) {
				return int64(ref), i
			}
		}
	}
}

// Lookup looks a key up by its hash h (from Hash). For a key seen before it counts the
// repetition and returns the line of the key's first row and which
// occurrence this is (2 for the first repetition); 0, 0 for a new key.
func (k *Set) Lookup(key []byte, h uint64) (firstLine, nth int) {
	r, slot := k.find(key, h)
	if r < 0 {
		k.free, k.freeHash = slot, h // where Insert puts it
		return 0, 0
	}
	ref := uint64(r)
	k.extra++
	if k.counts == nil {
		k.counts = map[uint64]int{}
	}
	c := k.counts[ref] + 1
	if c == 1 {
		k.repeated++
	}
	k.counts[ref] = c
	_, firstLine = k.key(ref)
	return firstLine, c + 1
}

// Insert adds a key that Lookup did not find, with the line of its first
// row. It does nothing once the arena is full (Full is set).
func (k *Set) Insert(key []byte, h uint64, line int) {
	need := 2*binary.MaxVarintLen64 + len(key)
	last := len(k.arena) - 1
	if last < 0 || cap(k.arena[last])-len(k.arena[last]) < need {
		if last+1 >= maxChunks {
			k.full = true
			return
		}
		k.arena = append(k.arena, make([]byte, 0, max(keyChunk, need)))
		last++
	}
	slot := k.free
	if 4*(k.n+1) > 3*len(k.slots) && k.bits < 32 {
		k.grow()
		_, slot = k.find(key, h)
	} else if k.freeHash != h || k.slots[slot] != 0 {
		_, slot = k.find(key, h)
	}
	c := k.arena[last]
	ref := uint64(last)<<chunkBits | uint64(len(c))
	c = binary.AppendUvarint(c, uint64(len(key)))
	c = binary.AppendUvarint(c, uint64(line))
	k.arena[last] = append(c, key...)
	k.n++
	k.slots[slot] = h>>refBits<<refBits | (ref + 1)
}

// grow doubles the table. While the table has at most 1 << tagBits slots
// a slot's tag is enough to place it again; beyond, the key is hashed
// again.
func (k *Set) grow() {
	old := k.slots
	k.bits++
	k.slots = make([]uint64, 1<<k.bits)
	mask := len(k.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		var i int
		if k.bits <= tagBits {
			i = int(s >> (64 - k.bits))
		} else {
			key, _ := k.key(s&refMask - 1)
			i = k.slotOf(k.Hash(key))
		}
		for k.slots[i] != 0 {
			i = (i + 1) & mask
		}
		k.slots[i] = s
	}
	if len(old) >= releaseSlots {
		// The old table is garbage, as large as the arena's next many
		// chunks: collect it now, so that they reuse its memory. The live
		// heap is pointer-free chunks, cheap to mark.
		old = nil
		runtime.GC()
	}
}

// releaseSlots is the table size from which grow collects the old table.
const releaseSlots = 1 << 20
