//go:build !amd64

package csvscan

// hasBlocks says whether usualBlocks reads blocks here: it does not.
var hasBlocks = false

// usualBlocks reads no block without AVX2: plainRecord reads every word
// on its own. Its results are those of amd64's for no word read.
func usualBlocks(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, doubled, inqOut, nextOut uint64, eol int) {
	if inq {
		inqOut = 1
	}
	return 0, 0, 0, 0, 0, 0, inqOut, next, -1
}
