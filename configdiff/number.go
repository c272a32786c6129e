package configdiff

import (
	"math/big"
	"regexp"
	"strings"
)

// envNumber is how a .env file writes a number.
var envNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Number reads the value of n, a node of t, as an exact number: an integer
// or a finite float; in a .env file, where every value is a string, a
// string written -?[0-9]+(\.[0-9]+)?. integer reports whether it is an
// integer: an integer value, or a .env string without a fraction. A
// float's canonical text is the shortest decimal that reads back as it,
// which is the decimal written whenever that has at most 15 significant
// digits: 0.30 is exactly 3/10, and 0.30 × 3 is exactly 0.90.
func (t *Tree) Number(n *Node) (r *big.Rat, integer, ok bool) {
	if n == nil {
		return nil, false, false
	}
	switch n.Kind {
	case Int:
		integer = true
	case Float:
		if n.Text == "nan" || strings.HasSuffix(n.Text, "inf") {
			return nil, false, false
		}
	case String:
		if f, _ := FormatOf(t.File); f != Env || !envNumber.MatchString(n.Text) {
			return nil, false, false
		}
		integer = !strings.Contains(n.Text, ".")
	default:
		return nil, false, false
	}
	r, ok = new(big.Rat).SetString(n.Text)
	return r, integer, ok
}
