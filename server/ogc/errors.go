package ogc

import (
	"errors"
	"fmt"
)

// ErrInvalid marks a request whose query cannot be used (400).
var ErrInvalid = errors.New("ogc: invalid request")

// ParamError reports a query parameter that cannot be used.
type ParamError struct {
	Param  string // the parameter's name, e.g. "bbox"
	Value  string // what the client sent
	Reason string // what is wrong and what is expected
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("ogc: parameter %s=%q: %s", e.Param, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ParamError) Unwrap() error { return ErrInvalid }

// NotFoundError reports a collection the request may not see or that does
// not exist (404).
type NotFoundError struct {
	Collection string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("ogc: no collection %q; GET /collections lists the collections this request may read", e.Collection)
}
