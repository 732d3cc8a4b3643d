package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"
)

// gpkgRowQuerier is a *sql.DB or *sql.Tx.
type gpkgRowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// VisitState reads the one row of visit_state; the zero state when none.
func (g *Store) VisitState(ctx context.Context) (data.VisitState, error) {
	st, err := gpkgVisitState(ctx, g.db)
	return st, gpkgBusy(err)
}

func gpkgVisitState(ctx context.Context, db gpkgRowQuerier) (data.VisitState, error) {
	var st data.VisitState
	var since, checked sql.NullString
	var resume string
	err := db.QueryRowContext(ctx, "SELECT version, since, checked, resume FROM visit_state WHERE fid = 1").
		Scan(&st.Version, &since, &checked, &resume)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("data: read visit state: %w", err)
	}
	if st.Since, err = codec.DecodeTime(since); err != nil {
		return st, err
	}
	if st.Checked, err = codec.DecodeTime(checked); err != nil {
		return st, err
	}
	st.Resume, err = codec.DecodeResume(resume)
	return st, err
}

// gpkgPutVisitState stores next as version old+1 if the stored state has
// version old, and reports whether it did.
func gpkgPutVisitState(ctx context.Context, tx *sql.Tx, old int64, next data.VisitState) (bool, error) {
	resume, err := codec.EncodeResume(next.Resume)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO visit_state (fid, version, since, checked, resume) VALUES (1, ?1, ?2, ?3, ?4)
		ON CONFLICT (fid) DO UPDATE SET version = excluded.version, since = excluded.since, checked = excluded.checked,
			resume = excluded.resume
		WHERE visit_state.version = ?5`, old+1, codec.EncodeTime(next.Since), codec.EncodeTime(next.Checked), resume, old)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil {
		return false, fmt.Errorf("data: store visit state: %w", err)
	}
	return n == 1, nil
}

// gpkgNoteFixes moves the visit state back for fixes stored in tx
// (codec.NoteFixes); tx holds the file's write lock.
func gpkgNoteFixes(ctx context.Context, tx *sql.Tx, pts []patrol.TrackPoint) error {
	if len(pts) == 0 {
		return nil
	}
	st, err := gpkgVisitState(ctx, tx)
	if err != nil {
		return err
	}
	if next, ok := codec.NoteFixes(st, pts); ok {
		_, err = gpkgPutVisitState(ctx, tx, st.Version, next)
	}
	return err
}

// RecordVisits raises last visits and sets the visit state if its version
// is still old, in one transaction. TimeLayout text compares as the times
// do.
func (g *Store) RecordVisits(ctx context.Context, visits map[patrol.KeyPlaceID]time.Time, old int64, next *data.VisitState) (bool, error) {
	stored := false
	err := gpkgTx(ctx, g.db, []string{"key_places"}, func(tx *sql.Tx) error {
		for id, t := range visits {
			if _, err := tx.ExecContext(ctx, "UPDATE key_places SET last_visited = ?1 WHERE id = ?2 AND (last_visited IS NULL OR last_visited < ?1)",
				codec.EncodeTime(t), string(id)); err != nil {
				return fmt.Errorf("data: visit of key place %q: %w", id, err)
			}
		}
		if next == nil {
			return nil
		}
		var err error
		stored, err = gpkgPutVisitState(ctx, tx, old, *next)
		return err
	})
	return stored, err
}
