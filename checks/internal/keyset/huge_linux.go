package keyset

import "syscall"

// hugePages asks for a table's memory in huge pages: each lookup lands on
// a random slot of a table far larger than the processor's address
// cache, and with 2 MiB pages instead of 4 KiB most of them find their
// page's address there.
func hugePages(b []byte) { syscall.Madvise(b, syscall.MADV_HUGEPAGE) }
