package configdiff

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// encodingHeader starts version 1 of the canonical encoding (see the
// package documentation). Never change it or [encodeValue].
const encodingHeader = "preflight-configdiff-v1\n"

// Argon2id parameters of [SecretDigest]; part of the sign-off file format.
const (
	argonTime    = 2
	argonMemory  = 19456 // KiB
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
	argonParams  = "v=19,m=19456,t=2,p=1"
	argonPrefix  = "argon2id:" + argonParams + ":"
	sha256Prefix = "sha256:"
	absent       = "absent"
)

// Encode returns the canonical, versioned encoding of n's value.
func encode(n *Node) []byte {
	var b bytes.Buffer
	b.WriteString(encodingHeader)
	encodeValue(&b, n)
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, n *Node) {
	if n.IsLeaf() {
		b.WriteString(n.Kind.String())
		b.WriteByte('\n')
		b.WriteString(strconv.Itoa(len(n.Text)))
		b.WriteByte('\n')
		b.WriteString(n.Text)
		return
	}
	b.WriteString(n.Kind.String())
	b.WriteByte('\n')
	b.WriteString(strconv.Itoa(len(n.Children)))
	b.WriteByte('\n')
	if n.Kind == List {
		for _, c := range n.Children {
			encodeValue(b, c)
		}
		return
	}
	kids := append([]*Node(nil), n.Children...)
	name := func(c *Node) string { return c.Path[len(c.Path)-1].Name }
	sort.SliceStable(kids, func(i, j int) bool { return name(kids[i]) < name(kids[j]) })
	for _, c := range kids {
		b.WriteString(strconv.Itoa(len(name(c))))
		b.WriteByte('\n')
		b.WriteString(name(c))
		encodeValue(b, c)
	}
}

// Digest returns "sha256:" and the hex SHA-256 of the canonical encoding of
// n's value, or "absent" for nil.
func Digest(n *Node) string {
	if n == nil {
		return absent
	}
	sum := sha256.Sum256(encode(n))
	return sha256Prefix + hex.EncodeToString(sum[:])
}

// SecretDigest returns the Argon2id digest of the canonical encoding of
// n's value, "argon2id:v=19,m=19456,t=2,p=1:SALT:HASH" (unpadded standard
// base64, a random 16-byte salt, a 32-byte hash), or "absent" for nil.
func SecretDigest(n *Node) (string, error) {
	if n == nil {
		return absent, nil
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	return argonDigest(salt, encode(n)), nil
}

func argonDigest(salt, data []byte) string {
	key := argon2.IDKey(data, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return argonPrefix + enc.EncodeToString(salt) + ":" + enc.EncodeToString(key)
}

// parsedDigest is a digest split into its parts.
type parsedDigest struct {
	absent bool
	sha256 []byte
	salt   []byte
	hash   []byte
}

func parseDigest(d string) (parsedDigest, error) {
	switch {
	case d == absent:
		return parsedDigest{absent: true}, nil
	case strings.HasPrefix(d, sha256Prefix):
		h := d[len(sha256Prefix):]
		sum, err := hex.DecodeString(h)
		if err != nil || len(sum) != sha256.Size {
			return parsedDigest{}, errors.New("malformed digest: expected sha256: and 64 hex digits")
		}
		return parsedDigest{sha256: sum}, nil
	case strings.HasPrefix(d, "argon2id:"):
		if !strings.HasPrefix(d, argonPrefix) {
			return parsedDigest{}, fmt.Errorf("unsupported argon2id parameters: expected %s", argonParams)
		}
		parts := strings.Split(d[len(argonPrefix):], ":")
		if len(parts) != 2 {
			return parsedDigest{}, fmt.Errorf("malformed digest: expected argon2id:%s:SALT:HASH", argonParams)
		}
		enc := base64.RawStdEncoding.Strict()
		salt, err1 := enc.DecodeString(parts[0])
		hash, err2 := enc.DecodeString(parts[1])
		if err1 != nil || err2 != nil || len(salt) != argonSaltLen || len(hash) != argonKeyLen {
			return parsedDigest{}, errors.New("malformed digest: expected a 16-byte salt and a 32-byte hash in unpadded base64")
		}
		return parsedDigest{salt: salt, hash: hash}, nil
	}
	// Nothing of the value is quoted: it comes from a line of the sign-off
	// file.
	if !strings.Contains(d, ":") {
		return parsedDigest{}, errors.New("malformed digest: expected \"absent\", sha256:HEX or argon2id:...")
	}
	return parsedDigest{}, errors.New("unknown digest algorithm: expected sha256: or argon2id:")
}

// CheckDigest checks the syntax of a digest only: "absent", "sha256:" and
// 64 hex digits, or the argon2id form with exactly the parameters of
// [SecretDigest].
func CheckDigest(digest string) error {
	_, err := parseDigest(digest)
	return err
}

// MatchDigest reports whether digest, of either form, was made from n's
// current value (nil: absent). Argon2id digests are recomputed with their
// salt; comparisons are constant-time.
func MatchDigest(digest string, n *Node) (bool, error) {
	p, err := parseDigest(digest)
	if err != nil {
		return false, err
	}
	switch {
	case p.absent:
		return n == nil, nil
	case n == nil:
		return false, nil
	case p.sha256 != nil:
		sum := sha256.Sum256(encode(n))
		return subtle.ConstantTimeCompare(sum[:], p.sha256) == 1, nil
	case p.salt != nil:
		key := argon2.IDKey(encode(n), p.salt, argonTime, argonMemory, argonThreads, argonKeyLen)
		return subtle.ConstantTimeCompare(key, p.hash) == 1, nil
	}
	return false, errors.New("malformed digest")
}

// Show renders a value for people: "absent" for nil, strings quoted (%q),
// other scalars as their canonical text but an integral float written
// with ".0" ("10.0", so that it does not look like the integer 10; "1e+21"
// and "inf" stay as they are), "{}" and "[]" for an empty map or list,
// "{...}" and "[...]" otherwise. Only the display changes: the canonical
// text and the digests do not.
func Show(n *Node) string {
	if n == nil {
		return absent
	}
	switch n.Kind {
	case String:
		return strconv.Quote(n.Text)
	case Float:
		if isDecimalDigits(strings.TrimPrefix(n.Text, "-")) {
			return n.Text + ".0"
		}
	case Map:
		if len(n.Children) == 0 {
			return "{}"
		}
		return "{...}"
	case List:
		if len(n.Children) == 0 {
			return "[]"
		}
		return "[...]"
	}
	return n.Text
}

func isDecimalDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
