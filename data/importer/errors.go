package importer

import (
	"errors"
	"fmt"
	"strings"
)

// Errors wrapped by *Error when an input file is rejected.
var (
	ErrInvalidJSON          = errors.New("importer: invalid JSON")
	ErrNotFeatureCollection = errors.New("importer: not a GeoJSON FeatureCollection")
	ErrMissingID            = errors.New("importer: missing id")
	ErrDuplicateID          = errors.New("importer: duplicate id")
	ErrMissingWeight        = errors.New("importer: missing weight")
	ErrBadWeight            = errors.New("importer: bad weight")
	ErrBadProperty          = errors.New("importer: bad property")
	ErrBadGeometry          = errors.New("importer: malformed geometry")
	ErrInvalidCSV           = errors.New("importer: invalid CSV")
	ErrMissingColumn        = errors.New("importer: missing column")
	ErrMissingValue         = errors.New("importer: missing value")
	ErrBadValue             = errors.New("importer: bad value")
	ErrBadOption            = errors.New("importer: bad option")
)

// Error rejects an input file and says where: the file, the line of
// a CSV file (from 1, the header being line 1; 0 for GeoJSON), the feature
// (its index from 0 in the features array, or -1 outside any feature) and
// its id when known, the field (a dotted path such as
// "properties.households" or "geometry.coordinates", or empty) and the
// file offset at or just before the problem. Err is the reason: it wraps
// one of the Err* sentinels above or of package geo, or is the error
// reading the input failed with.
type Error struct {
	File    string
	Line    int
	Feature int
	ID      string
	Field   string
	Offset  int64
	Err     error
}

// Error is one line: file, feature, id and field, then the reason.
func (e *Error) Error() string {
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
func (e *Error) Unwrap() error { return e.Err }
