package coverage

import "errors"

// Errors of coverage. Each is wrapped with %w and a
// detail naming the option or input at fault.
var (
	// ErrOption means an option is out of its range: an H3 resolution
	// beyond 0–15, a negative buffer, a window that ends before it starts.
	ErrOption = errors.New("coverage: bad option")
)
