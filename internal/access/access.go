// Package access is the one scope policy of wangge: who may read or change
// which grid, worker, key place, track and incident. The HTTP routes decide
// which roles may call them at all (server's route table); this package
// decides, for a caller whose role passed, whether the thing asked for is
// within its scope. Every handler and every use case asks it, so that the
// API, the CLI and the demo obey one rule, and its test is the full matrix
// of role × resource × own or other grid.
//
// The rules, by role:
//
//	admin    everything
//	planner  the territory, plans (draw, upload, edit, publish) and grids
//	         (coverage of any grid); tracks
//	         of any worker (bulk uploads); no workers, key places or reports
//	leader   its one grid: the grid's coverage and key places, the workers
//	         registered in it (to change one, only in it), tracks of any
//	         worker (uploads from a terminal), incidents in any worker's
//	         name, as far as the state machine lets the leader act
//	worker   itself: its own record, its own track, incidents in its name
//	viewer   public data only
package access

import (
	"fmt"
	"slices"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// Principal is who a request or command acts as: the role and scope of an
// API token (or of the operator at the command line, an admin).
type Principal struct {
	Role    data.Role
	Worker  patrol.WorkerID  // the worker a worker token belongs to
	Grid    partition.GridID // the grid a leader token leads
	TokenID string           // for error messages and audit logs; never the secret
}

// Of is the principal of a token.
func Of(t data.Token) Principal {
	return Principal{Role: t.Role, Worker: t.Worker, Grid: t.Grid, TokenID: t.ID}
}

// Operator is the principal of a command run on the store's own machine:
// it may do everything an admin may.
var Operator = Principal{Role: data.RoleAdmin, TokenID: "operator"}

// Action is what a principal wants to do with a resource.
type Action string

// The actions.
const (
	Read  Action = "read"
	Write Action = "write"
)

// Kind is a kind of scoped resource.
type Kind string

// The scoped kinds. Blocks, incidents and statistics are public to every
// role that may call their routes and need no scope check; plans are read
// by everyone and changed by planners and admins; the rest is personal or
// grid-bound.
const (
	Plan     Kind = "plan"      // a grid plan: drawn, uploaded, edited, published, deleted
	Grid     Kind = "grid"      // a grid's coverage, gaps and overdue key places
	Worker   Kind = "worker"    // a worker's record and trajectory
	KeyPlace Kind = "key place" // a key household's location and visits
	Track    Kind = "track"     // a worker's GPS fixes
	Report   Kind = "report"    // an incident filed in a worker's name
)

// Resource is one thing a principal wants to reach: its kind, its id and
// the grids and worker it belongs to.
type Resource struct {
	Kind   Kind
	ID     string
	Grids  []partition.GridID // a worker's grids, a key place's or a grid's own
	Worker patrol.WorkerID    // a worker itself, a track's worker, a report's reporter
}

// PlanOf is the resource of a plan.
func PlanOf(id partition.PlanID) Resource { return Resource{Kind: Plan, ID: string(id)} }

// GridOf is the resource of a grid.
func GridOf(id partition.GridID) Resource {
	return Resource{Kind: Grid, ID: string(id), Grids: []partition.GridID{id}}
}

// WorkerOf is the resource of a worker's record and trajectory.
func WorkerOf(w patrol.Worker) Resource {
	return Resource{Kind: Worker, ID: string(w.ID), Grids: w.Grids, Worker: w.ID}
}

// KeyPlaceOf is the resource of a key place.
func KeyPlaceOf(k patrol.KeyPlace) Resource {
	return Resource{Kind: KeyPlace, ID: string(k.ID), Grids: []partition.GridID{k.Grid}}
}

// TrackOf is the resource of a worker's fixes.
func TrackOf(w patrol.WorkerID) Resource {
	return Resource{Kind: Track, ID: string(w), Worker: w}
}

// ReportAs is the resource of an incident filed in reporter's name.
func ReportAs(reporter patrol.WorkerID) Resource {
	return Resource{Kind: Report, ID: string(reporter), Worker: reporter}
}

// Check answers whether p may take action a on r: nil, or a *Denied that
// says why in words the caller can act on.
func Check(p Principal, a Action, r Resource) error {
	if allowed(p, a, r) {
		return nil
	}
	return &Denied{Principal: p, Action: a, Resource: r, Reason: reason(p, a, r)}
}

// allowed is the policy table.
func allowed(p Principal, a Action, r Resource) bool {
	if r.Kind == Plan && a == Read {
		return true
	}
	switch p.Role {
	case data.RoleAdmin:
		return true
	case data.RolePlanner:
		return r.Kind == Track || r.Kind == Grid || r.Kind == Plan
	case data.RoleLeader:
		if p.Grid == "" {
			return false
		}
		switch r.Kind {
		case KeyPlace:
			return onlyIn(r.Grids, p.Grid)
		case Worker:
			if a == Read {
				return slices.Contains(r.Grids, p.Grid)
			}
			return onlyIn(r.Grids, p.Grid)
		case Grid:
			return a == Read && onlyIn(r.Grids, p.Grid)
		case Track, Report:
			return true // uploads and reports for any worker: the state machine checks who holds an incident
		}
	case data.RoleWorker:
		if p.Worker == "" {
			return false
		}
		switch r.Kind {
		case Worker:
			return a == Read && r.Worker == p.Worker
		case Track, Report:
			return r.Worker == p.Worker
		}
	}
	return false
}

// onlyIn reports whether grids is exactly the one grid g: a leader changes
// what belongs to its grid alone, never what other grids share.
func onlyIn(grids []partition.GridID, g partition.GridID) bool {
	return len(grids) > 0 && !slices.ContainsFunc(grids, func(x partition.GridID) bool { return x != g })
}

// reason says why p may not take action a on r.
func reason(p Principal, a Action, r Resource) string {
	what := string(r.Kind) + " " + r.ID
	switch p.Role {
	case data.RoleLeader:
		if p.Grid == "" {
			return "this leader token is scoped to no grid; ask an administrator for a token of your grid"
		}
		if a == Write && r.Kind == Worker && slices.Contains(r.Grids, p.Grid) {
			return fmt.Sprintf("%s belongs to grids %v; a leader of grid %s changes only workers of that grid alone", what, r.Grids, p.Grid)
		}
		return fmt.Sprintf("%s is outside grid %s, the grid of this leader token", what, p.Grid)
	case data.RoleWorker:
		if p.Worker == "" {
			return "this worker token names no worker; ask an administrator for a token of your own"
		}
		return fmt.Sprintf("a worker token reaches only its own worker (%s), not %s", p.Worker, what)
	}
	return fmt.Sprintf("a %s token may not %s %s", p.Role, a, what)
}

// Actor is who p acts as in the incident loop: an admin is the admin; a
// worker or leader acts for the grid of its scope and the grids of the
// worker it names (workerGrids, read from the store by the caller). Other
// roles do not act on incidents.
func Actor(p Principal, workerGrids []partition.GridID) (incident.Actor, error) {
	a := incident.Actor{Worker: p.Worker}
	switch p.Role {
	case data.RoleAdmin:
		a.Role = incident.ActorAdmin
		return a, nil
	case data.RoleWorker:
		if p.Worker == "" {
			return a, &Denied{Principal: p, Action: Write, Resource: Resource{Kind: Report},
				Reason: "this worker token names no worker, so it cannot report or handle incidents; create a worker token for a worker id"}
		}
		a.Role = incident.ActorWorker
	case data.RoleLeader:
		a.Role = incident.ActorLeader
	default:
		return a, &Denied{Principal: p, Action: Write, Resource: Resource{Kind: Report},
			Reason: fmt.Sprintf("a %s token does not act on incidents", p.Role)}
	}
	if p.Grid != "" {
		a.Grids = append(a.Grids, p.Grid)
	}
	a.Grids = append(a.Grids, workerGrids...)
	slices.Sort(a.Grids)
	a.Grids = slices.Compact(a.Grids)
	return a, nil
}
