package partition

import (
	"errors"
	"fmt"
)

// Sentinel errors of the partition package.
var (
	// ErrOptions marks partition options that cannot work together.
	ErrOptions = errors.New("partition: bad options")
	// ErrInput marks block input that cannot be read.
	ErrInput = errors.New("partition: bad input")
	// ErrBlockNotFound is returned when an edit names a block the plan lacks.
	ErrBlockNotFound = errors.New("partition: block not found")
	// ErrGridNotFound is returned when an edit names a grid the plan lacks.
	ErrGridNotFound = errors.New("partition: grid not found")
	// ErrLocked is returned when an edit would change a locked grid.
	ErrLocked = errors.New("partition: grid is locked")
	// ErrInfeasible marks a request no plan can satisfy (for example more
	// grids than blocks).
	ErrInfeasible = errors.New("partition: infeasible")
)

// FeatureError names the feature and field of bad GeoJSON input.
type FeatureError struct {
	File    string // file name, when known
	Feature int    // 0-based index in the FeatureCollection
	Field   string // property name, or "geometry"
	Err     error
}

// Error names the file, feature and field, then the problem.
func (e *FeatureError) Error() string {
	where := fmt.Sprintf("feature %d", e.Feature)
	if e.File != "" {
		where = e.File + ": " + where
	}
	if e.Field != "" {
		where += ", " + e.Field
	}
	return where + ": " + e.Err.Error()
}

// Unwrap returns the underlying problem.
func (e *FeatureError) Unwrap() error { return e.Err }
