package workload

import "errors"

// ErrCoefficients marks a coefficient or target that cannot be used
// (negative, or a weight total of zero).
var ErrCoefficients = errors.New("workload: bad coefficient")
