//go:build linux || darwin || freebsd

package checks

import (
	"os"

	"golang.org/x/sys/unix"
)

// pageSize is the unit dropPages works in.
var pageSize = os.Getpagesize()

// mapFile maps the regular file f of size bytes for reading, or returns nil
// when it cannot: the caller then reads it.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil
	}
	unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return data
}

func unmapFile(data []byte) { unix.Munmap(data) }

// dropPages drops the pages of data from the process's memory: they stay
// in the system's page cache, and read again from there.
func dropPages(data []byte) {
	if len(data) > 0 {
		unix.Madvise(data, unix.MADV_DONTNEED)
	}
}
