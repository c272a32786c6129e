package keyset

import "syscall"

// mapPopulate has the system back a mapped table with memory at once (see
// allocSlots).
const mapPopulate = syscall.MAP_POPULATE
