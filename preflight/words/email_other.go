//go:build !amd64

package words

// hasEmailMasks says whether lowerEmailMasks runs here: it does not.
const hasEmailMasks = false

// lowerEmailMasks is not called where hasEmailMasks is false.
func lowerEmailMasks(dst, b []byte) (high, bad, at, dot uint32) {
	panic("words: lowerEmailMasks without AVX2")
}
