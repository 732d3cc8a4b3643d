package bench

import "errors"

// Errors of `wangge bench`.
var (
	// ErrOptions means options of `wangge bench load` out of bounds.
	ErrOptions = errors.New("bench: load")
	// ErrPG means --pg is not a postgres:// URL.
	ErrPG = errors.New("bench: --pg must be a postgres:// URL")
	// ErrCheck means a case's work gave an answer that cannot be
	// right (no point found in any grid, fewer new fixes stored than
	// sent), so its timing would measure the wrong thing.
	ErrCheck = errors.New("bench: implausible result")
)
