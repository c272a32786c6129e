package configdiff

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// canonInt returns the canonical decimal text of an integer written in
// base (0: by prefix 0x, 0o, 0b) with an optional sign; ok is false when s
// is not an integer.
func canonInt(s string, base int) (string, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if base == 0 {
		base = 10
		if len(s) > 2 && s[0] == '0' {
			switch s[1] {
			case 'x', 'X':
				base, s = 16, s[2:]
			case 'o', 'O':
				base, s = 8, s[2:]
			case 'b', 'B':
				base, s = 2, s[2:]
			}
		}
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return "", false
	}
	var n big.Int
	if _, ok := n.SetString(s, base); !ok {
		return "", false
	}
	if neg {
		n.Neg(&n)
	}
	return n.String(), true
}

// canonFloat returns the canonical text of a float.
func canonFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		return "0"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// parseFloatText parses a decimal float; ok is false when s is not one or
// is out of range.
func parseFloatText(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", false
	}
	return canonFloat(f), true
}

const (
	layoutDate      = "2006-01-02"
	layoutLocalTime = "15:04:05.999999999"
	layoutLocalDT   = "2006-01-02T15:04:05.999999999"
)

// canonTemporal classifies s as a date, a time of day, a local date-time
// or a date-time with an offset and returns its kind and canonical text.
// With strict set (YAML), only RFC 3339 date-times (offset required) and
// dates are accepted and seconds are required.
func canonTemporal(s string, strict bool) (Kind, string, bool) {
	if len(s) == 10 && s[4] == '-' {
		t, err := time.Parse(layoutDate, s)
		if err != nil || t.Format(layoutDate) != s {
			return 0, "", false
		}
		return Date, s, true
	}
	if len(s) >= 5 && s[2] == ':' {
		if strict {
			return 0, "", false
		}
		t, err := time.Parse(layoutLocalTime, addSeconds(s))
		if err != nil {
			return 0, "", false
		}
		return Time, t.Format(layoutLocalTime), true
	}
	if len(s) < 16 || s[4] != '-' {
		return 0, "", false
	}
	switch s[10] {
	case 'T', 't', ' ':
	default:
		return 0, "", false
	}
	date, rest := s[:10], s[11:]
	// Split the time of day from the offset.
	off := ""
	if i := strings.IndexAny(rest, "Zz+-"); i >= 0 {
		rest, off = rest[:i], rest[i:]
	}
	if !strict {
		rest = addSeconds(rest)
	}
	if off == "" {
		if strict {
			return 0, "", false
		}
		t, err := time.Parse(layoutLocalDT, date+"T"+rest)
		if err != nil {
			return 0, "", false
		}
		return DateTime, t.Format(layoutLocalDT), true
	}
	if off == "z" {
		off = "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, date+"T"+rest+off)
	if err != nil {
		return 0, "", false
	}
	return DateTime, t.Format(time.RFC3339Nano), true
}

// addSeconds adds ":00" to a time of day written "HH:MM" (TOML 1.1).
func addSeconds(s string) string {
	if len(s) == 5 {
		return s + ":00"
	}
	return s
}
