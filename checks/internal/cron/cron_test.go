package cron

import (
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func mustParse(t *testing.T, line string) *Schedule {
	t.Helper()
	s, err := Parse(line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return s
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatalf("LoadZone(%q): %v", name, err)
	}
	return loc
}

func TestLongestGap(t *testing.T) {
	type line struct{ cron, zone string }
	tests := []struct {
		name    string
		lines   []line
		longest time.Duration // 0: unbounded
		runs    int
	}{
		{"every minute", []line{{"* * * * *", ""}}, time.Minute, 525600},
		{"hourly", []line{{"0 * * * *", ""}}, time.Hour, 8760},
		{"every 15 minutes", []line{{"*/15 * * * *", ""}}, 15 * time.Minute, 35040},
		{"steps from a value", []line{{"5/20 */6 * * *", ""}}, 6*time.Hour - 40*time.Minute, 365 * 4 * 3},
		{"ranges with steps", []line{{"0 9-17/4 * * *", ""}}, 16 * time.Hour, 365 * 3},
		{"daily", []line{{"30 4 * * *", ""}}, day, 365},
		{"weekly on Monday: exactly 7 days", []line{{"0 8 * * 1", ""}}, 7 * day, 52},
		{"weekday names", []line{{"0 8 * * mon-fri", ""}}, 3 * day, 261},
		{"Sunday is 0 and 7", []line{{"0 0 * * 0,7", ""}}, 7 * day, 52},
		{"monthly", []line{{"0 0 1 * *", ""}}, 31 * day, 12},
		{"month names", []line{{"0 0 1 JAN,jul *", ""}}, 184 * day, 2},
		{"yearly: the first run of 2027 closes the year", []line{{"0 0 1 1 *", ""}}, 365 * day, 1},
		{"two lines whose union closes the gap", []line{{"0 8 * * 1", ""}, {"0 8 * * 4", ""}}, 4 * day, 105},
		{"the same run twice counts once", []line{{"0 8 * * 1", ""}, {"0 8 * * MON", ""}}, 7 * day, 52},
		// 2026-01-01 is a Thursday: the 1st of each month or any Friday.
		{"day of month OR day of week", []line{{"0 0 1 * 5", ""}}, 7 * day, 52 + 12 - 1}, // May 1 2026 is a Friday
		{"a star day field leaves the other to decide", []line{{"0 0 * * 5", ""}}, 7 * day, 52},
		// The contract: a day field that starts with * is unrestricted,
		// whatever follows the star (not Vixie cron's "and").
		{"a day field starting with * is every day", []line{{"0 0 */2 * *", ""}}, day, 365},
		{"a weekday field starting with * is every day", []line{{"0 0 * * */3", ""}}, day, 365},
		{"a star-step day of month leaves the weekday to decide", []line{{"0 0 */2 * 1", ""}}, 7 * day, 52},
		{"a star-step weekday leaves the day of month to decide", []line{{"0 0 1 * */2", ""}}, 31 * day, 12},
		{"both restricted: either day runs it", []line{{"0 0 1-7 * 1", ""}}, 7 * day, 52 + 12*7 - 12},
		{"February 29 in no year near", []line{{"0 0 29 2 *", ""}}, 0, 0},
		{"February 30 never", []line{{"0 0 30 2 *", ""}}, 0, 0},
		{"once in 2026 and never after", []line{{"0 0 31 12 *", ""}}, 365 * day, 1},
		{"new york: a skipped time does not run", []line{{"30 2 * * *", "America/New_York"}}, 47 * time.Hour, 364},
		{"new york: a repeated time runs once", []line{{"30 1 * * *", "America/New_York"}}, 25 * time.Hour, 365},
		{"new york hourly", []line{{"0 * * * *", "America/New_York"}}, 2 * time.Hour, 8759},
		{"berlin weekly across the autumn change", []line{{"0 8 * * 1", "Europe/Berlin"}}, 7*day + time.Hour, 52},
		{"each line in its own zone", []line{{"0 0 * * *", "UTC"}, {"0 12 * * *", "Asia/Tokyo"}}, 21 * time.Hour, 730},
		{"a zone far east", []line{{"0 0 * * *", "Pacific/Kiritimati"}}, day, 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var es []Entry
			for _, l := range tt.lines {
				e := Entry{Schedule: mustParse(t, l.cron)}
				if l.zone != "" {
					e.Zone = zone(t, l.zone)
				}
				es = append(es, e)
			}
			g := LongestGap(es...)
			if tt.longest == 0 {
				if g.Bounded {
					t.Errorf("longest gap %v, want unbounded", g.Longest)
				}
			} else if !g.Bounded || g.Longest != tt.longest {
				t.Errorf("longest gap %v (bounded %v), want %v", g.Longest, g.Bounded, tt.longest)
			}
			if g.Runs != tt.runs {
				t.Errorf("runs %d, want %d", g.Runs, tt.runs)
			}
		})
	}
}

