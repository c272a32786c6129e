package csvscan

import (
	"testing"
	"unicode/utf8"
)

// TestValidUTF8 holds validUTF8 to utf8.Valid: each byte sequence below,
// valid or not, at every offset in ASCII text of every length up to 20,
// alone and twice.
func TestValidUTF8(t *testing.T) {
	seqs := []string{
		"é", "ü", "€", "😀", "\uFFFD", "\U0010FFFF",
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xfe",
		"\xe0\x80\xaf", "\xf0\x80\x80\xaf", "é\x80", "\xc3\xc3",
	}
	const ascii = "abcdefghij,klmnopqrst"
	for _, seq := range seqs {
		for total := range len(ascii) {
			for at := 0; at <= total; at++ {
				for _, twice := range []bool{false, true} {
					b := []byte(ascii[:at] + seq + ascii[at:total])
					if twice {
						b = append(b, seq...)
					}
					if got, want := validUTF8(b), utf8.Valid(b); got != want {
						t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", b, got, want)
					}
				}
			}
		}
	}
}

func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "ana@example.com,Léa,Müller,2024-01-01,pro,", "abcdefg\xc3", "abcdefgh\xed\xa0\x80ij", "\xf0\x9f\x98\x80abcdefgh"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%q) = %v, utf8.Valid says %v", b, got, want)
		}
	})
}

// BenchmarkValidUTF8 checks a row of the bench file's kind with two
// letters that are not ASCII, as validUTF8 and as utf8.Valid.
func BenchmarkValidUTF8(b *testing.B) {
	row := []byte("lea.muller.4711@example.com,Léa,Müller,2024-01-01,pro,called twice about the invoice")
	for _, c := range []struct {
		name  string
		valid func([]byte) bool
	}{{"validUTF8", validUTF8}, {"utf8.Valid", utf8.Valid}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if !c.valid(row) {
					b.Fatal("not valid")
				}
			}
		})
	}
}
