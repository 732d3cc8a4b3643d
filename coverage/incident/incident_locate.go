package incident

import (
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

// GridLocator answers which grid holds a point.
type GridLocator interface {
	Locate(p orb.Point) (partition.GridID, bool)
}

// GridIndex is a GridLocator over the grids of one plan, with each grid's
// parent (its community) for grouping statistics. It is safe for
// concurrent use once built.
type GridIndex struct {
	ix      *geo.Index[partition.GridID]
	parents map[partition.GridID]partition.AreaID
}

var _ GridLocator = (*GridIndex)(nil)

// NewGridIndex indexes the geometries of grids. A grid's Parent, when set,
// is taken as its community.
func NewGridIndex(grids []partition.Grid) *GridIndex {
	g := &GridIndex{ix: geo.NewIndex[partition.GridID](), parents: make(map[partition.GridID]partition.AreaID, len(grids))}
	for _, gr := range grids {
		g.ix.Insert(gr.ID, gr.Geometry)
		if gr.Parent != "" {
			g.parents[gr.ID] = partition.AreaID(gr.Parent)
		}
	}
	return g
}

// Locate returns the grid containing p (the boundary rule of geo.Index
// puts a point on a shared edge in exactly one grid).
func (g *GridIndex) Locate(p orb.Point) (partition.GridID, bool) {
	return g.ix.Lookup(p)
}

// Parents returns the grid → community mapping, for StatsQuery.Parents.
// The map is the index's own: do not modify it.
func (g *GridIndex) Parents() map[partition.GridID]partition.AreaID { return g.parents }

// CurrentGrid answers which grid of the plan behind locator holds the
// incident's location now; inc.Grid keeps the grid at report time. An
// incident without a location has no current grid.
func CurrentGrid(inc Incident, locator GridLocator) (partition.GridID, bool) {
	if slices.Contains(inc.Flags, FlagNoLocation) {
		return "", false
	}
	return locator.Locate(inc.Location)
}

// Create starts an incident from the descriptive fields of draft (ID,
// Category, Description, Address, MediaURL, Location, Grid, Flags) and its
// Status, discovered or reported (empty means reported; the public may only
// report). The grid is looked up with locator unless draft carries
// FlagNoLocation; with a nil locator draft.Grid is kept. An incident in no
// grid is flagged FlagOutsideGrids (unless the draft carries FlagNoPlan:
// there was no plan to be outside of) and starts at street level; otherwise
// it starts at grid level. The first event records the creation (From empty).
func Create(draft Incident, actor Actor, at time.Time, note string, locator GridLocator) (Incident, error) {
	status := draft.Status
	if status == "" {
		status = StatusReported
	}
	switch {
	case draft.ID == "":
		return Incident{}, fmt.Errorf("%w: no id", ErrCreate)
	case draft.Category == "":
		return Incident{}, fmt.Errorf("%w: incident %s: no category", ErrCreate, draft.ID)
	case status != StatusReported && status != StatusDiscovered:
		return Incident{}, fmt.Errorf("%w: incident %s: cannot start as %q", ErrCreate, draft.ID, status)
	case at.IsZero():
		return Incident{}, fmt.Errorf("%w: incident %s: no time", ErrCreate, draft.ID)
	}
	if actor.Role == ActorPublic && status != StatusReported || !actor.Role.creates() {
		return Incident{}, &TransitionError{Incident: draft.ID, To: status, Actor: actor.String(), Err: ErrNotPermitted}
	}
	inc := Incident{ID: draft.ID, Category: draft.Category, Description: draft.Description, Address: draft.Address,
		MediaURL: draft.MediaURL, Location: draft.Location, Grid: draft.Grid, Status: status, Level: LevelGrid,
		Reporter: actor.Worker, Reported: at, Updated: at, Flags: slices.Clone(draft.Flags)}
	noLocation := slices.Contains(inc.Flags, FlagNoLocation)
	if noLocation {
		inc.Grid = ""
	} else if locator != nil {
		inc.Grid, _ = locator.Locate(inc.Location)
	}
	if inc.Grid == "" {
		inc.Level = LevelStreet
		if !noLocation && !slices.Contains(inc.Flags, FlagOutsideGrids) && !slices.Contains(inc.Flags, FlagNoPlan) {
			inc.Flags = append(inc.Flags, FlagOutsideGrids)
		}
	}
	// Room for the usual path reported → accepted → handling → resolved →
	// closed, so that transitions seldom reallocate.
	inc.Events = make([]Event, 1, 6)
	inc.Events[0] = Event{Time: at, Actor: actor.String(), To: status, Level: inc.Level, Note: note}
	return inc, nil
}

// creates reports whether the role may create incidents.
func (r ActorRole) creates() bool {
	return r == ActorPublic || slices.Contains(anyHolder, r)
}

// LocateUnplanned locates an incident created while no plan was published
// (it carries FlagNoPlan) in plan, just published, through its locator:
// the flag goes, the grid holding the location is set and the incident
// comes down to grid level unless it has been escalated since (in no grid
// it is flagged FlagOutsideGrids instead), and an event by the system at
// at (or at the last event, if later) records it without changing the
// status. It reports false, changing nothing, for any other incident.
func LocateUnplanned(inc *Incident, plan partition.PlanID, locator GridLocator, at time.Time) bool {
	i := slices.Index(inc.Flags, FlagNoPlan)
	if i < 0 {
		return false
	}
	inc.Flags = slices.Delete(slices.Clone(inc.Flags), i, i+1)
	note := fmt.Sprintf("located on the publication of plan %s: ", plan)
	if grid, ok := CurrentGrid(*inc, locator); ok {
		inc.Grid = grid
		escalated := slices.ContainsFunc(inc.Events, func(e Event) bool { return e.To == StatusEscalated })
		if !escalated {
			inc.Level = LevelGrid
		}
		note += "in grid " + string(grid)
	} else {
		if !slices.Contains(inc.Flags, FlagNoLocation) {
			inc.Flags = append(inc.Flags, FlagOutsideGrids)
		}
		note += "in no grid"
	}
	if n := len(inc.Events); n > 0 && at.Before(inc.Events[n-1].Time) {
		at = inc.Events[n-1].Time
	}
	inc.Events = append(inc.Events, Event{Time: at, Actor: ActorSystem, From: inc.Status, To: inc.Status, Level: inc.Level, Note: note})
	inc.Updated = at
	return true
}
