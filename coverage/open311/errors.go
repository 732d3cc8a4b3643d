package open311

import (
	"errors"
	"fmt"
)

// Sentinels of the Open311 mapping. Every bad form or filter is a
// *FieldError wrapping one of the first four.
var (
	// ErrMissingField means a required field is absent or empty.
	ErrMissingField = errors.New("open311: missing field")
	// ErrBadValue means a field does not parse as the number, time or URL
	// it must be.
	ErrBadValue = errors.New("open311: bad value")
	// ErrOutOfRange means a value parsed but is impossible or too long.
	ErrOutOfRange = errors.New("open311: value out of range")
	// ErrUnknownService means a service_code names no configured category.
	ErrUnknownService = errors.New("open311: unknown service_code")
	// ErrCategories means the configured categories are unusable: an
	// empty or repeated code.
	ErrCategories = errors.New("open311: bad category list")
)

// FieldError is bad input in one named field of an Open311 form or query.
type FieldError struct {
	Field  string
	Reason string // what is wrong, in words
	Err    error  // one of the sentinels
}

// Error reads like "open311: field lat: open311: bad value: "x" is not a number".
func (e *FieldError) Error() string {
	return "open311: field " + e.Field + ": " + e.Err.Error() + ": " + e.Reason
}

// Detail is the message for the client: the field and what is wrong.
func (e *FieldError) Detail() string { return "field " + e.Field + ": " + e.Reason }

// Unwrap returns the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr makes a FieldError wrapping sentinel with a formatted reason.
func fieldErr(field string, sentinel error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: sentinel, Reason: fmt.Sprintf(format, args...)}
}
