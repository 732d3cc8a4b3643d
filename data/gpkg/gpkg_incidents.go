package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/internal/codec"

	"github.com/paulmach/orb"
)

// This file keeps incidents (a point layer) and their events (an
// append-only attributes table keyed on incident and position).

var gpkgIncidents = &gpkgTable[incident.Incident]{
	name: "incidents", kind: "incident", key: "id",
	cols: []string{"id", "category", "description", "address", "media_url", "status", "level",
		"reporter", "grid", "reported", "updated", "satisfied", "score", "duplicate_of", "flags", "geom"},
	id:    func(in incident.Incident) string { return string(in.ID) },
	check: codec.CheckIncident,
	geom:  func(in incident.Incident) orb.Geometry { return in.Location },
	row: func(in incident.Incident) ([]any, error) {
		var sat sql.NullBool
		if in.Satisfied != nil {
			sat = sql.NullBool{Bool: *in.Satisfied, Valid: true}
		}
		return []any{in.ID, in.Category, in.Description, in.Address, in.MediaURL, in.Status, in.Level,
			in.Reporter, in.Grid, codec.EncodeTime(in.Reported), codec.EncodeTime(in.Updated), sat, in.Score,
			in.DuplicateOf, codec.EncodeList(in.Flags), gpkgPointBlob(in.Location)}, nil
	},
	scan: func(s gpkgScanner) (incident.Incident, error) {
		var in incident.Incident
		var reported, updated sql.NullString
		var sat sql.NullBool
		var flags string
		var blob []byte
		if err := s.Scan(&in.ID, &in.Category, &in.Description, &in.Address, &in.MediaURL, &in.Status, &in.Level,
			&in.Reporter, &in.Grid, &reported, &updated, &sat, &in.Score, &in.DuplicateOf, &flags, &blob); err != nil {
			return in, err
		}
		if sat.Valid {
			in.Satisfied = &sat.Bool
		}
		var err error
		if in.Reported, err = codec.DecodeTime(reported); err != nil {
			return in, err
		}
		if in.Updated, err = codec.DecodeTime(updated); err != nil {
			return in, err
		}
		if in.Flags, err = codec.DecodeList[string](flags); err != nil {
			return in, err
		}
		in.Location, err = gpkgPoint(blob)
		return in, err
	},
}

