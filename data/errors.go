package data

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is wrapped by every error that reports a missing item.
var ErrNotFound = errors.New("data: not found")

// ErrInvalid is wrapped by every error that rejects an item passed to a
// Put method (empty id, unknown role or status, missing geometry, …).
var ErrInvalid = errors.New("data: invalid item")

// ItemError names the item of a batch that was rejected: its kind, its
// position in the batch and its id. It wraps the reason, which wraps
// ErrInvalid for bad input or the database's error otherwise.
type ItemError struct {
	Kind  string // "block", "track point", …
	Index int    // position in the batch, from 0
	ID    string
	Err   error
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("data: %s %d (id %q): %v", e.Kind, e.Index, e.ID, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// ErrNotGeoPackage is wrapped when a file given as the embedded store is
// an SQLite database but not a GeoPackage.
var ErrNotGeoPackage = errors.New("data: not a GeoPackage")

// Errors wrapped by *ImportError when an input file is rejected.
var (
	ErrInvalidJSON          = errors.New("data: invalid JSON")
	ErrNotFeatureCollection = errors.New("data: not a GeoJSON FeatureCollection")
	ErrMissingID            = errors.New("data: missing id")
	ErrDuplicateID          = errors.New("data: duplicate id")
	ErrMissingWeight        = errors.New("data: missing weight")
	ErrBadWeight            = errors.New("data: bad weight")
	ErrBadProperty          = errors.New("data: bad property")
	ErrBadGeometry          = errors.New("data: malformed geometry")
	ErrInvalidCSV           = errors.New("data: invalid CSV")
	ErrMissingColumn        = errors.New("data: missing column")
	ErrMissingValue         = errors.New("data: missing value")
	ErrBadValue             = errors.New("data: bad value")
)

// ImportError rejects an input file and says where: the file, the line of
// a CSV file (from 1, the header being line 1; 0 for GeoJSON), the feature
// (its index from 0 in the features array, or -1 outside any feature) and
// its id when known, the field (a dotted path such as
// "properties.households" or "geometry.coordinates", or empty) and the
// file offset at or just before the problem. Err is the reason: it wraps
// one of the Err* sentinels above or of package geo, or is the error
// reading the input failed with.
type ImportError struct {
	File    string
	Line    int
	Feature int
	ID      string
	Field   string
	Offset  int64
	Err     error
}

// Error is one line: file, feature, id and field, then the reason.
func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Feature >= 0 {
		fmt.Fprintf(&b, ": feature %d", e.Feature)
		if e.ID != "" {
			fmt.Fprintf(&b, " (id %q)", e.ID)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the reason.
func (e *ImportError) Unwrap() error { return e.Err }

// Errors wrapped by *OSMError when an OSM extract is rejected.
var (
	ErrNotOSM   = errors.New("data: not an OSM PBF or XML file")
	ErrBadOSM   = errors.New("data: corrupt or truncated OSM data")
	ErrNoRoads  = errors.New("data: no streets that bound blocks")
	ErrNoBlocks = errors.New("data: the streets enclose no block")
)

// OSMError rejects an OSM extract: the file and the reason, which wraps
// one of ErrNotOSM, ErrBadOSM, ErrNoRoads or ErrNoBlocks (and, for a
// corrupt file, the decoder's error).
type OSMError struct {
	File string
	Err  error
}

// Error is one line: the file, then the reason.
func (e *OSMError) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *OSMError) Unwrap() error { return e.Err }
