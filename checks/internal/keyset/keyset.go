// Package keyset is the bulk gate's exact duplicate index: a set of byte
// keys that says, for a key seen before, the line of its first row and
// which occurrence this one is.
//
// A [Set] does not hold the keys themselves. Each key the caller adds
// comes with a ref, the caller's way to find the key again (the bulk gate
// gives the offset of the key's record in the file), and a hash match is
// confirmed by the caller's [Confirm] function, which reads the key at ref
// back and compares it, byte for byte: a hash collision can neither merge
// two keys nor split one. So the set costs 20 to 30 bytes per distinct key,
// whatever the keys' length: a table slot of 8 bytes (kept at most three
// quarters full) and the key's ref and line, 9 bytes.
//
// The table is placed by a 64-bit hash (maphash, seeded per set) with
// linear probing; a slot holds the top 32 bits of the key's hash and the
// key's index, so that the table grows without hashing any key again, in
// one pass in which both tables are read and written in order.
//
// It imports nothing of the project.
package keyset

import (
	"hash/maphash"
	"math"
	"math/bits"
	"unsafe"
)

// Confirm reports whether the key added with ref is key. An error ends
// the set's usefulness: see [Set.Err].
type Confirm func(ref uint64, key []byte) (bool, error)

// Set holds the distinct keys seen, exactly; see the package comment.
// A Set is not safe for concurrent use.
type Set struct {
	seed    maphash.Seed
	confirm Confirm
	slots   []uint64          // tag << 32 | index + 1; 0 is empty
	bits    uint              // len(slots) == 1 << bits
	chunks  []*chunk          // the keys' refs and first lines, by index
	wide    map[uint32]int    // by index
	wideRef map[uint32]uint64 // by index
	counts  map[uint32]int    // repetitions of the keys that repeat, by index
	n       int               // distinct keys
	backAt  int               // Insert calls Populate at this many keys; -1 once done, or for a table too small to map
	full    bool
	err     error
	// free is the empty slot where Lookup's probe for freeHash ended
	free     int
	freeHash uint64
	// repeated: keys seen more than once; extra: rows beyond the first of a key
	repeated, extra int
	// Two sets, each used by a goroutine of its own, can be next to each
	// other in memory: the padding keeps the fields one writes at every
	// key off the cache lines of the other.
	_ [128]byte
}

const (
	chunkBits = 16 // entries per chunk of refs and lines: 1 << chunkBits
	minBits   = 10
	// A slot's tag places it in a table of up to 1 << 32 slots; where an
	// int has 32 bits, a table's length is at most 1 << 28 (2 GiB).
	maxBits  = 28 + 4*(bits.UintSize/64)
	wideLine = math.MaxUint32
	wideRef  = math.MaxUint8 // in refHi: the ref is in wideRef
	hintBits = 24            // New sizes the table for at most 3 << 22 keys
	mapSlots = 1 << 16       // a table this large or larger is mapped (see allocSlots)
	// A mapped table not populated yet is populated once it holds a key
	// for every backEvery slots, every 16 of its 4 KiB pages: from then on
	// it would soon touch every page.
	backEvery = 16 * 512
)

// MaxKeys is how many distinct keys a set holds at most: beyond, Insert
// sets Full and adds nothing.
const MaxKeys = 3 << (maxBits - 2)

// chunk holds the refs and first lines of 1 << chunkBits keys.
type chunk struct {
	refLo [1 << chunkBits]uint32 // a ref's low 32 bits,
	lines [1 << chunkBits]uint32 // a line too large for 32 bits is in wide
	refHi [1 << chunkBits]uint8  // and the 8 above: a larger ref is in wideRef
}

// New returns an empty set whose matches confirm calls confirm. hint is
// how many distinct keys the caller expects at most (0: unknown): the
// table starts large enough for them, up to 12,582,912 keys (a table of
// 128 MiB), so that a doubling seldom stalls the caller. A large table is
// mapped memory of its own (see allocSlots), backed as it is touched, or
// at once by Populate.
func New(confirm Confirm, hint int) *Set {
	k := &Set{seed: maphash.MakeSeed(), confirm: confirm, bits: minBits}
	for k.bits < hintBits && 3<<(k.bits-2) < hint {
		k.bits++
	}
	k.slots = allocSlots(1 << k.bits)
	k.backAt = -1
	if len(k.slots) >= mapSlots {
		k.backAt = len(k.slots) / backEvery
	}
	return k
}

// Sibling returns an empty set like New's that hashes keys as k does: a
// caller that spreads its keys over several sets by their hash (one per
// goroutine) hashes each key once.
func (k *Set) Sibling(confirm Confirm, hint int) *Set {
	s := New(confirm, hint)
	s.seed = k.seed
	return s
}

// Hash returns the hash of key that Lookup, Find and Insert take.
func (k *Set) Hash(key []byte) uint64 { return maphash.Bytes(k.seed, key) }

