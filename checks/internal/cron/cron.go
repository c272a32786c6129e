// Package cron reads five-field cron lines as GitHub Actions schedules are
// written and measures how long a set of them can leave between two runs.
//
// # Syntax
//
// A line has five fields separated by spaces or tabs: minute (0–59), hour
// (0–23), day of month (1–31), month (1–12 or JAN–DEC) and day of week (0–7
// or SUN–SAT, both 0 and 7 meaning Sunday). A field is a comma-separated list
// of elements; an element is `*`, a value, or a range `A-B`, optionally
// followed by a step `/N` (`A/N` means `A-max/N`). Names are case-insensitive.
// Everything else is refused with a [SyntaxError] that gives the offending
// field's offset: macros such as `@daily`, the Quartz extensions `?`, `L`, `W`
// and `#`, and six fields.
//
// # Days
//
// A day field that starts with `*` is unrestricted, whatever follows the
// star: `*/2` in the day of month matches every day. When both day fields
// are restricted, a day that matches either runs the line; when only one is,
// it alone decides; when neither is, every day runs. This is the contract's
// rule, not Vixie cron's (which keeps the values of a `*/N` field and joins
// the two fields with "and" when either starts with `*`).
//
// # Time zones and gaps
//
// A line runs in its [Entry]'s zone, at local wall-clock times: a local time
// that a daylight-saving change skips does not run, one that it repeats runs
// once, at its first occurrence. [LongestGap] merges the runs of several
// entries over the year [Year] (each entry's year in its own zone) and the
// first run after them, and returns the longest time between two consecutive
// runs. The package embeds the IANA time zone database (time/tzdata), so
// [LoadZone] works on machines without one.
package cron

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones must load on CI machines without /usr/share/zoneinfo
)

// Year is the calendar year whose runs LongestGap measures.
const Year = 2026

// Schedule is one parsed cron line: the set of values of each field.
type Schedule struct {
	minute  uint64 // bit m: minute m
	hour    uint32 // bit h: hour h
	dom     uint32 // bit d: day of month d (1–31)
	month   uint16 // bit m: month m (1–12)
	dow     uint8  // bit w: weekday w (0 Sunday – 6 Saturday)
	domStar bool   // the day-of-month field starts with '*'
	dowStar bool   // the day-of-week field starts with '*'
}

// SyntaxError is a cron line that cannot be read. Offset is the position of
// the offending field in the line, in characters from its start. Msg never
// quotes the line.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }

// field describes one of the five fields.
type field struct {
	name     string
	min, max int
	names    []string // names of the values min, min+1, ...; nil when none
}

