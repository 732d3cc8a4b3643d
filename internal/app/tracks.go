package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/internal/access"
)

// Ingested is the outcome of an ingest: how many fixes came in, how many
// survived cleaning, how many of those were new to the store (a re-sent
// batch gives 0) and, by reason, how many cleaning dropped (reasons with
// no drop are left out; see track.CleanReport).
type Ingested struct {
	Received int            `json:"received"`
	Kept     int            `json:"kept"`
	New      int            `json:"new"`
	Dropped  map[string]int `json:"dropped"`
}

// UnknownWorker is a fix of a worker that is not registered.
type UnknownWorker struct {
	Fix    int // index of the first such fix
	Worker patrol.WorkerID
}

// Error says which worker and how to register it.
func (e *UnknownWorker) Error() string {
	return fmt.Sprintf("app: fix %d: worker %q is not registered; create it with POST /api/v1/workers first", e.Fix, e.Worker)
}

// Unwrap returns ErrInvalid.
func (e *UnknownWorker) Unwrap() error { return ErrInvalid }

// anchorWindow is how far back ingest looks for a worker's last stored
// fix: beyond it, a fix could have come from anywhere a worker may travel.
const anchorWindow = 10 * time.Minute

// IngestFixes stores the fixes of registered workers that p may write
// (the scope policy: a worker its own), cleaned by track.Clean with the
// App's clock as Now (so fixes from a phone clock that runs ahead are
// dropped), in one atomic PutTrackPoints call.
//
// Each worker's last stored fix before the batch (within anchorWindow)
// goes in front of the batch as the anchor of the speed and spike checks,
// and is taken out again after cleaning: the phone apps send one fix a
// request, and a batch of one has no neighbour to be checked against.
func (a *App) IngestFixes(ctx context.Context, p access.Principal, pts []patrol.TrackPoint) (Ingested, error) {
	if err := a.checkFixes(ctx, p, pts); err != nil {
		return Ingested{}, err
	}
	anchors, err := a.anchors(ctx, pts)
	if err != nil {
		return Ingested{}, err
	}
	kept, rep := track.Clean(append(anchors, pts...), track.CleanOptions{Now: a.now()})
	type key struct {
		w patrol.WorkerID
		t int64
	}
	isAnchor := make(map[key]bool, len(anchors))
	for _, an := range anchors {
		isAnchor[key{an.Worker, an.Time.UnixNano()}] = true
	}
	kept = slices.DeleteFunc(kept, func(p patrol.TrackPoint) bool { return isAnchor[key{p.Worker, p.Time.UnixNano()}] })
	rep.Input -= len(anchors)
	rep.Kept = len(kept)
	res := Ingested{Received: rep.Input, Kept: rep.Kept, Dropped: rep.ByReason()}
	if len(kept) > 0 {
		n, err := a.store.PutTrackPoints(ctx, kept)
		if err != nil {
			return res, fmt.Errorf("app: store %d fixes: %w", len(kept), err)
		}
		res.New = n
		a.live.publish(kept)
	}
	a.log.Info("fixes ingested", "received", res.Received, "kept", res.Kept, "new", res.New, "token", p.TokenID)
	return res, nil
}

// checkFixes refuses fixes p may not write and fixes of workers that are
// not registered.
func (a *App) checkFixes(ctx context.Context, p access.Principal, pts []patrol.TrackPoint) error {
	seen := map[patrol.WorkerID]bool{}
	for i, f := range pts {
		if err := checkFix(i, f); err != nil {
			return err
		}
		if seen[f.Worker] {
			continue
		}
		seen[f.Worker] = true
		if err := access.Check(p, access.Write, access.TrackOf(f.Worker)); err != nil {
			return err
		}
		if _, err := a.Worker(ctx, f.Worker); errors.Is(err, data.ErrNotFound) {
			return &UnknownWorker{Fix: i, Worker: f.Worker}
		} else if err != nil {
			return fmt.Errorf("app: worker %q: %w", f.Worker, err)
		}
	}
	return nil
}

// anchors returns, for each worker of pts, its last stored fix in the
// anchorWindow before its first fix in pts, when there is one that
// cleaning keeps (accuracy within track.DefaultMaxAccuracy), so that it is
// always kept as the first fix of its worker.
func (a *App) anchors(ctx context.Context, pts []patrol.TrackPoint) ([]patrol.TrackPoint, error) {
	first := map[patrol.WorkerID]time.Time{}
	for _, p := range pts {
		if t, ok := first[p.Worker]; !ok || p.Time.Before(t) {
			first[p.Worker] = p.Time
		}
	}
	var out []patrol.TrackPoint
	for _, w := range slices.Sorted(maps.Keys(first)) {
		an, ok, err := a.anchor(ctx, w, first[w])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, an)
		}
	}
	return out, nil
}

// anchor finds the last usable fix of w before t. It reads the last
// minute first (a dozen fixes at the apps' usual 5 s) and the whole
// anchorWindow only when that minute holds none.
func (a *App) anchor(ctx context.Context, w patrol.WorkerID, t time.Time) (patrol.TrackPoint, bool, error) {
	for _, back := range []time.Duration{time.Minute, anchorWindow} {
		prev, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: w, From: t.Add(-back), To: t})
		if err != nil {
			return patrol.TrackPoint{}, false, fmt.Errorf("app: last fixes of %s: %w", w, err)
		}
		for i := len(prev) - 1; i >= 0; i-- {
			if prev[i].Accuracy <= track.DefaultMaxAccuracy {
				return prev[i], true, nil
			}
		}
	}
	return patrol.TrackPoint{}, false, nil
}

// WorkerByDevice is the worker a device is registered to.
func (a *App) WorkerByDevice(ctx context.Context, device string) (patrol.Worker, error) {
	return a.store.WorkerByDevice(ctx, device)
}
