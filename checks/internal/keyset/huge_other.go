//go:build !linux

package keyset

func hugePages([]uint64) {}
