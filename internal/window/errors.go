package window

import (
	"errors"
	"strconv"
)

// Sentinels of the kinds of bad input; every *Error wraps one.
var (
	// ErrSyntax marks a bound that is neither an RFC 3339 time nor a date.
	ErrSyntax = errors.New("window: not a time or a date")
	// ErrOrder marks a window whose end is not after its start.
	ErrOrder = errors.New("window: ends before it starts")
	// ErrZone marks a time zone name that is not a usable IANA zone.
	ErrZone = errors.New("window: unknown time zone")
)

// Error reports a bound (or a zone) that cannot be used. Field is the
// name Parse, Day or LoadZone gave it ("from", "to", "date" or "zone");
// callers that call the field otherwise (--from, start_date) rename it in
// their own messages.
type Error struct {
	Field  string
	Value  string // what was given
	Reason string // what is wrong and what is expected
	Err    error  // one of the sentinels
}

// Error reads like `window: from "May 6": want an RFC 3339 time … or a
// date YYYY-MM-DD`.
func (e *Error) Error() string {
	return "window: " + e.Field + " " + strconv.Quote(e.Value) + ": " + e.Reason
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }
