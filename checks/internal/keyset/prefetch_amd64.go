package keyset

// prefetch asks the processor to load the table slots slots[h>>shift]
// for each h of hs into its cache, without waiting for them.
//
//go:noescape
func prefetch(slots *uint64, hs []uint64, shift uint)
