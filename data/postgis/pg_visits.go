package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"
)

// pgRowQuerier is a pool or a transaction.
type pgRowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// VisitState reads the one row of visit_state; the zero state when none.
func (s *Store) VisitState(ctx context.Context) (data.VisitState, error) {
	return pgVisitState(ctx, s.pool)
}

func pgVisitState(ctx context.Context, db pgRowQuerier) (data.VisitState, error) {
	var st data.VisitState
	var since, checked *time.Time
	var resume string
	err := db.QueryRow(ctx, "SELECT version, since, checked, resume FROM visit_state WHERE id = 1").
		Scan(&st.Version, &since, &checked, &resume)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("data: read visit state: %w", err)
	}
	if since != nil {
		st.Since = since.UTC()
	}
	if checked != nil {
		st.Checked = checked.UTC()
	}
	st.Resume, err = codec.DecodeResume(resume)
	return st, err
}

// pgNullTime is t, or NULL for the zero time.
func pgNullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// pgPutVisitState stores next as version old+1 if the stored state has
// version old, and reports whether it did. A concurrent transaction
// changing the row makes it wait and then compare with what that one
// committed.
func pgPutVisitState(ctx context.Context, tx pgx.Tx, old int64, next data.VisitState) (bool, error) {
	resume, err := codec.EncodeResume(next.Resume)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO visit_state (id, version, since, checked, resume) VALUES (1, $1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, since = excluded.since, checked = excluded.checked,
			resume = excluded.resume
		WHERE visit_state.version = $5`, old+1, pgNullTime(next.Since), pgNullTime(next.Checked), resume, old)
	if err != nil {
		return false, fmt.Errorf("data: store visit state: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// pgNoteFixes moves the visit state back for fixes stored in tx
// (codec.NoteFixes), reading the state again when another transaction
// moved it meanwhile.
func pgNoteFixes(ctx context.Context, tx pgx.Tx, pts []patrol.TrackPoint) error {
	for {
		st, err := pgVisitState(ctx, tx)
		if err != nil {
			return err
		}
		next, ok := codec.NoteFixes(st, pts)
		if !ok {
			return nil
		}
		if stored, err := pgPutVisitState(ctx, tx, st.Version, next); err != nil || stored {
			return err
		}
	}
}

// RecordVisits raises last visits and sets the visit state if its version
// is still old, in one transaction; a change of the places is announced.
func (s *Store) RecordVisits(ctx context.Context, visits map[patrol.KeyPlaceID]time.Time, old int64, next *data.VisitState) (bool, error) {
	ids := make([]string, 0, len(visits))
	times := make([]time.Time, 0, len(visits))
	for id, t := range visits {
		ids, times = append(ids, string(id)), append(times, t)
	}
	stored := false
	var entities []string
	if len(visits) > 0 {
		entities = append(entities, pgKeyPlaces.entity)
	}
	err := s.pgTx(ctx, func(tx pgx.Tx) error {
		if len(visits) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE key_places k SET last_visited = v.t
				FROM unnest($1::text[], $2::timestamptz[]) AS v (id, t)
				WHERE k.id = v.id AND (k.last_visited IS NULL OR k.last_visited < v.t)`, ids, times); err != nil {
				return fmt.Errorf("data: visits of %d key places: %w", len(visits), err)
			}
		}
		if next == nil {
			return nil
		}
		var err error
		stored, err = pgPutVisitState(ctx, tx, old, *next)
		return err
	}, entities...)
	return stored, err
}
