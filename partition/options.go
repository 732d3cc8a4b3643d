package partition

import (
	"fmt"
	"math"
	"strings"
)

// Options are the parameters of a partition. Either Min and Max (bounds
// mode) or Count and Tolerance (count mode) are set.
type Options struct {
	Weight string // block property holding the weight (households, population)

	Min, Max float64 // bounds mode: every basic grid's weight in [Min, Max]

	Count     int     // count mode: this many basic grids …
	Tolerance float64 // … each within ±Tolerance (a fraction) of the mean

	DedicatedField  string   // block property marking institutions
	DedicatedValues []string // values of DedicatedField that make a dedicated grid
	Within          string   // block property of the parent area grids never cross
	Gap             float64  // blocks this many metres apart count as neighbours
	Seed            uint64   // seed of the random generator
	CodePrefix      string   // 12-digit district+street+community code, or empty
}

// CountMode reports whether the options ask for a number of grids rather
// than weight bounds.
func (o Options) CountMode() bool { return o.Count > 0 }

// Validate checks that the options make a well-formed request.
func (o Options) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrOptions, fmt.Sprintf(format, a...))
	}
	switch {
	case o.Weight == "":
		return bad("--weight is required")
	case o.Count > 0 && (o.Min != 0 || o.Max != 0):
		return bad("give either --min/--max or --count/--tolerance, not both")
	case o.Count < 0:
		return bad("--count %d is negative", o.Count)
	case o.Count > 0 && (o.Tolerance <= 0 || o.Tolerance >= 1 || math.IsNaN(o.Tolerance)):
		return bad("--tolerance %g must be a fraction between 0 and 1 (0.02 for ±2%%)", o.Tolerance)
	case o.Count == 0 && !(o.Min > 0 && o.Max >= o.Min):
		return bad("bounds mode needs 0 < --min <= --max (got %g, %g)", o.Min, o.Max)
	case o.Gap < 0 || math.IsNaN(o.Gap):
		return bad("--gap %g must be >= 0 metres", o.Gap)
	case o.DedicatedField != "" && len(o.DedicatedValues) == 0:
		return bad("--dedicated %s= lists no values", o.DedicatedField)
	}
	if o.CodePrefix != "" {
		if len(o.CodePrefix) != 12 || strings.Trim(o.CodePrefix, "0123456789") != "" {
			return bad("--code-prefix %q must be 12 digits (district 6 + street 3 + community 3)", o.CodePrefix)
		}
	}
	return nil
}

// ParseDedicated reads a --dedicated value FIELD=V1,V2,… into the field
// and its values.
func ParseDedicated(s string) (string, []string, error) {
	field, vals, ok := strings.Cut(s, "=")
	if !ok || field == "" || vals == "" {
		return "", nil, fmt.Errorf("%w: --dedicated %q: want FIELD=V1,V2", ErrOptions, s)
	}
	return field, strings.Split(vals, ","), nil
}
