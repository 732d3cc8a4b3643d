package window

import (
	"errors"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestParse is the rule: [from, to), a date is its midnight in the zone
// on either side, instants keep their own offset.
func TestParse(t *testing.T) {
	sh := mustZone(t, DefaultZone)
	ny := mustZone(t, "America/New_York")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	tests := []struct {
		name     string
		from, to string
		zone     *time.Location
		want     Window
		field    string // of the error; "" for none
		sentinel error
	}{
		{"one day of dates", "2026-11-05", "2026-11-06", sh, Window{at(sh, 2026, 11, 5, 0, 0), at(sh, 2026, 11, 6, 0, 0)}, "", nil},
		{"a month of dates", "2026-11-01", "2026-12-01", sh, Window{at(sh, 2026, 11, 1, 0, 0), at(sh, 2026, 12, 1, 0, 0)}, "", nil},
		{"dates follow the zone", "2026-11-05", "2026-11-06", ny, Window{at(ny, 2026, 11, 5, 0, 0), at(ny, 2026, 11, 6, 0, 0)}, "", nil},
		{"dates across a DST change stay local midnights", "2026-11-01", "2026-11-02", ny, Window{at(ny, 2026, 11, 1, 0, 0), at(ny, 2026, 11, 2, 0, 0)}, "", nil},
		{"nil zone is UTC", "2026-11-05", "", nil, Window{From: at(time.UTC, 2026, 11, 5, 0, 0)}, "", nil},
		{"instants ignore the zone", "2026-11-05T08:00:00+08:00", "2026-11-05T10:30:00Z", ny,
			Window{at(sh, 2026, 11, 5, 8, 0), at(time.UTC, 2026, 11, 5, 10, 30)}, "", nil},
		{"fraction of a second", "2026-11-05T08:00:00.25+08:00", "", sh, Window{From: at(sh, 2026, 11, 5, 8, 0).Add(250 * time.Millisecond)}, "", nil},
		{"W3C datetime to the minute", "", "2026-11-05T08:00+08:00", sh, Window{To: at(sh, 2026, 11, 5, 8, 0)}, "", nil},
		{"instant and date mixed", "2026-11-05T08:00:00+08:00", "2026-11-06", sh, Window{at(sh, 2026, 11, 5, 8, 0), at(sh, 2026, 11, 6, 0, 0)}, "", nil},
		{"blanks around a bound", " 2026-11-05 ", "", sh, Window{From: at(sh, 2026, 11, 5, 0, 0)}, "", nil},
		{"both open", "", "", sh, Window{}, "", nil},
		{"same date both sides is empty", "2026-11-05", "2026-11-05", sh, Window{}, "to", ErrOrder},
		{"to before from", "2026-11-06", "2026-11-05", sh, Window{}, "to", ErrOrder},
		{"words", "May 6", "", sh, Window{}, "from", ErrSyntax},
		{"no offset", "", "2026-11-05T08:00:00", sh, Window{}, "to", ErrSyntax},
		{"no such day", "2026-02-30", "", sh, Window{}, "from", ErrSyntax},
		{"unencoded plus", "2026-11-05T08:00:00 08:00", "", sh, Window{}, "from", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.from, tt.to, tt.zone)
			if tt.field != "" {
				var we *Error
				if !errors.As(err, &we) || we.Field != tt.field || !errors.Is(err, tt.sentinel) {
					t.Fatalf("Parse(%q, %q) = %v, want an *Error on %s wrapping %v", tt.from, tt.to, err, tt.field, tt.sentinel)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q, %q): %v", tt.from, tt.to, err)
			}
			if !got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To) {
				t.Fatalf("Parse(%q, %q) = [%v, %v), want [%v, %v)", tt.from, tt.to, got.From, got.To, tt.want.From, tt.want.To)
			}
		})
	}
}

// A space where the offset's + was (a query string not encoded) is
// explained, not just refused.
func TestParseExplainsUnencodedPlus(t *testing.T) {
	_, err := Parse("2026-11-05T08:00:00 08:00", "", time.UTC)
	var we *Error
	if !errors.As(err, &we) || we.Reason != "a + in a URL query reads as a space: send the offset's + as %2B" {
		t.Fatalf("err = %v", err)
	}
}

func TestContains(t *testing.T) {
	from := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	tests := []struct {
		name string
		w    Window
		t    time.Time
		want bool
	}{
		{"from is in", Window{from, to}, from, true},
		{"just before from is out", Window{from, to}, from.Add(-time.Nanosecond), false},
		{"just before to is in", Window{from, to}, to.Add(-time.Nanosecond), true},
		{"to is out", Window{from, to}, to, false},
		{"open start", Window{To: to}, time.Time{}.Add(time.Second), true},
		{"open end", Window{From: from}, to.AddDate(100, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.Contains(tt.t); got != tt.want {
				t.Fatalf("Contains(%v) = %v", tt.t, got)
			}
		})
	}
}

// Day is the window Parse gives for the date and the next one.
func TestDay(t *testing.T) {
	for _, zone := range []string{DefaultZone, "America/New_York", "UTC"} {
		loc := mustZone(t, zone)
		for _, date := range []string{"2026-11-05", "2026-11-01", "2026-03-08", "2026-12-31"} {
			t.Run(zone+" "+date, func(t *testing.T) {
				d, err := Day(date, loc)
				if err != nil {
					t.Fatal(err)
				}
				next := d.From.AddDate(0, 0, 1).Format(time.DateOnly)
				w, err := Parse(date, next, loc)
				if err != nil {
					t.Fatal(err)
				}
				if d != w || d.From.Format(time.DateOnly) != date || d.From.Hour() != 0 {
					t.Fatalf("Day(%s) = %v, Parse(%s, %s) = %v", date, d, date, next, w)
				}
			})
		}
	}
	for _, bad := range []string{"", "2026-11-05T00:00:00Z", "5 Nov", "2026-13-01"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			var we *Error
			if _, err := Day(bad, time.UTC); !errors.As(err, &we) || we.Field != "date" || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Day(%q) = %v", bad, err)
			}
		})
	}
}

func TestLoadZone(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{DefaultZone, true},
		{"UTC", true},
		{"Europe/Paris", true},
		{"", false},
		{"Local", false},
		{"Mars/Olympus_Mons", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := LoadZone(tt.name)
			if tt.ok != (err == nil) {
				t.Fatalf("LoadZone(%q) = %v, %v", tt.name, loc, err)
			}
			if tt.ok && loc.String() != tt.name {
				t.Fatalf("LoadZone(%q) = %s", tt.name, loc)
			}
			if !tt.ok && !errors.Is(err, ErrZone) {
				t.Fatalf("LoadZone(%q) error %v does not wrap ErrZone", tt.name, err)
			}
		})
	}
}

func TestMonth(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w, err := Month("2026-11", zone)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.From.Format(time.RFC3339), "2026-11-01T00:00:00+08:00"; got != want {
		t.Errorf("from %s, want %s", got, want)
	}
	if got := w.To.Sub(w.From); got != 30*24*time.Hour {
		t.Errorf("November lasts %v", got)
	}
	if _, err := Month("2026-13", zone); !errors.Is(err, ErrSyntax) {
		t.Errorf("month 13: %v", err)
	}
}
