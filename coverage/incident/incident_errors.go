package incident

import (
	"errors"
	"fmt"
)

// Sentinels of the incident loop. Every refused transition is a
// *TransitionError wrapping one of the first seven; every bad Open311 form
// or filter is a *FieldError wrapping ErrMissingField, ErrBadValue,
// ErrOutOfRange or ErrUnknownService.
var (
	// ErrIllegalTransition means the transition table has no edge from
	// the incident's status to the one asked for.
	ErrIllegalTransition = errors.New("incident: illegal transition")
	// ErrNotPermitted means the edge exists but the actor's role, grids or
	// level may not take it at the incident's current level.
	ErrNotPermitted = errors.New("incident: actor not permitted")
	// ErrTopLevel means an incident held by the city cannot escalate.
	ErrTopLevel = errors.New("incident: already at the top level")
	// ErrFeedback means closing lacks the resident's feedback or its score
	// is outside 1–5.
	ErrFeedback = errors.New("incident: closing needs feedback with a score 1-5")
	// ErrDuplicateOf means marking a duplicate lacks the original's id or
	// names the incident itself.
	ErrDuplicateOf = errors.New("incident: duplicate needs the id of another incident")
	// ErrEventTime means the transition is dated before the incident's
	// last event, or not dated at all.
	ErrEventTime = errors.New("incident: transition time before the last event")
	// ErrCreate means a new incident lacks an id or category, or starts in
	// a status other than discovered or reported.
	ErrCreate = errors.New("incident: bad new incident")
	// ErrUnknownService means an Open311 service_code names no configured
	// category.
	ErrUnknownService = errors.New("incident: unknown service_code")
	// ErrGroupBy means a statistics grouping is unknown, or is by
	// community without a grid → community mapping.
	ErrGroupBy = errors.New("incident: bad statistics grouping")
	// ErrHotspotQuery means an H3 resolution outside 0–15, or a period
	// step without a start time.
	ErrHotspotQuery = errors.New("incident: bad hotspot query")
	// ErrCategories means the configured categories are unusable: an
	// empty or repeated code.
	ErrCategories = errors.New("incident: bad category list")
)

// TransitionError is a refused transition. The incident is left as it was.
// Callers serving HTTP answer 409 Conflict (ErrNotPermitted may be served
// as 403 instead); Err says why.
type TransitionError struct {
	Incident ID
	From     Status
	To       Status
	Level    Level
	Actor    string
	Err      error
}

// Error reads like "incident: incident I1: reported → closed at grid level
// by worker:W1: coverage: illegal transition", or for a refused creation
// "incident: incident I1: create as discovered by public: …".
func (e *TransitionError) Error() string {
	move := fmt.Sprintf("%s → %s at %s level", e.From, e.To, e.Level)
	if e.From == "" {
		move = "create as " + string(e.To)
	}
	return fmt.Sprintf("incident: incident %s: %s by %s: %v", e.Incident, move, e.Actor, e.Err)
}

// Unwrap returns the sentinel (and cause).
func (e *TransitionError) Unwrap() error { return e.Err }

// FieldError is bad input in one named field of an Open311 form or query.
type FieldError struct {
	Field string
	Err   error
}

// Error reads like "incident: open311 field lat: coverage: bad value: …".
func (e *FieldError) Error() string {
	return "incident: open311 field " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the sentinel (and cause).
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrorf makes a FieldError wrapping sentinel with a formatted detail.
func FieldErrorf(field string, sentinel error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}
