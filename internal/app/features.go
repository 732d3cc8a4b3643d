package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
)

// KeyPlaces lists a page of the key places p may read (an admin all, a
// leader those of its grid), ordered by id, filtered by q; Limit places at
// most (0: all). Every answer is audit-logged with the places it shows.
func (a *App) KeyPlaces(ctx context.Context, p access.Principal, q data.BBoxQuery) ([]patrol.KeyPlace, error) {
	var out []patrol.KeyPlace
	for {
		batch, err := a.store.KeyPlaces(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("app: list key places: %w", err)
		}
		for _, k := range batch {
			if access.Check(p, access.Read, access.KeyPlaceOf(k)) == nil && (q.Limit == 0 || len(out) < q.Limit) {
				out = append(out, k)
			}
		}
		if q.Limit == 0 || len(out) >= q.Limit || len(batch) < q.Limit {
			break
		}
		q.After = string(batch[len(batch)-1].ID)
	}
	ids := make([]patrol.KeyPlaceID, len(out))
	for i, k := range out {
		ids[i] = k.ID
	}
	a.audit(p, "key places read", "count", len(ids), "places", ids)
	return out, nil
}

// TrackID names one fix: its worker and instant, "worker@RFC3339Nano".
func TrackID(pt patrol.TrackPoint) string {
	return string(pt.Worker) + "@" + pt.Time.UTC().Format(time.RFC3339Nano)
}

// ParseTrackID reads a TrackID.
func ParseTrackID(id string) (patrol.WorkerID, time.Time, error) {
	i := strings.LastIndexByte(id, '@')
	if i <= 0 {
		return "", time.Time{}, &FieldError{Field: "id", Reason: fmt.Sprintf("%q is not a fix id: want worker@RFC3339 time", id)}
	}
	t, err := time.Parse(time.RFC3339Nano, id[i+1:])
	if err != nil {
		return "", time.Time{}, &FieldError{Field: "id", Reason: fmt.Sprintf("%q is not a fix id: want worker@RFC3339 time", id)}
	}
	return patrol.WorkerID(id[:i]), t, nil
}

// Fixes lists a page of the GPS fixes p may read (its own as a worker,
// those of its grid's workers as a leader, all as an admin), ordered by
// worker and time, after the fix named after (a TrackID; empty: from the
// start), within q's window and box; q.Limit fixes at most (0: all).
func (a *App) Fixes(ctx context.Context, p access.Principal, q data.TrackQuery, after string) ([]patrol.TrackPoint, error) {
	var afterWorker patrol.WorkerID
	var afterTime time.Time
	if after != "" {
		var err error
		if afterWorker, afterTime, err = ParseTrackID(after); err != nil {
			return nil, err
		}
	}
	workers, err := a.Workers(ctx, p)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(workers, func(x, y patrol.Worker) int { return strings.Compare(string(x.ID), string(y.ID)) })
	var out []patrol.TrackPoint
	limit := q.Limit
	for _, w := range workers {
		if w.ID < afterWorker || q.Worker != "" && w.ID != q.Worker {
			continue
		}
		wq := q
		wq.Worker = w.ID
		if w.ID == afterWorker {
			// Stores keep fix times to the millisecond.
			if next := afterTime.Truncate(time.Millisecond).Add(time.Millisecond); next.After(wq.From) {
				wq.From = next
			}
		}
		if limit > 0 {
			wq.Limit = limit - len(out)
		}
		pts, err := a.store.TrackPoints(ctx, wq)
		if err != nil {
			return nil, fmt.Errorf("app: fixes of %s: %w", w.ID, err)
		}
		out = append(out, pts...)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// KeyPlace reads key place id for p, when the scope policy lets p see it;
// the read is audit-logged.
func (a *App) KeyPlace(ctx context.Context, p access.Principal, id patrol.KeyPlaceID) (patrol.KeyPlace, error) {
	k, err := a.store.KeyPlace(ctx, id)
	if err != nil {
		return k, fmt.Errorf("app: key place %q: %w", id, err)
	}
	if err := access.Check(p, access.Read, access.KeyPlaceOf(k)); err != nil {
		return k, err
	}
	a.audit(p, "key places read", "count", 1, "places", []patrol.KeyPlaceID{id})
	return k, nil
}
