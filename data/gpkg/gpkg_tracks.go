package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"
)

// Track points are a point layer without an rtree: they are read by worker
// and time window (the UNIQUE (worker, t) index) or by time window alone
// (an index on the hour, gpkgTrackHour), and a bbox narrows that window
// through the lon, lat columns. The rtree's triggers would call back into
// Go five times per fix and halve ingest. t is the time in integer
// microseconds since 1970, the idempotency key; the ISO time column is for
// GIS desktops.
//
// The time-only index is on the hour rather than on t because a batch
// holds several workers' tracks over the same hours: in an index on t
// their fixes interleave, so a batch of 10,000 touches thousands of leaf
// pages that the commit must write to the log, while in the hour index
// each hour's entries are in fid order and every fix is appended at the
// end of its hour. A time window reads at most two partial hours more.

// gpkgMicrosPerHour divides t into hours.
const gpkgMicrosPerHour = int64(time.Hour / time.Microsecond)

// gpkgTrackHour is the expression of the time-only index: the hour since
// 1970 (SQLite's integer division truncates, as Go's does, so it never
// decreases as t grows).
var gpkgTrackHour = fmt.Sprintf("t / %d", gpkgMicrosPerHour)

// gpkgDateTime is GeoPackage's DATETIME format (milliseconds).
const gpkgDateTime = "2006-01-02T15:04:05.000Z"

// gpkgTrackChunk is how many fixes one INSERT statement carries: fewer
// statements mean fewer trips through database/sql and cgo.
const gpkgTrackChunk = 256

// gpkgTrackInsert inserts n fixes, skipping those already stored.
func gpkgTrackInsert(n int) string {
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	return `INSERT INTO track_points (worker, t, time, lon, lat, accuracy, speed, bearing, altitude, battery, geom) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " ON CONFLICT (worker, t) DO NOTHING"
}

func gpkgTrackID(p patrol.TrackPoint) string {
	return string(p.Worker) + "@" + p.Time.UTC().Format(codec.TimeLayout)
}

// PutTrackPoints stores fixes idempotently on (worker, time to the
// microsecond) in one transaction, with the visit state moved back for
// them (gpkgNoteFixes), and returns how many were new. Calls
// that arrive while another is writing are committed together, in one
// transaction (trackWriter): the phones send one fix a request, and one
// commit for each would bound ingest by the disk's syncs.
func (g *Store) PutTrackPoints(ctx context.Context, pts []patrol.TrackPoint) (int, error) {
	if err := codec.CheckBatch("track point", pts, gpkgTrackID, codec.CheckTrackPoint); err != nil {
		return 0, err
	}
	return g.tracks.put(ctx, pts, func(ctx context.Context, batch []*trackWrite) error {
		return gpkgTx(ctx, g.db, []string{"track_points"}, func(tx *sql.Tx) error {
			var stored []patrol.TrackPoint
			for _, w := range batch {
				n, err := gpkgInsertTracks(ctx, tx, w.pts)
				if err != nil {
					return err
				}
				w.n = n
				if n > 0 {
					stored = append(stored, w.pts...)
				}
			}
			return gpkgNoteFixes(ctx, tx, stored)
		})
	})
}

// gpkgInsertTracks inserts fixes in chunks of gpkgTrackChunk, skipping
// those already stored, and returns how many were new.
func gpkgInsertTracks(ctx context.Context, tx *sql.Tx, pts []patrol.TrackPoint) (int, error) {
	var added int64
	var full *sql.Stmt
	args := make([]any, 0, 11*min(gpkgTrackChunk, len(pts)))
	for start := 0; start < len(pts); start += gpkgTrackChunk {
		chunk := pts[start:min(start+gpkgTrackChunk, len(pts))]
		args = args[:0]
		for _, p := range chunk {
			args = append(args, string(p.Worker), codec.Micros(p.Time), p.Time.UTC().Format(gpkgDateTime),
				p.Point[0], p.Point[1], p.Accuracy, p.Speed, p.Bearing, p.Altitude, p.Battery, gpkgPointBlob(p.Point))
		}
		var res sql.Result
		var err error
		if len(chunk) == gpkgTrackChunk {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, gpkgTrackInsert(gpkgTrackChunk)); err != nil {
					return 0, fmt.Errorf("data: prepare track points: %w", err)
				}
				defer full.Close()
			}
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, gpkgTrackInsert(len(chunk)), args...)
		}
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			return 0, &data.ItemError{Kind: "track point", Index: start, ID: gpkgTrackID(chunk[0]),
				Err: fmt.Errorf("fixes %d to %d: %w", start, start+len(chunk)-1, err)}
		}
		added += n
	}
	return int(added), nil
}

// gpkgTrackWhere turns a TrackQuery into SQL conditions.
func gpkgTrackWhere(q data.TrackQuery) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if q.Worker != "" {
		add("worker = ?", string(q.Worker))
	}
	// The hour conditions follow from those on t; they are there for the
	// planner, which uses an index on an expression only where the query
	// names the expression.
	if !q.From.IsZero() {
		from := codec.Micros(q.From)
		add("t >= ? AND "+gpkgTrackHour+" >= ?", from, from/gpkgMicrosPerHour)
	}
	if !q.To.IsZero() {
		to := codec.Micros(q.To)
		add("t < ? AND "+gpkgTrackHour+" <= ?", to, to/gpkgMicrosPerHour)
	}
	if q.BBox != nil {
		add("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?", q.BBox.Min[0], q.BBox.Max[0], q.BBox.Min[1], q.BBox.Max[1])
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// TrackPoints lists fixes ordered by worker, then time.
func (g *Store) TrackPoints(ctx context.Context, q data.TrackQuery) ([]patrol.TrackPoint, error) {
	where, args := gpkgTrackWhere(q)
	query := `SELECT worker, t, lon, lat, accuracy, speed, bearing, altitude, battery FROM track_points` +
		where + " ORDER BY worker, t"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	rows, err := g.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("data: list track points: %w", gpkgBusy(err))
	}
	defer rows.Close()
	var out []patrol.TrackPoint
	for rows.Next() {
		var p patrol.TrackPoint
		var t int64
		if err := rows.Scan(&p.Worker, &t, &p.Point[0], &p.Point[1], &p.Accuracy, &p.Speed, &p.Bearing, &p.Altitude, &p.Battery); err != nil {
			return nil, fmt.Errorf("data: read track point: %w", err)
		}
		p.Time = codec.FromMicros(t)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list track points: %w", gpkgBusy(err))
	}
	return out, nil
}

// DeleteTrackPoints deletes the fixes q selects (its Limit is ignored) and
// returns how many there were.
func (g *Store) DeleteTrackPoints(ctx context.Context, q data.TrackQuery) (int, error) {
	where, args := gpkgTrackWhere(q)
	var n int64
	err := gpkgTx(ctx, g.db, []string{"track_points"}, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM track_points"+where, args...)
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			return fmt.Errorf("data: delete track points: %w", err)
		}
		return nil
	})
	return int(n), err
}
