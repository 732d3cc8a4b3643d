package app

import (
	"errors"
	"fmt"
	"strings"

	"wangge/coverage/incident"
)

// Sentinels of the use cases; each typed error below wraps one.
var (
	// ErrOptions means Options that New cannot work with.
	ErrOptions = errors.New("app: bad options")
	// ErrInvalid means input a use case refuses before touching the
	// store (HTTP 400).
	ErrInvalid = errors.New("app: invalid input")
	// ErrConflict means the state of the store refuses the change: a
	// transition that lost a race, a device another worker holds (409).
	ErrConflict = errors.New("app: conflict")
)

// FieldError is input refused in one named field; nothing was stored.
type FieldError struct {
	Field  string // e.g. "[2].device_id" or "location"
	Reason string
}

// Error names the field and says what is wrong.
func (e *FieldError) Error() string { return "app: " + e.Field + ": " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// TransitionConflict is a transition that another writer beat: the
// incident changed between reading it and writing the move. It names the
// incident's status now and the moves allowed from it, so the client can
// decide again.
type TransitionConflict struct {
	Incident incident.ID
	Status   incident.Status   // the stored status now
	Allowed  []incident.Status // the moves the state machine allows from it
	Err      error             // the store's conflict
}

// Error says what happened and what can be done now.
func (e *TransitionConflict) Error() string { return "app: " + e.Detail() }

// Detail is the message for the client: the incident, its status now and
// the moves allowed from it.
func (e *TransitionConflict) Detail() string {
	moves := make([]string, len(e.Allowed))
	for i, s := range e.Allowed {
		moves[i] = string(s)
	}
	allowed := "none (it is final)"
	if len(moves) > 0 {
		allowed = strings.Join(moves, ", ")
	}
	return fmt.Sprintf("incident %s changed meanwhile: it is %s now, and the moves allowed from %s are %s",
		e.Incident, e.Status, e.Status, allowed)
}

// Unwrap returns ErrConflict and the store's error.
func (e *TransitionConflict) Unwrap() []error { return []error{ErrConflict, e.Err} }
