//go:build !amd64

package keyset

// prefetch loads nothing ahead where it has no instruction to: the
// lookups then wait for memory as they go.
func prefetch(slots *uint64, hs []uint64, shift uint) {}
