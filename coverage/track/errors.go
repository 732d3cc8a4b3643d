package track

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every decoding failure is a *DecodeError that wraps one
// of the first five, so callers branch with errors.Is and report the
// position with errors.As.
var (
	// ErrSyntax means the input is not well-formed XML, JSON or CSV, or a
	// record has the wrong shape (too few fields, a wrong GeoJSON type).
	ErrSyntax = errors.New("track: malformed input")
	// ErrMissingField means a required field (latitude, longitude, time,
	// device id) is absent or empty.
	ErrMissingField = errors.New("track: missing field")
	// ErrBadValue means a field is present but cannot be parsed as the
	// number or time it must be.
	ErrBadValue = errors.New("track: bad value")
	// ErrOutOfRange means a value parsed but is impossible: a latitude
	// beyond ±90°, a longitude beyond ±180°, a time outside years 0–9999.
	ErrOutOfRange = errors.New("track: value out of range")
	// ErrUnsupported means the input is well-formed but of a kind the
	// decoder does not take, such as a GeoJSON Polygon.
	ErrUnsupported = errors.New("track: unsupported input")
	// ErrColumn means a CSV column named in the mapping is not in the header.
	ErrColumn = errors.New("track: column not in header")
)

// DecodeError locates bad input: the format, the source (a file name when
// the caller gave one), where in it, and the field. Err wraps one of the
// package sentinels.
type DecodeError struct {
	Format  string // "gpx", "plt", "csv", "geojson", "osmand" or "owntracks"
	Source  string // file name or other label given by the caller; may be empty
	Line    int    // 1-based line, 0 when not known
	Offset  int64  // byte offset into a JSON body, -1 when not known
	Feature int    // 0-based index of the feature, location or point, -1 when none
	Field   string // the field, attribute, column or property; may be empty
	Err     error
}

// Error reads like
// "track: gpx track.gpx: line 12: field lat: coverage: bad value: …".
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("track: ")
	b.WriteString(e.Format)
	if e.Source != "" {
		b.WriteString(" ")
		b.WriteString(e.Source)
	}
	if e.Line > 0 {
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Offset >= 0 {
		b.WriteString(": byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
	}
	if e.Feature >= 0 {
		b.WriteString(": item ")
		b.WriteString(strconv.Itoa(e.Feature))
	}
	if e.Field != "" {
		b.WriteString(": field ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the wrapped sentinel (and cause).
func (e *DecodeError) Unwrap() error { return e.Err }

// where is the position part of a DecodeError, filled in by a decoder as
// it advances and copied into each error it makes.
type where struct {
	format, source string
	line           int
	offset         int64
	feature        int
}

func newWhere(format, source string) where {
	return where{format: format, source: source, offset: -1, feature: -1}
}

// fail makes a DecodeError at w for field, wrapping sentinel and, when not
// nil, the underlying cause.
func (w where) fail(field string, sentinel, cause error) *DecodeError {
	err := sentinel
	if cause != nil {
		err = fmt.Errorf("%w: %w", sentinel, cause)
	}
	return &DecodeError{Format: w.format, Source: w.source, Line: w.line,
		Offset: w.offset, Feature: w.feature, Field: field, Err: err}
}

// failf is fail with a formatted detail instead of a cause.
func (w where) failf(field string, sentinel error, format string, args ...any) *DecodeError {
	return w.fail(field, sentinel, fmt.Errorf(format, args...))
}