func TestLongestGapNoEntries(t *testing.T) {
	if g := LongestGap(); g.Bounded || g.Runs != 0 {
		t.Errorf("LongestGap() = %+v, want unbounded", g)
	}
}

func TestParseEquivalent(t *testing.T) {
	same := [][]string{
		{"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun", "0 0 * * Sun"},
		{"5/15 * * * *", "5,20,35,50 * * * *", "5-59/15 * * * *"},
		{"0 0 * JAN-MAR *", "0 0 * 1-3 *", "0 0 * 1,2,3 *"},
		{"0 0 * * 5-7", "0 0 * * fri,sat,sun"},
		{"0\t0  *   *\t*", "0 0 * * *", " 0 0 * * * "},
		{"*/1 * * * *", "* * * * *", "0-59 * * * *"},
	}
	for _, group := range same {
		want := mustParse(t, group[0])
		for _, line := range group[1:] {
			got := mustParse(t, line)
			// The star flags depend on the text only where they matter.
			got.domStar, got.dowStar = want.domStar, want.dowStar
			if *got != *want {
				t.Errorf("Parse(%q) = %+v, want the same as %q: %+v", line, *got, group[0], *want)
			}
		}
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		line   string
		offset int
		msg    string
	}{
		{"@daily", 0, "macros"},
		{"@hourly", 0, "macros"},
		{"0 0 * * * *", 10, "6 fields"},
		{"0 0 * * * 2026", 10, "6 fields"},
		{"0 0 * *", 0, "4 fields"},
		{"", 0, "0 fields"},
		{"0 0 ? * 1", 4, "day of month field: ?, L, W and # are not standard cron"},
		{"0 0 * * ?", 8, "day of week field: ?, L, W and #"},
		{"0 0 L * *", 4, "?, L, W and #"},
		{"0 0 15W * *", 4, "?, L, W and #"},
		{"0 0 * * 5L", 8, "?, L, W and #"},
		{"0 0 * * FRI#2", 8, "?, L, W and #"},
		{"0  0 L * *", 5, "day of month field"},
		{"60 * * * *", 0, "minute field: a value is out of range: expected 0 to 59"},
		{"* 24 * * *", 2, "hour field: a value is out of range: expected 0 to 23"},
		{"* * 0 * *", 4, "day of month field: a value is out of range: expected 1 to 31"},
		{"* * 32 * *", 4, "day of month field"},
		{"* * * 13 *", 6, "month field: a value is out of range"},
		{"* * * * 8", 8, "day of week field: a value is out of range: expected 0 to 7"},
		{"*/0 * * * *", 0, "minute field: a step must be a number from 1 to 59"},
		{"*/60 * * * *", 0, "a step must be"},
		{"*/x * * * *", 0, "a step must be"},
		{"5-1 * * * *", 0, "a range ends before it starts"},
		{"1,,2 * * * *", 0, "empty list element"},
		{"1, * * * *", 0, "empty list element"},
		{"-5 * * * *", 0, "missing value"},
		{"1-2-3 * * * *", 0, "expected a number from 0 to 59"},
		{"MON * * * *", 0, "minute field: expected a number from 0 to 59"},
		{"* * * * JAN", 8, "day of week field: expected a number from 0 to 7 or a name (SUN-SAT)"},
		{"* * * FOO *", 6, "month field: expected a number from 1 to 12 or a name (JAN-DEC)"},
		{"* * * * SAT-SUN", 8, "a range ends before it starts"},
		{"99999 * * * *", 0, "minute field"},
		{"0 0 * * * # nightly", 10, "fields"},
		{"ä 0 * * *", 0, "minute field"},
		{"0 ä * * * *", 10, "6 fields"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.line)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.line, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q) = offset %d %q, want offset %d and %q", tt.line, se.Offset, se.Msg, tt.offset, tt.msg)
		}
	}
}

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"} {
		if _, err := LoadZone(name); err != nil {
			t.Errorf("LoadZone(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd", "europe/berlin", "CEST+2"} {
		if _, err := LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q) succeeded, want an error", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"* * * * *", "0 8 * * 1", "5/15 0-23/2 1,15 JAN-DEC MON-FRI", "@daily", "0 0 ? * L"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s, err := Parse(line)
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Offset < 0 || se.Offset > len([]rune(line)) {
				t.Fatalf("Parse(%q) = %v", line, err)
			}
			return
		}
		if s.minute == 0 || s.hour == 0 || s.dom == 0 || s.month == 0 || s.dow == 0 {
			t.Fatalf("Parse(%q) has an empty field: %+v", line, *s)
		}
	})
}

