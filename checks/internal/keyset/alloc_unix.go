//go:build linux || darwin || freebsd

package keyset

import (
	"syscall"
	"unsafe"
)

// allocSlots returns n zero slots. A large table is mapped memory of its
// own, out of the Go heap: it is returned to the system the moment it is
// replaced or released, so that a doubling costs the old and the new
// table for as long as it runs, and nothing once done, whatever the
// garbage collector's pace.
//
// On Linux its pages are all backed at once (mapPopulate), in one call,
// not a fault at a time: each lookup lands on a random slot, so a table
// with a few thousand keys has touched every page anyway, and a lookup
// reads a slot before an insert writes it, so that an untouched page would
// cost two faults (the first read maps the system's shared zero page, and
// the write then replaces it, interrupting every core the process runs on
// to forget the old mapping). The pages are 4 KiB ones: 2 MiB pages would
// spare the processor's address cache, but where the system is a virtual
// machine that hands free memory back to its host, a fresh huge page costs
// far more to fill than the misses it saves (bench/README.md).
func allocSlots(n int) []uint64 {
	if n < mapSlots {
		return make([]uint64, n)
	}
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return make([]uint64, n)
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// freeSlots returns a table from allocSlots.
func freeSlots(s []uint64) {
	if len(s) < mapSlots {
		return
	}
	// A table make returned (the mapping failed) is not mapped: Munmap
	// then fails, and the garbage collector frees it.
	syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*8))
}

// mapSlots is the table size from which tables are mapped.
const mapSlots = 1 << 16
