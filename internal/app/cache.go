package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// changeFeed is a store that announces the changes any process commits
// (data/postgis: LISTEN/NOTIFY): entity names such as "plans", "tokens",
// "workers", or "*" after the feed was lost and made again.
type changeFeed interface {
	Changes(ctx context.Context) (<-chan string, error)
}

// cache keeps what every request needs. It serves from memory only while
// a change feed keeps it true (watching); otherwise every read goes to the
// store and only the built plan index is kept, keyed by the plan's id and
// publication time.
type cache struct {
	mu       sync.Mutex
	watching bool
	plan     *PlanIndex // the plan in force when planOK; nil when none
	planOK   bool
	tokens   map[string]data.Token // by hash of the secret
	workers  map[patrol.WorkerID]patrol.Worker
	// gen counts drops: a value read from the store is kept only when no
	// drop came between the read and the keeping, so a change announced
	// meanwhile is never hidden by what was read before it.
	gen uint64
}

// Watch follows the store's change feed until ctx ends, dropping what a
// change elsewhere makes stale within moments of its commit; it returns
// at once (nil) when the store has no feed. While it watches, the plan
// index, tokens and workers are served from memory. It reports on ready
// (when not nil) once it listens.
func (a *App) Watch(ctx context.Context, ready func()) error {
	feed, ok := a.store.(changeFeed)
	if !ok {
		if ready != nil {
			ready()
		}
		return nil
	}
	ch, err := feed.Changes(ctx)
	if err != nil {
		return fmt.Errorf("app: watch the store: %w", err)
	}
	a.cache.mu.Lock()
	a.cache.watching = true
	a.cache.dropAll()
	a.cache.mu.Unlock()
	if ready != nil {
		ready()
	}
	defer func() {
		a.cache.mu.Lock()
		a.cache.watching = false
		a.cache.dropAll()
		a.cache.mu.Unlock()
	}()
	for entity := range ch {
		if w, ok := strings.CutPrefix(entity, data.FixesChanged); ok {
			a.relayFix(ctx, patrol.WorkerID(w))
			continue
		}
		a.cache.mu.Lock()
		a.cache.drop(entity)
		a.cache.mu.Unlock()
	}
	return ctx.Err()
}

// drop forgets what a change of entity makes stale; the caller holds mu.
func (c *cache) drop(entity string) {
	c.gen++
	switch entity {
	case "plans", "grids", "blocks":
		c.plan, c.planOK = nil, false
	case "tokens":
		c.tokens = nil
	case "workers":
		c.workers = nil
	case "*":
		c.dropAll()
	}
}

// dropAll forgets everything; the caller holds mu.
func (c *cache) dropAll() {
	c.gen++
	c.plan, c.planOK, c.tokens, c.workers = nil, false, nil, nil
}

// PlanIndex is what incidents and loads need of the plan in force: its
// grids, an index to locate points in them, and each grid's households.
type PlanIndex struct {
	plan       partition.Plan
	grids      *incident.GridIndex
	households map[partition.GridID]int
}

// Plan is the plan in force, with its grids.
func (p *PlanIndex) Plan() partition.Plan { return p.plan }

// Locator finds the grid of a point.
func (p *PlanIndex) Locator() *incident.GridIndex { return p.grids }

// Households is the households of each grid, summed from its blocks.
func (p *PlanIndex) Households() map[partition.GridID]int { return p.households }

// InForce returns the index of the plan in force, or nil when no plan is
// published.
func (a *App) InForce(ctx context.Context) (*PlanIndex, error) {
	a.cache.mu.Lock()
	if a.cache.watching && a.cache.planOK {
		pi := a.cache.plan
		a.cache.mu.Unlock()
		return pi, nil
	}
	gen := a.cache.gen
	a.cache.mu.Unlock()
	plans, err := a.store.Plans(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: list plans: %w", err)
	}
	id, ok := data.InForce(plans)
	var published time.Time
	for _, p := range plans {
		if p.ID == id {
			published = p.Published
		}
	}
	a.cache.mu.Lock()
	if pi := a.cache.plan; ok && pi != nil && pi.plan.ID == id && pi.plan.Published.Equal(published) {
		a.cache.planOK = a.cache.gen == gen
		a.cache.mu.Unlock()
		return pi, nil
	}
	a.cache.mu.Unlock()
	var pi *PlanIndex
	if ok {
		if pi, err = a.indexPlan(ctx, id); err != nil {
			return nil, err
		}
	}
	a.cache.mu.Lock()
	if a.cache.gen == gen {
		a.cache.plan, a.cache.planOK = pi, true
	}
	a.cache.mu.Unlock()
	return pi, nil
}

// indexPlan reads a plan's grids and the households of their blocks.
func (a *App) indexPlan(ctx context.Context, id partition.PlanID) (*PlanIndex, error) {
	p, err := a.store.Plan(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("app: plan in force %q: %w", id, err)
	}
	blocks, err := a.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return nil, fmt.Errorf("app: read blocks: %w", err)
	}
	hh := make(map[partition.BlockID]int, len(blocks))
	for _, b := range blocks {
		hh[b.ID] = b.Households
	}
	pi := &PlanIndex{plan: p, grids: incident.NewGridIndex(p.Grids), households: make(map[partition.GridID]int, len(p.Grids))}
	for _, g := range p.Grids {
		n := 0
		for _, b := range g.Blocks {
			n += hh[b]
		}
		pi.households[g.ID] = n
	}
	return pi, nil
}

// Worker reads a worker, from memory while the cache is kept true.
func (a *App) Worker(ctx context.Context, id patrol.WorkerID) (patrol.Worker, error) {
	a.cache.mu.Lock()
	if w, ok := a.cache.workers[id]; ok && a.cache.watching {
		a.cache.mu.Unlock()
		return w, nil
	}
	gen := a.cache.gen
	a.cache.mu.Unlock()
	w, err := a.store.Worker(ctx, id)
	if err != nil {
		return w, err
	}
	a.cache.mu.Lock()
	if a.cache.watching && a.cache.gen == gen {
		if a.cache.workers == nil {
			a.cache.workers = map[patrol.WorkerID]patrol.Worker{}
		}
		a.cache.workers[id] = w
	}
	a.cache.mu.Unlock()
	return w, nil
}

// tokenByHash reads a token by the hash of its secret, from memory while
// the cache is kept true.
func (a *App) tokenByHash(ctx context.Context, hash string) (data.Token, error) {
	a.cache.mu.Lock()
	if t, ok := a.cache.tokens[hash]; ok && a.cache.watching {
		a.cache.mu.Unlock()
		return t, nil
	}
	gen := a.cache.gen
	a.cache.mu.Unlock()
	t, err := a.store.TokenByHash(ctx, hash)
	if err != nil {
		return t, err
	}
	a.cache.mu.Lock()
	if a.cache.watching && a.cache.gen == gen {
		if a.cache.tokens == nil {
			a.cache.tokens = map[string]data.Token{}
		}
		a.cache.tokens[hash] = t
	}
	a.cache.mu.Unlock()
	return t, nil
}

// forget drops what this process just changed, so that its next read
// sees it without waiting for the feed.
func (a *App) forget(entity string) {
	a.cache.mu.Lock()
	a.cache.drop(entity)
	a.cache.mu.Unlock()
}