func BenchmarkLongestGap(b *testing.B) {
	every, _ := Parse("* * * * *")
	weekly, _ := Parse("0 8 * * 1")
	loc, _ := LoadZone("America/New_York")
	for b.Loop() {
		LongestGap(Entry{Schedule: every, Zone: loc}, Entry{Schedule: weekly})
	}
}

// TestLongestGapAgainstMinutes checks LongestGap against a walk over every
// minute of the year (and of the next, for the first run after it), for
// lines in UTC.
func TestLongestGapAgainstMinutes(t *testing.T) {
	lines := [][]string{
		{"17 3 * * *"},
		{"0 0 13 * 5"},
		{"0 6 */3 * *"},
		{"0 6 * * */3"},
		{"45 23 28-31 * *"},
		{"0 12 1,15 */2 *"},
		{"0 0 * FEB sat,SUN"},
		{"0 */7 * * *", "30 */5 * * *"},
		{"0 9 * * 1-5", "0 21 * * 0,6"},
		{"0 0 1 1 *", "0 0 1 7 *", "0 0 1 10 *"},
	}
	for _, group := range lines {
		var es []Entry
		for _, l := range group {
			es = append(es, Entry{Schedule: mustParse(t, l)})
		}
		got := LongestGap(es...)
		runs, longest := 0, time.Duration(0)
		var prev time.Time
		for m := time.Date(Year, 1, 1, 0, 0, 0, 0, time.UTC); m.Year() <= Year+1; m = m.Add(time.Minute) {
			hit := false
			for _, e := range es {
				hit = hit || e.Schedule.matchesMinute(m)
			}
			if !hit {
				continue
			}
			if !prev.IsZero() && m.Sub(prev) > longest {
				longest = m.Sub(prev)
			}
			prev = m
			if m.Year() > Year {
				break
			}
			runs++
		}
		if got.Runs != runs || got.Longest != longest || !got.Bounded {
			t.Errorf("%q: LongestGap = %+v, want %d runs and %v", group, got, runs, longest)
		}
	}
}

// matchesMinute is the schedule's definition, minute by minute.
func (s *Schedule) matchesMinute(t time.Time) bool {
	return s.minute&(1<<uint(t.Minute())) != 0 && s.hour&(1<<uint(t.Hour())) != 0 &&
		s.runsOn(t.Month(), t.Day(), t.Weekday())
}
