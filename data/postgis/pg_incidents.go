package postgis

import (
	"context"
	"fmt"
	"strings"
	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/internal/codec"

	"github.com/jackc/pgx/v5"
)

var pgIncidents = &pgTable[incident.Incident]{
	name: "incidents", kind: "incident",
	cols: []string{"id", "category", "description", "address", "media_url", "geom", "status",
		"level", "reporter", "grid", "reported", "updated", "satisfied", "score", "duplicate_of", "flags"},
	vals: []string{"$1", "$2", "$3", "$4", "$5", pgPointArg(6, 15), "$7", "$8", "$9", "$10", "$11", "$12", "$13", "$14",
		"$16", "$17::jsonb"},
	sel: `SELECT id, category, description, address, media_url, ST_X(geom), ST_Y(geom), status,
		level, reporter, grid, reported, updated, satisfied, score, duplicate_of, flags::text FROM incidents`,
	id:    func(in incident.Incident) string { return string(in.ID) },
	check: codec.CheckIncident,
	args: func(in incident.Incident) ([]any, error) {
		return []any{in.ID, in.Category, in.Description, in.Address, in.MediaURL, in.Location[0],
			in.Status, in.Level, in.Reporter, in.Grid, pgTime(in.Reported), pgTime(in.Updated),
			in.Satisfied, in.Score, in.Location[1], in.DuplicateOf, codec.EncodeList(in.Flags)}, nil
	},
	scan: func(row pgx.Row) (incident.Incident, error) {
		var in incident.Incident
		var flags string
		err := row.Scan(&in.ID, &in.Category, &in.Description, &in.Address, &in.MediaURL,
			&in.Location[0], &in.Location[1], &in.Status, &in.Level, &in.Reporter, &in.Grid,
			pgTimeDst{&in.Reported}, pgTimeDst{&in.Updated}, &in.Satisfied, &in.Score, &in.DuplicateOf, &flags)
		if err != nil {
			return in, err
		}
		in.Flags, err = codec.DecodeList[string](flags)
		return in, err
	},
}