var fields = [5]field{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{name: "day of week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// Parse reads a five-field cron line.
func Parse(line string) (*Schedule, error) {
	type span struct {
		text string
		off  int // in characters
	}
	var parts []span
	start := -1
	chars := 0 // characters before byte i
	startChars := 0
	for i, r := range line + " " {
		if r == ' ' || r == '\t' {
			if start >= 0 {
				parts = append(parts, span{line[start:i], startChars})
				start = -1
			}
		} else if start < 0 {
			start, startChars = i, chars
		}
		chars++
	}
	if len(parts) > 0 && strings.HasPrefix(parts[0].text, "@") {
		return nil, &SyntaxError{parts[0].off, "cron macros (@daily, @hourly, ...) are not supported: expected five fields: minute hour day-of-month month day-of-week"}
	}
	if len(parts) != 5 {
		off := 0
		if len(parts) > 5 {
			off = parts[5].off
		}
		return nil, &SyntaxError{off, fmt.Sprintf("cron line has %d fields: expected five: minute hour day-of-month month day-of-week", len(parts))}
	}
	var sets [5]uint64
	for i, p := range parts {
		set, err := parseField(p.text, fields[i])
		if err != nil {
			return nil, &SyntaxError{p.off, fields[i].name + " field: " + err.Error()}
		}
		sets[i] = set
	}
	s := &Schedule{
		minute:  sets[0],
		hour:    uint32(sets[1]),
		dom:     uint32(sets[2]),
		month:   uint16(sets[3]),
		domStar: strings.HasPrefix(parts[2].text, "*"),
		dowStar: strings.HasPrefix(parts[4].text, "*"),
	}
	dow := sets[4]
	if dow&(1<<7) != 0 {
		dow |= 1 // 7 is Sunday too
	}
	s.dow = uint8(dow &^ (1 << 7))
	return s, nil
}

// parseField reads one field into a bit set of its values.
func parseField(text string, f field) (uint64, error) {
	var set uint64
	for _, elem := range strings.Split(text, ",") {
		if elem == "" {
			return 0, fmt.Errorf("empty list element: expected a value, a range or *")
		}
		rng, stepText, hasStep := strings.Cut(elem, "/")
		lo, hi := f.min, f.max
		switch {
		case rng == "*":
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = value(a, f); err != nil {
				return 0, err
			}
			hi = lo
			if isRange {
				if hi, err = value(b, f); err != nil {
					return 0, err
				}
				if hi < lo {
					return 0, fmt.Errorf("a range ends before it starts: expected LOW-HIGH with LOW <= HIGH")
				}
			} else if hasStep {
				hi = f.max // A/N means A-max/N
			}
		}
		step := 1
		if hasStep {
			n, err := number(stepText)
			if err != nil || n < 1 || n > f.max {
				return 0, fmt.Errorf("a step must be a number from 1 to %d", f.max)
			}
			step = n
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << uint(v)
		}
	}
	return set, nil
}

// value reads a number or, where the field has them, a name.
func value(text string, f field) (int, error) {
	for i, n := range f.names {
		if strings.EqualFold(text, n) {
			return f.min + i, nil
		}
	}
	n, err := number(text)
	switch {
	case err == nil && (n < f.min || n > f.max):
		return 0, fmt.Errorf("a value is out of range: expected %d to %d", f.min, f.max)
	case err == nil:
		return n, nil
	case text == "":
		return 0, fmt.Errorf("missing value: expected a number from %d to %d%s", f.min, f.max, nameHint(f))
	case quartz(text):
		return 0, fmt.Errorf("?, L, W and # are not standard cron: expected a number from %d to %d%s, *, a range, a list or a step", f.min, f.max, nameHint(f))
	}
	return 0, fmt.Errorf("expected a number from %d to %d%s", f.min, f.max, nameHint(f))
}

// quartz reports whether a value uses one of the Quartz extensions ?, L, W
// or # (as in "?", "L", "15W", "5L", "FRI#2").
func quartz(text string) bool {
	if text == "?" || strings.Contains(text, "#") {
		return true
	}
	rest := strings.ToUpper(strings.TrimLeft(text, "0123456789"))
	return rest == "L" || rest == "W" || rest == "LW"
}

// number reads a decimal number of at most four digits.
func number(text string) (int, error) {
	if text == "" || len(text) > 4 {
		return 0, strconv.ErrRange
	}
	for _, c := range text {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(text)
}

func nameHint(f field) string {
	if f.names == nil {
		return ""
	}
	return fmt.Sprintf(" or a name (%s-%s)", strings.ToUpper(f.names[0]), strings.ToUpper(f.names[len(f.names)-1]))
}

// runsOn reports whether the schedule runs on a calendar day.
func (s *Schedule) runsOn(month time.Month, day int, weekday time.Weekday) bool {
	if s.month&(1<<uint(month)) == 0 {
		return false
	}
	dom := s.dom&(1<<uint(day)) != 0
	dow := s.dow&(1<<uint(weekday)) != 0
	switch {
	case s.domStar && s.dowStar:
		return true
	case s.domStar:
		return dow
	case s.dowStar:
		return dom
	}
	return dom || dow
}

// LoadZone loads an IANA time zone by name, such as "Europe/Berlin" or
// "UTC". The empty name and "Local" are refused: a workflow's zone does not
// depend on the machine that checks it.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("expected an IANA time zone name such as Europe/Berlin or UTC")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone: expected an IANA time zone name such as Europe/Berlin or UTC")
	}
	return loc, nil
}
