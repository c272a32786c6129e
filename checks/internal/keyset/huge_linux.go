package keyset

import (
	"syscall"
	"unsafe"
)

// hugePages asks for a table's memory in huge pages: each lookup lands on
// a random slot of a table far larger than the processor's address
// cache, and with 2 MiB pages instead of 4 KiB most of them find their
// page's address there. A table from make (small, or not mapped) is left
// as it is.
func hugePages(s []uint64) {
	if len(s) >= mapSlots {
		syscall.Madvise(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*8), syscall.MADV_HUGEPAGE)
	}
}
