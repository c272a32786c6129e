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
// garbage collector's pace. It is in huge pages from the start (see
// hugePages): a lookup reads a slot before an insert writes it, and the
// first read of a small page maps the system's shared zero page, which
// the write then replaces at the cost of a fault and of interrupting
// every core the process runs on to forget the old mapping; with 2 MiB
// pages that happens 512 times less often.
func allocSlots(n int) []uint64 {
	if n < mapSlots {
		return make([]uint64, n)
	}
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint64, n)
	}
	s := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), n)
	hugePages(s)
	return s
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