// Add looks key up and, when it is new, inserts it with line and ref: it
// is Lookup then Insert. For a key seen before it returns the line of the
// key's first row and which occurrence this is (2 for the first
// repetition); 0, 0 for a new key.
func (k *Set) Add(key []byte, line int, ref uint64) (firstLine, nth int) {
	h := k.Hash(key)
	if firstLine, nth = k.Lookup(key, h); nth == 0 {
		k.Insert(h, line, ref)
	}
	return firstLine, nth
}

// Len returns the number of distinct keys.
func (k *Set) Len() int { return k.n }

// Repeated returns the number of keys Lookup found more than once.
func (k *Set) Repeated() int { return k.repeated }

// Extra returns the number of lookups (Lookup or Find) that found a key
// seen before: the rows beyond the first of each key.
func (k *Set) Extra() int { return k.extra }

// Full reports whether an Insert found the set full (see MaxKeys): the
// key was not added, and the set no longer answers for every key.
func (k *Set) Full() bool { return k.full }

// Err returns the first error a Confirm call returned. From then on the
// set's answers are not to be trusted: a match it could not confirm was
// taken for a new key.
func (k *Set) Err() error { return k.err }

// Prefetch asks the processor to bring the table slots where the lookups
// of the keys with hashes hs start into its cache, and returns at once.
// On a large set the table does not fit any cache, and each lookup waits
// for memory: a caller that prefetches the next group of keys while it
// looks the current one up has most lookups hit the cache. (Loads of the
// slots would do as much, but each would hold up the instructions after
// it until its memory came, and the lookups with it.)
func (k *Set) Prefetch(hs []uint64) {
	if len(hs) > 0 {
		prefetch(unsafe.SliceData(k.slots), hs, 64-k.bits)
	}
}

// Populate has the system back the set's table with memory now, the
// whole of it, in one call rather than a fault at a time: for a caller
// that expects to fill the set. Each lookup lands on a random slot, so a
// table with a few thousand keys has touched every page anyway; and a
// lookup reads a slot before an insert writes it, so that a page not
// backed costs two faults (the read maps the system's shared zero page,
// and the write then replaces it, interrupting every core the process
// runs on to forget the old mapping). The pages are 4 KiB ones: 2 MiB
// pages would spare the processor's address cache, but where the system
// is a virtual machine that hands free memory back to its host, a fresh
// huge page costs far more to fill than the misses it saves
// (bench/README.md). It is for the set's own goroutine, after New: each
// set can then fill its table beside the others. A set populates its
// table itself once it has a key for every 16 of its pages, and each
// table it grows into.
func (k *Set) Populate() {
	if k.backAt >= 0 {
		k.back()
	}
}

// back populates the table, when it is mapped (see Populate).
func (k *Set) back() {
	if k.backAt = -1; len(k.slots) >= mapSlots {
		populate(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(k.slots))), len(k.slots)*8))
	}
}

// Release drops the set's memory once the scan is over; Len, Repeated,
// Extra, Full and Err still answer.
func (k *Set) Release() {
	freeSlots(k.slots)
	*k = Set{n: k.n, backAt: -1, repeated: k.repeated, extra: k.extra, full: k.full, err: k.err}
}

// entry returns the ref and first line of the key at index i.
func (k *Set) entry(i uint32) (ref uint64, line int) {
	c, at := k.chunks[i>>chunkBits], i&(1<<chunkBits-1)
	if hi := c.refHi[at]; hi == wideRef {
		ref = k.wideRef[i]
	} else {
		ref = uint64(hi)<<32 | uint64(c.refLo[at])
	}
	l := c.lines[at]
	if l == wideLine {
		return ref, k.wide[i]
	}
	return ref, int(l)
}

// Lookup looks a key up by its hash h (from Hash). For a key seen before
// it counts the repetition and returns the line of the key's first row
// and which occurrence this is (2 for the first repetition); 0, 0 for a
// new key, which the caller may then Insert. It is for keys looked up in
// row order; see Find for keys that come out of order.
func (k *Set) Lookup(key []byte, h uint64) (firstLine, nth int) {
	idx := k.Find(key, h)
	if idx < 0 {
		return 0, 0
	}
	if k.counts == nil {
		k.counts = map[uint32]int{}
	}
	c := k.counts[uint32(idx)] + 1
	if c == 1 {
		k.repeated++
	}
	k.counts[uint32(idx)] = c
	line, _ := k.First(idx)
	return line, c + 1
}

// Find looks a key up by its hash h (from Hash) and returns its index
// (from 0, in the order of Insert), or -1 for a new key, which the caller
// may then Insert. It counts a found key in Extra, not in Repeated: a
// caller that looks keys up out of row order counts repetitions itself.
func (k *Set) Find(key []byte, h uint64) int {
	tag := h >> 32
	mask := len(k.slots) - 1
	for i := int(h >> (64 - k.bits)); ; i = (i + 1) & mask {
		s := k.slots[i]
		if s == 0 {
			k.free, k.freeHash = i, h // where Insert puts it
			return -1
		}
		if s>>32 == tag {
			if idx := k.match(s, key); idx >= 0 {
				return idx
			}
		}
	}
}

