package patrol

import "errors"

// Errors of the simulator and of visits. Each is wrapped with %w and a
// detail naming the option or input at fault.
var (
	// ErrOption means an option is out of its range.
	ErrOption = errors.New("patrol: bad option")
	// ErrNoRoads means the simulator has no road to walk on inside the
	// area it was given.
	ErrNoRoads = errors.New("patrol: no roads to simulate on")
)