const (
	// pgEventInsert appends one event; a repeated position fails.
	pgEventInsert = `INSERT INTO incident_events (incident, seq, t, actor, from_status, to_status, level, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	pgEventSelect = `SELECT incident, t, actor, from_status, to_status, level, note FROM incident_events`
)

// pgIncidentCAS writes every field of an incident and its new version
// ($18) if its stored version is still $19. PostgreSQL re-checks the
// condition on the row a concurrent update committed, so of two updates
// made on one version only the first changes the row.
var pgIncidentCAS = func() string {
	set := make([]string, 0, len(pgIncidents.cols))
	for i, c := range pgIncidents.cols[1:] {
		set = append(set, c+" = "+pgIncidents.vals[i+1])
	}
	return "UPDATE incidents SET " + strings.Join(set, ", ") + ", version = $18 WHERE id = $1 AND version = $19"
}()

// PutIncidents upserts incidents with their events in one transaction.
// Events are append-only: those already stored keep their stored form and
// only the ones past them are added; a batch that gives an incident fewer
// or other events does not rewrite its history. The version follows the
// events stored.
func (s *Store) PutIncidents(ctx context.Context, incidents []incident.Incident) error {
	t := pgIncidents
	if err := codec.CheckBatch(t.kind, incidents, t.id, t.check); err != nil {
		return err
	}
	if len(incidents) == 0 {
		return nil
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		if err := t.putTx(ctx, tx, t.upsertSQL(), incidents); err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, in := range incidents {
			pgQueueEvents(b, pgEventInsert+" ON CONFLICT (incident, seq) DO NOTHING", in, 0)
			b.Queue("UPDATE incidents SET version = GREATEST(version, $2) WHERE id = $1", in.ID, len(in.Events))
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("data: incident events: %w", err)
		}
		return nil
	})
}

// UpdateIncident stores inc if the stored incident still has version
// events (see data.IncidentStore), by a compare-and-set on the version
// column.
func (s *Store) UpdateIncident(ctx context.Context, inc incident.Incident, version int) error {
	if err := codec.CheckUpdate(inc, version); err != nil {
		return err
	}
	args, err := pgIncidents.args(inc)
	if err != nil {
		return fmt.Errorf("data: update incident %q: %w", inc.ID, err)
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, pgIncidentCAS, append(args, len(inc.Events), version)...)
		if err != nil {
			return fmt.Errorf("data: update incident %q: %w", inc.ID, err)
		}
		if tag.RowsAffected() == 0 {
			var stored int
			err := tx.QueryRow(ctx, "SELECT version FROM incidents WHERE id = $1", inc.ID).Scan(&stored)
			if err != nil {
				return pgGetErr("incident", string(inc.ID), err)
			}
			return codec.Stale(inc.ID, version, stored)
		}
		b := &pgx.Batch{}
		pgQueueEvents(b, pgEventInsert, inc, version)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("data: update incident %q: events: %w", inc.ID, err)
		}
		return nil
	})
}

// pgQueueEvents queues sql (pgEventInsert, with or without a conflict
// clause) for each event of in from position from on.
func pgQueueEvents(b *pgx.Batch, sql string, in incident.Incident, from int) {
	for seq := from; seq < len(in.Events); seq++ {
		e := in.Events[seq]
		b.Queue(sql, in.ID, seq, pgTime(e.Time), e.Actor, e.From, e.To, e.Level, e.Note)
	}
}

// pgEvent is an event with the incident it belongs to.
type pgEvent struct {
	incident incident.ID
	incident.Event
}

func pgScanEvent(row pgx.Row) (pgEvent, error) {
	var e pgEvent
	err := row.Scan(&e.incident, pgTimeDst{&e.Time}, &e.Actor, &e.From, &e.To, &e.Level, &e.Note)
	return e, err
}

// pgReadIncidents reads the incidents a query selects and their events, in one
// snapshot.
func (s *Store) pgReadIncidents(ctx context.Context, sql string, args []any) ([]incident.Incident, error) {
	var out []incident.Incident
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			if out, err = pgCollect(ctx, tx, sql, args, pgIncidents.scan); err != nil || len(out) == 0 {
				return err
			}
			ids := make([]string, len(out))
			at := make(map[incident.ID]int, len(out))
			for i, in := range out {
				ids[i] = string(in.ID)
				at[in.ID] = i
			}
			events, err := pgCollect(ctx, tx, pgEventSelect+" WHERE incident = ANY($1) ORDER BY incident, seq",
				[]any{ids}, pgScanEvent)
			for _, e := range events {
				in := &out[at[e.incident]]
				in.Events = append(in.Events, e.Event)
			}
			return err
		})
	return out, err
}

// Incident returns one incident with its events.
func (s *Store) Incident(ctx context.Context, id incident.ID) (incident.Incident, error) {
	out, err := s.pgReadIncidents(ctx, pgIncidents.sel+" WHERE id = $1", []any{id})
	if err == nil && len(out) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return incident.Incident{}, pgGetErr("incident", string(id), err)
	}
	return out[0], nil
}

// Incidents lists incidents with their events ordered by id, filtered by q.
func (s *Store) Incidents(ctx context.Context, q data.IncidentQuery) ([]incident.Incident, error) {
	var w pgWhere
	if len(q.Status) > 0 {
		st := make([]string, len(q.Status))
		for i, v := range q.Status {
			st[i] = string(v)
		}
		w.add("status = ANY(?)", st)
	}
	if q.Grid != "" {
		w.add("grid = ?", q.Grid)
	}
	w.window("reported", q.From, q.To)
	tail := w.page(q.BBoxQuery, q.Newest)
	out, err := s.pgReadIncidents(ctx, pgIncidents.sel+w.sql()+tail, w.args)
	if err != nil {
		return nil, fmt.Errorf("data: list incidents: %w", err)
	}
	return out, nil
}

// DeleteIncident deletes one incident and its events.
func (s *Store) DeleteIncident(ctx context.Context, id incident.ID) error {
	return pgIncidents.delete(ctx, s, string(id))
}