// Put is Find, then Insert for a new key, in one probe of the table: it
// returns the index of a key seen before, or -1 for a key it inserted
// with line and ref (or could not: see Full). It is the bulk scan's inner
// loop, so Find's probe and Insert's common case are written out in it:
// a call more for each key measured slower (BenchmarkPut); TestPut holds
// it to the two.
func (k *Set) Put(key []byte, h uint64, line int, ref uint64) int {
	tag := h >> 32
	slots := k.slots
	mask := len(slots) - 1
	i := int(h>>(64-k.bits)) & mask
	for ; slots[i] != 0; i = (i + 1) & mask {
		if s := slots[i]; s>>32 == tag {
			if idx := k.match(s, key); idx >= 0 {
				return idx
			}
		}
	}
	if 4*(k.n+1) > 3*len(slots) || k.n&(1<<chunkBits-1) == 0 || k.n == k.backAt || ref>>32 >= wideRef || uint64(line) >= wideLine {
		k.free, k.freeHash = i, h
		k.Insert(h, line, ref) // grows or populates the table, or adds a chunk, or stores a wide ref or line
		return -1
	}
	idx := uint32(k.n)
	c, at := k.chunks[idx>>chunkBits], idx&(1<<chunkBits-1)
	c.refLo[at], c.refHi[at], c.lines[at] = uint32(ref), uint8(ref>>32), uint32(line)
	slots[i] = tag<<32 | uint64(idx+1)
	k.n++
	return -1
}

// match confirms a key whose tag is in slot s: it returns the key's
// index when it is key, else -1.
func (k *Set) match(s uint64, key []byte) int {
	idx := uint32(s) - 1
	ref, _ := k.entry(idx)
	same, err := k.confirm(ref, key)
	if err != nil && k.err == nil {
		k.err = err
	}
	if !same {
		return -1
	}
	k.extra++
	return int(idx)
}

// First returns the line and ref the key at index idx (see Find) was
// inserted with, or last given by SetFirst.
func (k *Set) First(idx int) (line int, ref uint64) {
	ref, line = k.entry(uint32(idx))
	return line, ref
}

// SetFirst makes line and ref the key at index idx's first row: for a
// caller that finds, out of order, a row before the one it inserted.
func (k *Set) SetFirst(idx, line int, ref uint64) { k.put(uint32(idx), line, ref) }

// Insert adds a key that Lookup did not find, by its hash h, with the
// line of its first row and its ref. It does nothing once the set is full
// (Full is set).
func (k *Set) Insert(h uint64, line int, ref uint64) {
	if 4*(k.n+1) > 3*len(k.slots) {
		if k.bits == maxBits || k.n >= MaxKeys {
			k.full = true
			return
		}
		k.grow()
	}
	if k.n == k.backAt {
		k.Populate()
	}
	idx := uint32(k.n)
	if idx&(1<<chunkBits-1) == 0 {
		k.chunks = append(k.chunks, new(chunk))
	}
	k.put(idx, line, ref)
	slot := k.free
	if k.freeHash != h || k.slots[slot] != 0 {
		mask := len(k.slots) - 1
		for slot = int(h >> (64 - k.bits)); k.slots[slot] != 0; slot = (slot + 1) & mask {
		}
	}
	k.slots[slot] = h>>32<<32 | uint64(idx+1)
	k.n++
	k.freeHash = 0
}

// put stores the ref and first line of the key at index i.
func (k *Set) put(i uint32, line int, ref uint64) {
	c, at := k.chunks[i>>chunkBits], i&(1<<chunkBits-1)
	c.refLo[at], c.refHi[at], c.lines[at] = uint32(ref), uint8(ref>>32), uint32(line)
	if ref>>32 >= wideRef || uint64(line) >= wideLine {
		k.putWide(i, c, at, line, ref)
	}
}

// putWide stores a ref or a line too large for the chunk's fields.
func (k *Set) putWide(i uint32, c *chunk, at uint32, line int, ref uint64) {
	if ref>>32 >= wideRef {
		if k.wideRef == nil {
			k.wideRef = map[uint32]uint64{}
		}
		k.wideRef[i] = ref
		c.refHi[at] = wideRef
	}
	if uint64(line) >= wideLine {
		if k.wide == nil {
			k.wide = map[uint32]int{}
		}
		k.wide[i] = line
		c.lines[at] = wideLine
	}
}

// grow doubles the table. A slot's tag is the top 32 bits of its key's
// hash, so it places the slot again; the old table is read in order, and
// as a slot's place in the new table is about twice its place in the old,
// the new one is written in order too.
func (k *Set) grow() {
	old := k.slots
	k.bits++
	k.slots = allocSlots(1 << k.bits)
	k.back() // the set is filling its tables: the old one is three quarters full
	mask := len(k.slots) - 1
	shift := 64 - k.bits
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(s >> shift)
		for k.slots[i] != 0 {
			i = (i + 1) & mask
		}
		k.slots[i] = s
	}
	freeSlots(old)
	k.freeHash = 0
}
