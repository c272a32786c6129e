package cron

import (
	"math/bits"
	"time"
)

// Entry is a schedule with the zone it runs in (nil: UTC).
type Entry struct {
	Schedule *Schedule
	Zone     *time.Location
}

func (e Entry) zone() *time.Location {
	if e.Zone == nil {
		return time.UTC
	}
	return e.Zone
}

// Gap is the longest time between two consecutive runs.
type Gap struct {
	Longest time.Duration
	// Bounded is false when the entries run fewer than two times in the
	// year and the first run after it: the gap has no bound.
	Bounded bool
	// Runs is how many times the entries run in the year.
	Runs int
}

// maxOffset bounds any zone's offset from UTC (UTC+14 is the largest today)
// with room to spare, in seconds.
const maxOffset = 26 * 3600

// LongestGap returns the longest time between two consecutive runs of all
// the entries together, over their runs in Year (each entry's year in its
// own zone) and the first run of any of them after the last of those.
func LongestGap(entries ...Entry) Gap {
	// Every run of the year lies within the UTC year widened by maxOffset:
	// mark each one's minute in a bit set, which merges the entries and
	// drops runs two entries share.
	first := time.Date(Year, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - maxOffset
	last := time.Date(Year+1, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + maxOffset
	minutes := make([]uint64, (last-first)/60/64+1)
	for _, e := range entries {
		e.forEachRun(Year, 1, func(t int64) bool {
			m := (t - first) / 60
			minutes[m/64] |= 1 << uint(m%64)
			return true
		})
	}
	g := Gap{}
	prev := int64(-1) // minute index of the previous run
	for w, word := range minutes {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &= word - 1
			m := int64(w)*64 + int64(b)
			if prev >= 0 {
				if d := time.Duration(m-prev) * time.Minute; d > g.Longest {
					g.Longest = d
				}
			}
			prev = m
			g.Runs++
		}
	}
	if g.Runs == 0 {
		return g
	}
	// The first run after the last run of the year, of any entry.
	lastRun := first + prev*60
	next := int64(-1)
	for _, e := range entries {
		if t, ok := e.nextAfter(lastRun); ok && (next < 0 || t < next) {
			next = t
		}
	}
	if next >= 0 {
		if d := time.Duration(next-lastRun) * time.Second; d > g.Longest {
			g.Longest = d
		}
	}
	g.Bounded = g.Runs >= 2 || next >= 0
	if !g.Bounded {
		g.Longest = 0
	}
	return g
}

// searchYears is how far past Year nextAfter looks: far enough for a line
// that runs only on February 29 (or on a weekday's February 29).
const searchYears = 30

// nextAfter returns the first run strictly after the Unix time t.
func (e Entry) nextAfter(t int64) (int64, bool) {
	loc := e.zone()
	start := time.Unix(t, 0).In(loc)
	found := int64(-1)
	e.forEachRunFrom(start.Year(), start.Month(), start.Day(), start.Year()+searchYears, func(u int64) bool {
		if u > t {
			found = u
			return false
		}
		return true
	})
	return found, found >= 0
}

// forEachRun calls fn with the Unix time of each run in the given number of
// years from year, in order, until fn returns false.
func (e Entry) forEachRun(year, years int, fn func(int64) bool) {
	e.forEachRunFrom(year, time.January, 1, year+years, fn)
}

// forEachRunFrom calls fn with each run from the local day y-m-d up to the
// start of the year end, in order, until fn returns false.
func (e Entry) forEachRunFrom(y int, m time.Month, d int, end int, fn func(int64) bool) {
	s, loc := e.Schedule, e.zone()
	if s.minute == 0 || s.hour == 0 {
		return
	}
	for day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); day.Year() < end; day = day.AddDate(0, 0, 1) {
		if !s.runsOn(day.Month(), day.Day(), day.Weekday()) {
			continue
		}
		// naive is the day's midnight read as if the zone were UTC.
		naive := day.Unix()
		probe := time.Unix(naive-maxOffset, 0).In(loc)
		_, off := probe.Zone()
		_, zoneEnd := probe.ZoneBounds()
		regular := zoneEnd.IsZero() || zoneEnd.Unix() > naive+86400+maxOffset
		for h := 0; h < 24; h++ {
			if s.hour&(1<<uint(h)) == 0 {
				continue
			}
			for mi := 0; mi < 60; mi++ {
				if s.minute&(1<<uint(mi)) == 0 {
					continue
				}
				wall := naive + int64(h*3600+mi*60)
				u := wall - int64(off)
				if !regular {
					var ok bool
					if u, ok = resolve(wall, loc); !ok {
						continue // skipped by a daylight-saving change
					}
				}
				if !fn(u) {
					return
				}
			}
		}
	}
}

// resolve returns the first instant whose wall-clock time in loc is wall
// (a local time read as if it were UTC), and false when loc skips it.
func resolve(wall int64, loc *time.Location) (int64, bool) {
	want := time.Unix(wall, 0).UTC()
	best, ok := int64(0), false
	for _, probe := range [...]int64{wall - maxOffset, wall, wall + maxOffset} {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		u := wall - int64(off)
		got := time.Unix(u, 0).In(loc)
		if got.Year() == want.Year() && got.YearDay() == want.YearDay() && got.Hour() == want.Hour() && got.Minute() == want.Minute() {
			if !ok || u < best {
				best, ok = u, true
			}
		}
	}
	return best, ok
}
