package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// workerJSON is a worker as the API reads and writes it. DeviceID links a
// phone: the ingest routes resolve a device to the worker carrying it.
type workerJSON struct {
	ID       patrol.WorkerID    `json:"id"`
	Name     string             `json:"name"`
	Role     patrol.WorkerRole  `json:"role"`
	DeviceID string             `json:"device_id,omitempty"`
	Grids    []partition.GridID `json:"grids"`
}

func toWorkerJSON(w patrol.Worker) workerJSON {
	grids := w.Grids
	if grids == nil {
		grids = []partition.GridID{}
	}
	return workerJSON{ID: w.ID, Name: w.Name, Role: w.Role, DeviceID: w.DeviceID, Grids: grids}
}

// workerList is the body of GET /api/v1/workers.
type workerList struct {
	Workers []workerJSON `json:"workers"`
}

// listWorkers answers GET /api/v1/workers: all workers ordered by id for
// an admin, the workers of the leader's grid for a leader, and only itself
// for a worker.
func (s *Server) listWorkers(c echo.Context) error {
	tok, _ := TokenFrom(c)
	all, err := s.store.Workers(c.Request().Context())
	if err != nil {
		return fmt.Errorf("server: list workers: %w", err)
	}
	out := workerList{Workers: []workerJSON{}}
	for _, w := range all {
		if canSeeWorker(tok, w) {
			out.Workers = append(out.Workers, toWorkerJSON(w))
		}
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}

// getWorker answers GET /api/v1/workers/{id}.
func (s *Server) getWorker(c echo.Context) error {
	w, err := s.scopedWorker(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, toWorkerJSON(w))
}

// scopedWorker reads the worker named by the path parameter id and checks
// that the request's token may see it (canSeeWorker).
func (s *Server) scopedWorker(c echo.Context) (patrol.Worker, error) {
	w, err := pathItem(c, "worker", s.store.Worker)
	if err != nil {
		return w, err
	}
	tok, _ := TokenFrom(c)
	if !canSeeWorker(tok, w) {
		return w, &ScopeError{TokenID: tok.ID, Reason: scopeReason(tok, "worker "+string(w.ID))}
	}
	return w, nil
}

// canSeeWorker reports whether tok's scope covers w: any worker for an
// admin, a worker of the leader's grid for a leader, itself for a worker.
// Workers' positions are personal data; nobody else sees them.
func canSeeWorker(tok data.Token, w patrol.Worker) bool {
	switch tok.Role {
	case data.RoleAdmin:
		return true
	case data.RoleLeader:
		return tok.Grid != "" && slices.Contains(w.Grids, tok.Grid)
	case data.RoleWorker:
		return tok.Worker != "" && tok.Worker == w.ID
	}
	return false
}

// scopeReason says why tok does not reach what, for a ScopeError.
func scopeReason(tok data.Token, what string) string {
	switch tok.Role {
	case data.RoleLeader:
		if tok.Grid == "" {
			return "this leader token is scoped to no grid; ask an administrator for a token of your grid"
		}
		return fmt.Sprintf("%s is outside grid %s, the grid of this leader token", what, tok.Grid)
	case data.RoleWorker:
		if tok.Worker == "" {
			return "this worker token names no worker; ask an administrator for a token of your own"
		}
		return fmt.Sprintf("a worker token reaches only its own worker (%s), not %s", tok.Worker, what)
	}
	return fmt.Sprintf("a %s token may not reach %s", tok.Role, what)
}

// putWorkers answers POST /api/v1/workers: a JSON array of workers (or one
// worker object) is inserted or replaced, all or none. A leader may write
// only workers whose grids are exactly the leader's own grid.
func (s *Server) putWorkers(c echo.Context) error {
	in, err := decodeWorkers(c.Request().Body)
	if err != nil {
		return err
	}
	tok, _ := TokenFrom(c)
	workers := make([]patrol.Worker, len(in))
	for i, w := range in {
		where := fmt.Sprintf("[%d]", i)
		switch {
		case w.ID == "":
			return &BodyError{Field: where + ".id", Reason: "every worker needs an id"}
		case !w.Role.Valid():
			return &BodyError{Field: where + ".role", Reason: fmt.Sprintf("role %q is not one of "+
				"leader, full-time, instructor, professional, volunteer, building-head", w.Role)}
		}
		workers[i] = patrol.Worker{ID: w.ID, Name: w.Name, Role: w.Role, DeviceID: w.DeviceID, Grids: w.Grids}
		if tok.Role == data.RoleLeader && (tok.Grid == "" || len(w.Grids) != 1 || w.Grids[0] != tok.Grid) {
			return &ScopeError{TokenID: tok.ID, Reason: fmt.Sprintf(
				"worker %s (%s): a leader token writes only workers whose grids are [%q]", w.ID, where, tok.Grid)}
		}
	}
	if err := s.checkWorkerWrites(c, workers); err != nil {
		return err
	}
	if err := s.store.PutWorkers(c.Request().Context(), workers); err != nil {
		return fmt.Errorf("server: store %d workers: %w", len(workers), err)
	}
	s.logger(c).Info("workers upserted", "count", len(workers), "token", tok.ID)
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, upsertResult{Upserted: len(workers)})
}

