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
// garbage collector's pace. Its pages are backed as they are touched, or
// all at once by Populate.
func allocSlots(n int) []uint64 {
	if n < mapSlots {
		return make([]uint64, n)
	}
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
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
