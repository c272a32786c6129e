package csvgen

import (
	"bufio"
	"math/bits"
	"strconv"
)

// rng is splitmix64: tiny, fast, and fixed forever.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n) (Lemire's multiply-high; the bias is
// negligible for the small n used here and, above all, deterministic).
func (r *rng) intn(n uint64) uint64 {
	hi, _ := bits.Mul64(r.next(), n)
	return hi
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// idBits bounds the number of distinct keys: ids are a bijection of
// [0, 2^idBits), written in base 36 (at most 7 digits).
const idBits = 36

// MaxBenchRows bounds Bench's rows: every key is distinct below it.
const MaxBenchRows = 1 << idBits

// scramble is a bijection of [0, 2^idBits): each step (odd multiply, add,
// xor with a right shift of at least half the width) is invertible modulo
// 2^idBits, so distinct ids give distinct emails.
func scramble(x uint64) uint64 {
	const mask = 1<<idBits - 1
	x = (x*0x5bd1e995 + 0x2545f491) & mask
	x ^= x >> 19
	x = (x * 0x27d4eb2f) & mask
	x ^= x >> 18
	x = (x * 0x165667b1) & mask
	return x
}

var (
	firstNames = []string{"ana", "bo", "cy", "dara", "eli", "femi", "gus", "hana", "ivo", "jun", "kai", "lea", "milo", "nia", "omar", "pia", "quinn", "rui", "sana", "teo", "uma", "vik", "wen", "xia", "yara", "zoe"}
	// The display first name; a few are not ASCII (valid UTF-8).
	displayFirst = []string{"Ana", "Bo", "Cy", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Léa", "Milo", "Nia", "Omar", "Pia", "Quinn", "Rui", "Sana", "Teo", "Uma", "Vik", "Wen", "Xia", "Yara", "Zoë"}
	lastNames    = []string{"Silva", "Kim", "Okafor", "Novak", "Haddad", "Smith", "Müller", "Rossi", "Tanaka", "Ivanova", "Nguyen", "Garcia", "Berg", "Cohen", "Dubois", "Patel"}
	domains      = []string{"example.com", "example.org", "mail.example.net", "corp.example.com", "example.co.uk"}
	plans        = []string{"free", "pro", "team", "enterprise"}
	plainNotes   = []string{"vip", "newsletter", "trial", "referral", "renewed", "churn risk", "migrated"}
	// Quoted notes, written as their CSV field (quotes already doubled).
	quotedNotes = []string{
		`"called, left message"`,
		`"prefers email, not phone"`,
		`"upgraded: pro, then team"`,
		`"said ""thanks"", asked for invoice"`,
		`"nickname ""AJ"""`,
		"\"first line\nsecond line\"",
		"\"address: 1 Main St,\nSpringfield\"",
	}
)

// civil returns the proleptic Gregorian date of a day number (days since
// 1970-01-01): Howard Hinnant's civil_from_days, pure integer arithmetic.
func civil(days int) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return
}

const epoch2015 = 16436 // 2015-01-01 in days since 1970-01-01

// appendEmail appends the canonical (lower-case) email of key id.
func appendEmail(b []byte, id uint64) []byte {
	b = append(b, firstNames[id%uint64(len(firstNames))]...)
	b = append(b, '.')
	b = strconv.AppendUint(b, scramble(id), 36)
	b = append(b, '@')
	return append(b, domains[(id/7)%uint64(len(domains))]...)
}

// appendVariant appends the email of id as a duplicate row writes it: as
// is, or upper-cased in part, or with spaces around it (quoted, or not).
func appendVariant(b []byte, id uint64, r *rng) []byte {
	from := len(b)
	switch r.intn(6) {
	case 0, 1, 2: // as is
		return appendEmail(b, id)
	case 3: // capitalised local part and domain
		b = appendEmail(b, id)
		up := true
		for i := from; i < len(b); i++ {
			if up && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
			up = b[i] == '.' || b[i] == '@'
		}
		return b
	case 4: // all upper case
		b = appendEmail(b, id)
		for i := from; i < len(b); i++ {
			if b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return b
	default: // spaces around it, inside quotes
		b = append(b, `" `...)
		b = appendEmail(b, id)
		return append(b, ` "`...)
	}
}

// Bench writes the benchmark's bulk input to w (see the package comment
// of bench/gen and bench/README.md): a header and rows data rows, a
// fraction dup of which repeat an earlier key, from seed. It returns the
// bytes written, the duplicate rows (rows beyond the first of each key)
// and the distinct keys. The bytes depend only on the arguments.
func Bench(w *bufio.Writer, rows int64, dup float64, seed uint64) (n, dups, distinct int64) {
	r := &rng{s: seed ^ 0x6a09e667f3bcc909}
	b := make([]byte, 0, 512)
	b = append(b, "email,first_name,last_name,signup_date,plan,notes\n"...)
	for i := int64(0); i < rows; i++ {
		var id uint64
		isDup := distinct > 0 && r.float() < dup
		if isDup {
			id = r.intn(uint64(distinct))
			b = appendVariant(b, id, r)
			dups++
		} else {
			id = uint64(distinct)
			b = appendEmail(b, id)
			distinct++
		}
		b = append(b, ',')
		b = append(b, displayFirst[id%uint64(len(displayFirst))]...)
		b = append(b, ',')
		b = append(b, lastNames[r.intn(uint64(len(lastNames)))]...)
		b = append(b, ',')
		y, m, d := civil(epoch2015 + int(r.intn(4018)))
		b = strconv.AppendInt(b, int64(y), 10)
		b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), ',')
		b = append(b, plans[r.intn(uint64(len(plans)))]...)
		b = append(b, ',')
		switch p := r.intn(1000); {
		case p < 650: // empty
		case p < 900:
			b = append(b, plainNotes[r.intn(uint64(len(plainNotes)))]...)
		case p < 990:
			b = append(b, quotedNotes[r.intn(5)]...) // commas, doubled quotes
		default:
			b = append(b, quotedNotes[5+r.intn(2)]...) // an embedded newline
		}
		b = append(b, '\n')
		if len(b) >= 256 {
			w.Write(b) // errors surface at Flush
			n += int64(len(b))
			b = b[:0]
		}
	}
	w.Write(b)
	n += int64(len(b))
	return n, dups, distinct
}