// gpkgEventInsert appends one event; a repeated position fails.
const gpkgEventInsert = `INSERT INTO incident_events
	(incident, seq, time, actor, from_status, to_status, level, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// gpkgIncidentCAS writes every field of an incident and its new version
// if its stored version is still the one given last.
var gpkgIncidentCAS = "UPDATE incidents SET " + strings.Join(gpkgIncidents.cols[1:], " = ?, ") +
	" = ?, version = ? WHERE id = ? AND version = ?"

// PutIncidents upserts incidents in one transaction. Events are appended:
// the i-th event of an incident is stored once, and a later put never
// rewrites or removes an event already stored. The version follows the
// events stored.
func (g *Store) PutIncidents(ctx context.Context, incidents []incident.Incident) error {
	if err := codec.CheckBatch(gpkgIncidents.kind, incidents, gpkgIncidents.id, gpkgIncidents.check); err != nil {
		return err
	}
	return gpkgTx(ctx, g.db, []string{"incidents", "incident_events"}, func(tx *sql.Tx) error {
		if err := gpkgIncidents.putTx(ctx, tx, incidents); err != nil {
			return err
		}
		events, err := tx.PrepareContext(ctx, gpkgEventInsert+" ON CONFLICT (incident, seq) DO NOTHING")
		if err != nil {
			return fmt.Errorf("data: prepare incident events: %w", err)
		}
		defer events.Close()
		version, err := tx.PrepareContext(ctx, "UPDATE incidents SET version = max(version, ?) WHERE id = ?")
		if err != nil {
			return fmt.Errorf("data: prepare incident versions: %w", err)
		}
		defer version.Close()
		for i, in := range incidents {
			err := gpkgAppend(ctx, events, in, 0)
			if err == nil {
				_, err = version.ExecContext(ctx, len(in.Events), in.ID)
			}
			if err != nil {
				return &data.ItemError{Kind: "incident", Index: i, ID: string(in.ID), Err: err}
			}
		}
		return nil
	})
}

// UpdateIncident stores inc if the stored incident still has version
// events (see data.IncidentStore): a compare-and-set on the version
// column inside the write transaction, which holds the file's lock.
func (g *Store) UpdateIncident(ctx context.Context, inc incident.Incident, version int) error {
	if err := codec.CheckUpdate(inc, version); err != nil {
		return err
	}
	row, err := gpkgIncidents.row(inc)
	if err != nil {
		return fmt.Errorf("data: update incident %q: %w", inc.ID, err)
	}
	return gpkgTx(ctx, g.db, []string{"incidents", "incident_events"}, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, gpkgIncidentCAS, append(row[1:], len(inc.Events), inc.ID, version)...)
		if err != nil {
			return fmt.Errorf("data: update incident %q: %w", inc.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, gpkgStale(ctx, tx, inc.ID, version))
		}
		events, err := tx.PrepareContext(ctx, gpkgEventInsert)
		if err != nil {
			return fmt.Errorf("data: prepare incident events: %w", err)
		}
		defer events.Close()
		if err := gpkgAppend(ctx, events, inc, version); err != nil {
			return fmt.Errorf("data: update incident %q: %w", inc.ID, err)
		}
		return nil
	})
}

// gpkgStale explains why the compare-and-set of incident id on version
// changed nothing: the incident is missing or has another version.
func gpkgStale(ctx context.Context, tx *sql.Tx, id incident.ID, version int) error {
	var stored int
	err := tx.QueryRowContext(ctx, "SELECT version FROM incidents WHERE id = ?", id).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: incident with id %q", data.ErrNotFound, id)
	case err != nil:
		return fmt.Errorf("data: version of incident %q: %w", id, err)
	}
	return codec.Stale(id, version, stored)
}

// gpkgAppend inserts the events of in from position from on with stmt
// (gpkgEventInsert, with or without a conflict clause).
func gpkgAppend(ctx context.Context, stmt *sql.Stmt, in incident.Incident, from int) error {
	for seq := from; seq < len(in.Events); seq++ {
		e := in.Events[seq]
		if _, err := stmt.ExecContext(ctx, in.ID, seq, codec.EncodeTime(e.Time), e.Actor, e.From, e.To, e.Level, e.Note); err != nil {
			return fmt.Errorf("event %d: %w", seq, err)
		}
	}
	return nil
}

// gpkgEvents reads the events of an incident in order.
func gpkgEvents(ctx context.Context, db gpkgDB, in *incident.Incident) error {
	rows, err := db.QueryContext(ctx, `SELECT time, actor, from_status, to_status, level, note
		FROM incident_events WHERE incident = ? ORDER BY seq`, in.ID)
	if err != nil {
		return fmt.Errorf("data: events of incident %q: %w", in.ID, err)
	}
	defer rows.Close()
	in.Events = nil
	for rows.Next() {
		var e incident.Event
		var t sql.NullString
		if err := rows.Scan(&t, &e.Actor, &e.From, &e.To, &e.Level, &e.Note); err != nil {
			return fmt.Errorf("data: events of incident %q: %w", in.ID, err)
		}
		if e.Time, err = codec.DecodeTime(t); err != nil {
			return err
		}
		in.Events = append(in.Events, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: events of incident %q: %w", in.ID, err)
	}
	return nil
}

// Incident reads an incident with its events, in one snapshot.
func (g *Store) Incident(ctx context.Context, id incident.ID) (incident.Incident, error) {
	var in incident.Incident
	err := gpkgRead(ctx, g.db, func(db gpkgDB) error {
		var err error
		if in, err = gpkgIncidents.get(ctx, db, string(id)); err != nil {
			return err
		}
		return gpkgEvents(ctx, db, &in)
	})
	return in, err
}

// Incidents lists incidents with their events, ordered by id.
func (g *Store) Incidents(ctx context.Context, q data.IncidentQuery) ([]incident.Incident, error) {
	lq := gpkgBBox(q.BBoxQuery)
	if q.Newest {
		lq.order, lq.after = "id DESC", ""
		if q.After != "" {
			lq.add("id < ?", q.After)
		}
	}
	if len(q.Status) > 0 {
		lq.add("status IN ("+gpkgMarks(len(q.Status))+")", gpkgArgs(q.Status)...)
	}
	if q.Grid != "" {
		lq.add("grid = ?", q.Grid)
	}
	if !q.From.IsZero() {
		lq.add("reported >= ?", codec.EncodeTime(q.From))
	}
	if !q.To.IsZero() {
		lq.add("reported < ?", codec.EncodeTime(q.To))
	}
	var list []incident.Incident
	err := gpkgRead(ctx, g.db, func(db gpkgDB) error {
		var err error
		if list, err = gpkgIncidents.list(ctx, db, lq); err != nil {
			return err
		}
		for i := range list {
			if err := gpkgEvents(ctx, db, &list[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// DeleteIncident deletes an incident and its events.
func (g *Store) DeleteIncident(ctx context.Context, id incident.ID) error {
	return gpkgTx(ctx, g.db, []string{"incidents", "incident_events"}, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM incident_events WHERE incident = ?", id); err != nil {
			return fmt.Errorf("data: delete events of incident %q: %w", id, err)
		}
		return gpkgIncidents.del(ctx, tx, string(id))
	})
}
