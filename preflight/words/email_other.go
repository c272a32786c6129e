//go:build !amd64

package words

// hasEmailMasks says whether emailMasks runs here: it does not.
const hasEmailMasks = false

// emailMasks is not called where hasEmailMasks is false.
func emailMasks(b []byte) (bad, at, dot uint32) { panic("words: emailMasks without AVX2") }
