package incident

import (
	"fmt"
	"slices"
	"time"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// ActorRole is the part someone plays when moving an incident.
type ActorRole string

// The actor roles. Worker and leader act for the grids in Actor.Grids; a
// dispatcher acts at Actor.Level for the grids in Actor.Grids, or for all
// grids when Grids is empty; the public (an Open311 client) only reports.
const (
	ActorWorker     ActorRole = "worker"     // full-time grid worker
	ActorLeader     ActorRole = "leader"     // grid leader (the community secretary)
	ActorDispatcher ActorRole = "dispatcher" // community, street or city dispatcher
	ActorAdmin      ActorRole = "admin"
	ActorPublic     ActorRole = "public"
)

// Actor is who makes a transition.
type Actor struct {
	Role   ActorRole
	Worker patrol.WorkerID    // the person, when known
	Grids  []partition.GridID // grids served (worker, leader) or dispatched (dispatcher; empty = all)
	Level  Level              // a dispatcher's level: community, street or city
}

// String names the actor in an Event: "worker:W1",
// "dispatcher:street:D3", "admin", "public".
func (a Actor) String() string {
	s := string(a.Role)
	if a.Role == ActorDispatcher {
		s += ":" + string(a.Level)
	}
	if a.Worker != "" {
		s += ":" + string(a.Worker)
	}
	return s
}

// ActorSystem is the actor of events wangge records by itself, such as
// locating an incident when a plan is published.
const ActorSystem = "system"

// Flags an incident may carry.
const (
	// FlagOutsideGrids: the location lies in no grid; the incident starts
	// at street level, where the command centre dispatches it.
	FlagOutsideGrids = "outside_grids"
	// FlagNoLocation: reported with an address only (Open311), so no grid
	// was looked up; it starts at street level too.
	FlagNoLocation = "no_location"
	// FlagNoPlan: created while no plan was published, so no grid was
	// looked up; publishing a plan locates it (Locate) and drops the flag.
	FlagNoPlan = "no_plan"
)

// levels is the escalation ladder, bottom first.
var levels = []Level{LevelGrid, LevelCommunity, LevelStreet, LevelCity}

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { return slices.Contains(levels, l) }

// holderLevels says at which levels an actor role holds an incident (may
// act on it). A dispatcher holds at its own Actor.Level; the public never.
var holderLevels = map[ActorRole][]Level{
	ActorWorker: {LevelGrid},
	ActorLeader: {LevelGrid, LevelCommunity},
	ActorAdmin:  levels,
}

// Who may take each edge, given that they hold the incident at its level.
var (
	anyHolder  = []ActorRole{ActorWorker, ActorLeader, ActorDispatcher, ActorAdmin}
	supervisor = []ActorRole{ActorLeader, ActorDispatcher, ActorAdmin}
	gridStaff  = []ActorRole{ActorWorker, ActorLeader, ActorAdmin}
)

// transitions is the state machine: from → to → the roles allowed. A
// status that is no key here (closed, rejected, duplicate) is final.
var transitions = map[Status]map[Status][]ActorRole{
	StatusDiscovered: {StatusReported: anyHolder, StatusRejected: supervisor, StatusDuplicate: supervisor},
	StatusReported: {StatusAccepted: anyHolder, StatusEscalated: anyHolder, StatusReturned: supervisor,
		StatusRejected: supervisor, StatusDuplicate: supervisor},
	StatusAccepted: {StatusHandling: anyHolder, StatusEscalated: anyHolder, StatusReturned: supervisor,
		StatusDuplicate: supervisor},
	StatusHandling: {StatusResolved: anyHolder, StatusEscalated: anyHolder, StatusReturned: supervisor},
	StatusResolved: {StatusClosed: anyHolder, StatusHandling: anyHolder},
	StatusEscalated: {StatusAccepted: supervisor, StatusEscalated: supervisor, StatusReturned: supervisor,
		StatusRejected: supervisor, StatusDuplicate: supervisor},
	StatusReturned: {StatusReported: gridStaff, StatusAccepted: anyHolder, StatusEscalated: anyHolder,
		StatusRejected: supervisor},
}

// Allowed lists the statuses an incident in status from may move to, in a
// fixed order; nil for a final status.
func Allowed(from Status) []Status {
	var out []Status
	for to := range transitions[from] {
		out = append(out, to)
	}
	slices.Sort(out)
	return out
}

// Final reports whether no transition leaves s.
func (s Status) Final() bool {
	return s == StatusClosed || s == StatusRejected || s == StatusDuplicate
}

// Holds reports whether a may act on an incident of grid held at level.
func (a Actor) Holds(level Level, grid partition.GridID) bool {
	switch a.Role {
	case ActorDispatcher:
		return a.Level == level && (len(a.Grids) == 0 || slices.Contains(a.Grids, grid))
	case ActorAdmin:
		return true
	case ActorWorker, ActorLeader:
		return slices.Contains(holderLevels[a.Role], level) && grid != "" && slices.Contains(a.Grids, grid)
	}
	return false
}

// TransitionOption supplies what some transitions need.
type TransitionOption func(*transitionArgs)

type transitionArgs struct {
	feedback    bool
	satisfied   bool
	score       int
	duplicateOf ID
}

// WithFeedback gives the resident's feedback; closing requires it and no
// other transition takes it.
func WithFeedback(satisfied bool, score int) TransitionOption {
	return func(t *transitionArgs) { t.feedback, t.satisfied, t.score = true, satisfied, score }
}

// WithDuplicateOf names the original; marking a duplicate requires it and
// no other transition takes it.
func WithDuplicateOf(id ID) TransitionOption {
	return func(t *transitionArgs) { t.duplicateOf = id }
}

// Transition moves inc to status to on behalf of actor at time at. A
// refused move returns a *TransitionError and leaves inc unchanged. An
// accepted one appends one Event (its Level is the level holding
// the incident afterwards) and updates Status, Level and Updated; escalated
// moves one level up, returned one level down (staying at grid), closed
// records the feedback, duplicate the original. Earlier events are never
// touched.
func Transition(inc *Incident, to Status, actor Actor, at time.Time, note string, opts ...TransitionOption) error {
	var args transitionArgs
	for _, o := range opts {
		o(&args)
	}
	refuse := func(err error) error {
		return &TransitionError{Incident: inc.ID, From: inc.Status, To: to, Level: inc.Level, Actor: actor.String(), Err: err}
	}
	roles, ok := transitions[inc.Status][to]
	if !ok {
		return refuse(ErrIllegalTransition)
	}
	if !slices.Contains(roles, actor.Role) || !actor.Holds(inc.Level, inc.Grid) {
		return refuse(ErrNotPermitted)
	}
	level := inc.Level
	switch to {
	case StatusEscalated:
		i := slices.Index(levels, level)
		if i < 0 || i == len(levels)-1 {
			return refuse(ErrTopLevel)
		}
		level = levels[i+1]
	case StatusReturned:
		if i := slices.Index(levels, level); i > 0 {
			level = levels[i-1]
		}
	}
	if args.feedback != (to == StatusClosed) || (args.feedback && (args.score < 1 || args.score > 5)) {
		return refuse(fmt.Errorf("%w: score %d", ErrFeedback, args.score))
	}
	if (args.duplicateOf != "") != (to == StatusDuplicate) || (args.duplicateOf != "" && args.duplicateOf == inc.ID) {
		return refuse(fmt.Errorf("%w: %q", ErrDuplicateOf, args.duplicateOf))
	}
	if n := len(inc.Events); at.IsZero() || (n > 0 && at.Before(inc.Events[n-1].Time)) {
		return refuse(fmt.Errorf("%w: %s", ErrEventTime, at.Format(time.RFC3339)))
	}
	inc.Events = append(inc.Events, Event{Time: at, Actor: actor.String(), From: inc.Status, To: to, Level: level, Note: note})
	inc.Status, inc.Level, inc.Updated = to, level, at
	if to == StatusClosed {
		satisfied := args.satisfied
		inc.Satisfied, inc.Score = &satisfied, args.score
	}
	if to == StatusDuplicate {
		inc.DuplicateOf = args.duplicateOf
	}
	return nil
}
