package app

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
)

// positionBuffer is how many positions a subscriber may fall behind
// before the ones it cannot take are dropped (a live map wants the latest
// position, not every one).
const positionBuffer = 256

// recentWindow is how far back Positions looks for a worker's last fix.
const recentWindow = 48 * time.Hour

// broker fans the fixes IngestFixes stores out to the subscribers of
// Positions, in this process.
type broker struct {
	mu   sync.Mutex
	subs map[chan patrol.TrackPoint]map[patrol.WorkerID]bool // each subscriber's visible workers
}

// publish hands each worker's last fix of a stored batch to the
// subscribers that may see that worker, never blocking ingest.
func (b *broker) publish(pts []patrol.TrackPoint) {
	last := map[patrol.WorkerID]patrol.TrackPoint{}
	for _, p := range pts {
		if q, ok := last[p.Worker]; !ok || p.Time.After(q.Time) {
			last[p.Worker] = p
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, visible := range b.subs {
		for w, p := range last {
			if !visible[w] {
				continue
			}
			select {
			case ch <- p:
			default: // a slow reader loses this position, not ingest its speed
			}
		}
	}
}

// Live is a subscription to workers' positions: the last fix of each
// visible worker in the past two days when it began, then every worker's
// newest fix as it is stored.
type Live struct {
	Recent []patrol.TrackPoint
	Fixes  <-chan patrol.TrackPoint
}

// Positions subscribes p to the positions of the workers it may see
// (access policy: all for an admin, its grid's workers for a leader,
// itself for a worker) until ctx ends. It sees the fixes stored through
// this App and, while Watch follows a store's change feed (PostGIS), those
// other servers store (relayFix). Workers registered after the
// subscription began are not in it.
func (a *App) Positions(ctx context.Context, p access.Principal) (Live, error) {
	workers, err := a.Workers(ctx, p)
	if err != nil {
		return Live{}, err
	}
	visible := make(map[patrol.WorkerID]bool, len(workers))
	ch := make(chan patrol.TrackPoint, positionBuffer)
	a.live.mu.Lock()
	if a.live.subs == nil {
		a.live.subs = map[chan patrol.TrackPoint]map[patrol.WorkerID]bool{}
	}
	for _, w := range workers {
		visible[w.ID] = true
	}
	a.live.subs[ch] = visible
	a.live.mu.Unlock()
	context.AfterFunc(ctx, func() {
		a.live.mu.Lock()
		delete(a.live.subs, ch)
		a.live.mu.Unlock()
	})
	now := a.now()
	live := Live{Fixes: ch}
	for _, w := range workers {
		pts, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: w.ID, From: now.Add(-recentWindow), To: now.Add(time.Minute)})
		if err != nil {
			return Live{}, fmt.Errorf("app: last fix of %s: %w", w.ID, err)
		}
		if len(pts) > 0 {
			live.Recent = append(live.Recent, slices.MaxFunc(pts, func(x, y patrol.TrackPoint) int { return x.Time.Compare(y.Time) }))
		}
	}
	return live, nil
}

// relayWindow is how far back relayFix looks for the fix another server
// announced: a live map shows positions of now, not imports of old days.
const relayWindow = 10 * time.Minute

// relayFix passes the newest fix of worker, stored by another server and
// announced on the change feed, to the subscribers that may see it. It
// reads the store only when someone subscribes; a failed read is logged
// and the position skipped, as a slow subscriber's is.
func (a *App) relayFix(ctx context.Context, worker patrol.WorkerID) {
	a.live.mu.Lock()
	listening := len(a.live.subs) > 0
	a.live.mu.Unlock()
	if !listening {
		return
	}
	now := a.now()
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: worker, From: now.Add(-relayWindow), To: now.Add(time.Minute)})
	if err != nil {
		a.log.Warn("relay a position from the change feed", "worker", string(worker), "err", err)
		return
	}
	if len(pts) > 0 {
		a.live.publish(pts[len(pts)-1:])
	}
}
