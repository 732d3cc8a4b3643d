package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
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
	Links   []link       `json:"links,omitempty"`
}

// listWorkers answers GET /api/v1/workers: a page (limit: DefaultLimit,
// at most MaxLimit; a next link while more follow) of the workers ordered
// by id: all of them for an admin, the workers of the leader's grid for a
// leader, and only itself for a worker.
func (s *Server) listWorkers(c echo.Context) error {
	limit, after, err := parsePage(c.QueryParams())
	if err != nil {
		return err
	}
	all, err := s.app.Workers(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	page, more, err := pageAfter(all, func(w patrol.Worker) string { return string(w.ID) }, after, limit)
	if err != nil {
		return err
	}
	out := workerList{Workers: make([]workerJSON, len(page))}
	for i, w := range page {
		out.Workers[i] = toWorkerJSON(w)
	}
	if more {
		out.Links = nextLink(c, string(page[len(page)-1].ID), echo.MIMEApplicationJSON)
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

// scopedWorker reads the worker named by the path parameter id, when the
// scope policy lets the request's token see it.
func (s *Server) scopedWorker(c echo.Context) (patrol.Worker, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return patrol.Worker{}, err
	}
	return s.app.WorkerFor(c.Request().Context(), principal(c), patrol.WorkerID(id))
}

// putWorkers answers POST /api/v1/workers: a JSON array of workers (or one
// worker object) is inserted or replaced, all or none (app.RegisterWorkers:
// the scope policy, and a device id given to one worker only).
func (s *Server) putWorkers(c echo.Context) error {
	in, err := decodeWorkers(c.Request().Body)
	if err != nil {
		return err
	}
	workers := make([]patrol.Worker, len(in))
	for i, w := range in {
		workers[i] = patrol.Worker{ID: w.ID, Name: w.Name, Role: w.Role, DeviceID: w.DeviceID, Grids: w.Grids}
	}
	if err := s.app.RegisterWorkers(c.Request().Context(), principal(c), workers); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, upsertResult{Upserted: len(workers)})
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
		return nil, &BodyError{Field: jsonWhere(err), Reason: "want a worker object or an array of them: " + jsonReason(err)}
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
