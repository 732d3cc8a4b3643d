package osm

import (
	"errors"
)

// Errors wrapped by *Error when an OSM extract is rejected.
var (
	ErrNotOSM   = errors.New("osm: not an OSM PBF or XML file")
	ErrBadOSM   = errors.New("osm: corrupt or truncated OSM data")
	ErrNoRoads  = errors.New("osm: no streets that bound blocks")
	ErrNoBlocks = errors.New("osm: the streets enclose no block")
)

// Error rejects an OSM extract: the file and the reason, which wraps
// one of ErrNotOSM, ErrBadOSM, ErrNoRoads or ErrNoBlocks (and, for a
// corrupt file, the decoder's error).
type Error struct {
	File string
	Err  error
}

// Error is one line: the file, then the reason.
func (e *Error) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }
