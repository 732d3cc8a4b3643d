package server

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/data"
	"wangge/partition"
)

// incidentLockStripes is how many locks serialise the read-modify-write
// of incident transitions (by a hash of the id).
const incidentLockStripes = 64

// desk is the state the plan and incident routes share: the lock around
// plan publication, the grid index of the plan in force (built once per
// plan), the locks that keep two transitions of one incident from
// appending the same event, and the Open311 mapping.
type desk struct {
	planMu     sync.Mutex
	mu         sync.Mutex
	plans      map[partition.PlanID]*planIndex
	locks      [incidentLockStripes]sync.Mutex
	open311    *open311.Catalog
	categories []open311.Category
	limits     map[string]time.Duration
}

// newDesk makes the desk for the configured categories.
func newDesk(categories []open311.Category, agencies map[incident.Level]string, zone *time.Location) (*desk, error) {
	o, err := open311.NewCatalog(categories, agencies, zone)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return &desk{plans: map[partition.PlanID]*planIndex{}, open311: o, categories: categories,
		limits: open311.CategoryLimits(categories)}, nil
}

// planIndex is what the incident routes need of the plan in force.
type planIndex struct {
	id         partition.PlanID
	grids      *incident.GridIndex
	households map[partition.GridID]int // per grid, from the stored blocks
}

// forget drops the index of a plan that was deleted or went back to draft.
func (d *desk) forget(id partition.PlanID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.plans, id)
}

// lockIncident serialises changes to one incident within this process and
// returns the unlock.
func (d *desk) lockIncident(id incident.ID) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &d.locks[h.Sum32()%incidentLockStripes]
	m.Lock()
	return m.Unlock
}

// inForce returns the index of the published plan (the most recently
// published when a failed publish left two), or nil when no plan is
// published. The index of a plan is built on first use and kept.
func (s *Server) inForce(ctx context.Context) (*planIndex, error) {
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, fmt.Errorf("server: list plans: %w", err)
	}
	id, ok := data.InForce(plans)
	if !ok {
		return nil, nil
	}
	s.desk.mu.Lock()
	pi := s.desk.plans[id]
	s.desk.mu.Unlock()
	if pi != nil {
		return pi, nil
	}
	if pi, err = s.indexPlan(ctx, id); err != nil {
		return nil, err
	}
	s.desk.mu.Lock()
	defer s.desk.mu.Unlock()
	if prev := s.desk.plans[id]; prev != nil {
		return prev, nil
	}
	s.desk.plans[id] = pi
	return pi, nil
}

// indexPlan reads a plan's grids and the households of their blocks.
func (s *Server) indexPlan(ctx context.Context, id partition.PlanID) (*planIndex, error) {
	p, err := s.store.Plan(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("server: plan in force %q: %w", id, err)
	}
	blocks, err := s.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return nil, fmt.Errorf("server: read blocks: %w", err)
	}
	hh := make(map[partition.BlockID]int, len(blocks))
	for _, b := range blocks {
		hh[b.ID] = b.Households
	}
	pi := &planIndex{id: id, grids: incident.NewGridIndex(p.Grids), households: make(map[partition.GridID]int, len(p.Grids))}
	for _, g := range p.Grids {
		n := 0
		for _, b := range g.Blocks {
			n += hh[b]
		}
		pi.households[g.ID] = n
	}
	return pi, nil
}

// actor is who the request's token acts as in the incident loop. An
// admin token is the admin; a worker or leader token acts for the grids
// of its scope (data.Token.Grid) and, when it names a worker, that
// worker's grids in the store. Other roles do not act on incidents.
func (s *Server) actor(c echo.Context) (incident.Actor, error) {
	tok, _ := TokenFrom(c)
	a := incident.Actor{Worker: tok.Worker}
	switch tok.Role {
	case data.RoleAdmin:
		a.Role = incident.ActorAdmin
		return a, nil
	case data.RoleWorker:
		a.Role = incident.ActorWorker
		if tok.Worker == "" {
			return a, &ScopeError{Reason: "this worker token names no worker, so it cannot report or handle incidents; " +
				"create a worker token for a worker id"}
		}
	case data.RoleLeader:
		a.Role = incident.ActorLeader
	default:
		return a, &ScopeError{Reason: fmt.Sprintf("a %s token does not act on incidents", tok.Role)}
	}
	if tok.Grid != "" {
		a.Grids = append(a.Grids, tok.Grid)
	}
	if tok.Worker != "" {
		w, err := s.store.Worker(c.Request().Context(), tok.Worker)
		switch {
		case err == nil:
			a.Grids = append(a.Grids, w.Grids...)
		case !errors.Is(err, data.ErrNotFound):
			return a, fmt.Errorf("server: worker %q of the token: %w", tok.Worker, err)
		}
	}
	slices.Sort(a.Grids)
	a.Grids = slices.Compact(a.Grids)
	return a, nil
}
