package data

import "errors"

// ErrNotFound is wrapped by every error that reports a missing item.
var ErrNotFound = errors.New("data: not found")
