package app

import (
	"context"
	"errors"
	"fmt"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
)

// RegisterWorkers inserts or replaces workers, all or none. Each needs an
// id and a known role; a device id identifies one phone, so it may be
// given to one worker only (in the batch here; in the store by its unique
// index, a conflict there wrapping data.ErrConflict). The scope policy
// decides for the worker as written and, when it exists, as stored: a
// leader writes only workers of its own grid alone and may not take over
// a worker registered elsewhere.
func (a *App) RegisterWorkers(ctx context.Context, p access.Principal, workers []patrol.Worker) error {
	devices := map[string]patrol.WorkerID{}
	for i, w := range workers {
		where := fmt.Sprintf("[%d]", i)
		if err := checkWorker(i, w); err != nil {
			return err
		}
		switch {
		case w.ID == "":
			return &FieldError{Field: where + ".id", Reason: "every worker needs an id"}
		case !w.Role.Valid():
			return &FieldError{Field: where + ".role", Reason: fmt.Sprintf("role %q is not one of "+
				"leader, full-time, instructor, professional, volunteer, building-head", w.Role)}
		}
		if err := access.Check(p, access.Write, access.WorkerOf(w)); err != nil {
			return err
		}
		old, err := a.store.Worker(ctx, w.ID)
		switch {
		case err == nil:
			if err := access.Check(p, access.Write, access.WorkerOf(old)); err != nil {
				return err
			}
		case !errors.Is(err, data.ErrNotFound):
			return fmt.Errorf("app: worker %q: %w", w.ID, err)
		}
		if w.DeviceID == "" {
			continue
		}
		if other, ok := devices[w.DeviceID]; ok && other != w.ID {
			return &FieldError{Field: where + ".device_id", Reason: fmt.Sprintf("device %q is given to worker %s too in this batch", w.DeviceID, other)}
		}
		devices[w.DeviceID] = w.ID
	}
	if err := a.store.PutWorkers(ctx, workers); err != nil {
		return fmt.Errorf("app: store %d workers: %w", len(workers), err)
	}
	a.forget("workers")
	a.audit(p, "workers upserted", "count", len(workers))
	return nil
}

// WorkerFor reads worker id for p, when the scope policy lets p see it.
func (a *App) WorkerFor(ctx context.Context, p access.Principal, id patrol.WorkerID) (patrol.Worker, error) {
	w, err := a.Worker(ctx, id)
	if err != nil {
		return w, fmt.Errorf("app: worker %q: %w", id, err)
	}
	return w, access.Check(p, access.Read, access.WorkerOf(w))
}

// Workers lists the workers p may see.
func (a *App) Workers(ctx context.Context, p access.Principal) ([]patrol.Worker, error) {
	all, err := a.store.Workers(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: list workers: %w", err)
	}
	out := []patrol.Worker{}
	for _, w := range all {
		if access.Check(p, access.Read, access.WorkerOf(w)) == nil {
			out = append(out, w)
		}
	}
	return out, nil
}