// checkWorkerWrites refuses what would hand a credential or a person to
// the wrong hands: a device id is the credential of the ingest routes, so
// it may belong to one worker only (in the batch and in the store); and a
// leader may not take over a worker registered in another grid.
func (s *Server) checkWorkerWrites(c echo.Context, workers []patrol.Worker) error {
	ctx := c.Request().Context()
	tok, _ := TokenFrom(c)
	devices := map[string]patrol.WorkerID{}
	for i, w := range workers {
		if tok.Role == data.RoleLeader {
			old, err := s.store.Worker(ctx, w.ID)
			switch {
			case err == nil && !canSeeWorker(tok, old):
				return &ScopeError{TokenID: tok.ID, Reason: scopeReason(tok, fmt.Sprintf("worker %s ([%d]), registered there,", w.ID, i))}
			case err != nil && !errors.Is(err, data.ErrNotFound):
				return fmt.Errorf("server: worker %q: %w", w.ID, err)
			}
		}
		if w.DeviceID == "" {
			continue
		}
		if other, ok := devices[w.DeviceID]; ok && other != w.ID {
			return &BodyError{Field: fmt.Sprintf("[%d].device_id", i), Reason: fmt.Sprintf("device %q is given to worker %s too in this batch", w.DeviceID, other)}
		}
		devices[w.DeviceID] = w.ID
		holder, err := s.store.WorkerByDevice(ctx, w.DeviceID)
		switch {
		case err == nil && holder.ID != w.ID:
			return &BodyError{Field: fmt.Sprintf("[%d].device_id", i), Reason: fmt.Sprintf(
				"device %q is registered to another worker; a device id identifies one phone, unlink it there first", w.DeviceID)}
		case err != nil && !errors.Is(err, data.ErrNotFound):
			return fmt.Errorf("server: device %q: %w", w.DeviceID, err)
		}
	}
	return nil
}

// decodeWorkers reads a JSON array of workers or a single worker object.
func decodeWorkers(r io.Reader) ([]workerJSON, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("server: read body: %w", err)
	}
	var list []workerJSON
	if err := json.Unmarshal(raw, &list); err == nil {
		if len(list) == 0 {
			return nil, &BodyError{Field: "[]", Reason: "the array holds no worker"}
		}
		return list, nil
	}
	var one workerJSON
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, &BodyError{Field: jsonWhere(err), Reason: "want a worker object or an array of them: " + err.Error()}
	}
	return []workerJSON{one}, nil
}

// jsonWhere names the position of a JSON decoding error: the byte offset
// of a syntax error, the field of a type error.
func jsonWhere(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("byte %d", se.Offset)
	case errors.As(err, &te) && te.Field != "":
		return te.Field
	case errors.As(err, &te):
		return fmt.Sprintf("byte %d", te.Offset)
	}
	return "body"
}
