//go:build !unix

package regular

import "os"

// openNonblock opens a file for reading; outside unix there are no FIFOs
// to wait on in a folder.
func openNonblock(path string) (*os.File, error) { return os.Open(path) }
