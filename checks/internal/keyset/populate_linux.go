package keyset

import "golang.org/x/sys/unix"

// populate backs the mapped memory b at once (see Set.Populate). It is a
// call of its own, after the mapping, not MAP_POPULATE: that fills the
// pages while it holds the process's memory map for writing, so that the
// other sets' mappings, and the scan's faults, wait for it. On a system
// older than Linux 5.14 it fails, and the pages are backed as they are
// touched.
func populate(b []byte) { unix.Madvise(b, unix.MADV_POPULATE_WRITE) }
