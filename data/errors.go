package data

import (
	"errors"
	"fmt"
)

// ErrNotFound is wrapped by every error that reports a missing item.
var ErrNotFound = errors.New("data: not found")

// ErrInvalid is wrapped by every error that rejects an item passed to a
// Put method (empty id, unknown role or status, missing geometry, …).
var ErrInvalid = errors.New("data: invalid item")

// ErrConflict is wrapped by every error that reports a write that lost a
// race with another writer or would break a uniqueness rule of the store
// (one published plan, one worker per device); callers answer 409.
var ErrConflict = errors.New("data: conflict")

// ErrBusy is wrapped by every error that reports the store stayed locked
// by another writer past its busy timeout; nothing was written, and the
// same call may succeed a moment later (callers answer 503 with
// Retry-After).
var ErrBusy = errors.New("data: store busy")

// ItemError names the item of a batch that was rejected: its kind, its
// position in the batch and its id. It wraps the reason, which wraps
// ErrInvalid for bad input or the database's error otherwise.
type ItemError struct {
	Kind  string // "block", "track point", …
	Index int    // position in the batch, from 0
	ID    string
	Err   error
}

// Error names the item and gives the reason.
func (e *ItemError) Error() string {
	return fmt.Sprintf("data: %s %d (id %q): %v", e.Kind, e.Index, e.ID, e.Err)
}

// Unwrap returns the reason.
func (e *ItemError) Unwrap() error { return e.Err }

// Refusal is a write the store refused, in words: Err is ErrInvalid or
// ErrConflict, Reason says what is wrong and what to do, for a person.
type Refusal struct {
	Err    error
	Reason string
}

// Refuse makes a Refusal wrapping sentinel with a formatted reason.
func Refuse(sentinel error, format string, args ...any) *Refusal {
	return &Refusal{Err: sentinel, Reason: fmt.Sprintf(format, args...)}
}

// Error is the sentinel's text, then the reason.
func (e *Refusal) Error() string { return e.Err.Error() + ": " + e.Reason }

// Unwrap returns the sentinel.
func (e *Refusal) Unwrap() error { return e.Err }

// Detail is the message of a store's error for a person at the other end
// of an API: for a refused item, its kind, position and id with the reason
// in words; for another refusal, the reason; otherwise the error's text.
func Detail(err error) string {
	var r *Refusal
	hasReason := errors.As(err, &r)
	var it *ItemError
	switch {
	case errors.As(err, &it) && hasReason:
		return fmt.Sprintf("%s %d (id %q): %s", it.Kind, it.Index, it.ID, r.Reason)
	case hasReason:
		return r.Reason
	}
	return err.Error()
}
