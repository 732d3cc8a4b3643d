package incident

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels of the incident loop. Every refused transition is a
// *TransitionError wrapping one of the first six.
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
	// ErrGroupBy means a statistics grouping is unknown, or is by
	// community without a grid → community mapping.
	ErrGroupBy = errors.New("incident: bad statistics grouping")
	// ErrHotspotQuery means an H3 resolution outside 0–15, or a period
	// step without a start time.
	ErrHotspotQuery = errors.New("incident: bad hotspot query")
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

// Detail says, for the person who asked, what was refused and why, in
// words: the move, who asked, and the rule it broke (for a move the state
// machine lacks, the moves it allows from the status).
func (e *TransitionError) Detail() string {
	move := fmt.Sprintf("%s → %s at %s level", e.From, e.To, e.Level)
	if e.From == "" {
		move = "creating it as " + string(e.To)
	}
	return fmt.Sprintf("incident %s: %s by %s is refused: %s", e.Incident, move, e.Actor, e.rule())
}

// rule is the rule e broke, in words.
func (e *TransitionError) rule() string {
	switch {
	case errors.Is(e.Err, ErrIllegalTransition):
		moves := Allowed(e.From)
		if len(moves) == 0 {
			return fmt.Sprintf("%s is final, no move leads on from it", e.From)
		}
		names := make([]string, len(moves))
		for i, m := range moves {
			names[i] = string(m)
		}
		return fmt.Sprintf("from %s the loop allows %s", e.From, strings.Join(names, ", "))
	case errors.Is(e.Err, ErrNotPermitted):
		return "this actor does not hold the incident at its level and grid, or its role may not take this move"
	case errors.Is(e.Err, ErrTopLevel):
		return "the city holds it already; nothing is above"
	case errors.Is(e.Err, ErrFeedback):
		return "closing, and only closing, takes the resident's feedback with a score from 1 to 5"
	case errors.Is(e.Err, ErrDuplicateOf):
		return "marking a duplicate, and only that, names the id of another incident"
	case errors.Is(e.Err, ErrEventTime):
		return "the move is dated before the incident's last event"
	}
	return "the state machine refused it"
}
