package window

import (
	"strings"
	"time"
	_ "time/tzdata" // zones load on hosts without a zone database
)

// DefaultZone is the zone of plain dates when the configuration names
// none: China Standard Time, the one zone of the country the grids are in.
const DefaultZone = "Asia/Shanghai"

// Names of the bounds in errors.
const (
	fieldFrom = "from"
	fieldTo   = "to"
	fieldDate = "date"
	fieldZone = "zone"
)

// w3cMinute is the W3C datetime to the minute, which RFC 3339 does not
// cover (time.RFC3339Nano reads the rest, with or without a fraction).
const w3cMinute = "2006-01-02T15:04Z07:00"

// Window is a time window [From, To): From is in it, To is not. A zero
// bound is open on its side.
type Window struct {
	From, To time.Time
}

// Contains reports whether t is in the window.
func (w Window) Contains(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// Parse reads a window from its two bounds (see the package doc for the
// rule); plain dates are midnights in zone (UTC when nil), an empty bound
// is open. It fails with an *Error naming "from" or "to".
func Parse(from, to string, zone *time.Location) (Window, error) {
	zone = orUTC(zone)
	var w Window
	var err error
	if w.From, err = parseBound(fieldFrom, from, zone); err != nil {
		return w, err
	}
	if w.To, err = parseBound(fieldTo, to, zone); err != nil {
		return w, err
	}
	if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
		return w, &Error{Field: fieldTo, Value: to, Err: ErrOrder,
			Reason: "must be after from " + from + " (the window is [from, to): from=2026-11-05&to=2026-11-06 is one day)"}
	}
	return w, nil
}

// Day reads a date YYYY-MM-DD as the window of that calendar day in zone
// (UTC when nil): [its midnight, the next midnight). It fails with an
// *Error naming "date".
func Day(date string, zone *time.Location) (Window, error) {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(date), orUTC(zone))
	if err != nil {
		return Window{}, &Error{Field: fieldDate, Value: date, Err: ErrSyntax, Reason: "want a day as YYYY-MM-DD"}
	}
	return Window{From: d, To: time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, d.Location())}, nil
}

// LoadZone reads an IANA time zone name such as Asia/Shanghai or UTC. An
// empty name and "Local" are refused: the zone of a service is said, not
// taken from the host it happens to run on. It fails with an *Error
// naming "zone".
func LoadZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, &Error{Field: fieldZone, Value: name, Err: ErrZone,
			Reason: "want an IANA time zone such as " + DefaultZone + " or UTC"}
	}
	return loc, nil
}

// parseBound reads one bound; empty gives the zero time.
func parseBound(field, v string, zone *time.Location) (time.Time, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(w3cMinute, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, zone); err == nil {
		return t, nil
	}
	reason := "want an RFC 3339 time such as 2026-11-05T08:00:00+08:00 or a date YYYY-MM-DD (midnight in " + zone.String() + ")"
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if _, err := time.Parse(time.RFC3339Nano, s[:i]+"+"+s[i+1:]); err == nil {
			reason = "a + in a URL query reads as a space: send the offset's + as %2B"
		}
	}
	return time.Time{}, &Error{Field: field, Value: v, Err: ErrSyntax, Reason: reason}
}

// orUTC is zone, or UTC when nil.
func orUTC(zone *time.Location) *time.Location {
	if zone == nil {
		return time.UTC
	}
	return zone
}
