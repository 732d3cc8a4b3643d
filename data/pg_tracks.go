package data

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/coverage"
)

// pgStageCols are the columns of the staging table track points are copied
// into before they are merged into track_points; n is the position in the
// batch.
var pgStageCols = []string{"n", "worker", "t", "lon", "lat", "accuracy", "speed", "bearing", "altitude", "battery"}

const (
	pgStageCreate = `CREATE TEMP TABLE wangge_stage (
		n integer, worker text COLLATE "C", t timestamptz, lon double precision, lat double precision,
		accuracy double precision, speed double precision, bearing double precision,
		altitude double precision, battery double precision) ON COMMIT DROP`
	// pgStageMerge inserts in key order: each worker's fixes go to
	// neighbouring index entries, concurrent batches that share fixes wait
	// for each other in one order (no deadlock), and the first of several
	// fixes of a worker at one instant in the batch wins.
	pgStageMerge = `INSERT INTO track_points (worker, t, geom, accuracy, speed, bearing, altitude, battery)
		SELECT worker, t, ST_SetSRID(ST_MakePoint(lon, lat), 4326), accuracy, speed, bearing, altitude, battery
		FROM wangge_stage ORDER BY worker, t, n ON CONFLICT (worker, t) DO NOTHING`
	pgTrackSelect = `SELECT worker, t, ST_X(geom), ST_Y(geom), accuracy, speed, bearing, altitude, battery
		FROM track_points`
)

// pgTrackID names a track point in errors: its worker and time.
func pgTrackID(p coverage.TrackPoint) string {
	return string(p.Worker) + "@" + p.Time.UTC().Format(time.RFC3339Nano)
}

// PutTrackPoints stores fixes idempotently on (worker, time), kept to the
// microsecond, and returns how many were new. The batch is copied into a
// staging table and merged in one transaction, so it is stored whole or
// not at all. The monthly partitions the batch needs are created first.
func (s *PostGIS) PutTrackPoints(ctx context.Context, pts []coverage.TrackPoint) (int, error) {
	if err := checkBatch("track point", pts, pgTrackID, checkTrackPoint); err != nil {
		return 0, err
	}
	if len(pts) == 0 {
		return 0, nil
	}
	months := map[int]bool{}
	for _, p := range pts {
		months[pgMonth(p.Time)] = true
	}
	if err := s.ensureMonths(ctx, months); err != nil {
		return 0, err
	}
	var added int64
	err := s.pgTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, pgStageCreate); err != nil {
			return fmt.Errorf("data: track staging: %w", err)
		}
		src := pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) {
			p := &pts[i]
			return []any{int32(i), string(p.Worker), p.Time, p.Point[0], p.Point[1],
				p.Accuracy, p.Speed, p.Bearing, p.Altitude, p.Battery}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"wangge_stage"}, pgStageCols, src); err != nil {
			return fmt.Errorf("data: copy track points: %w", err)
		}
		tag, err := tx.Exec(ctx, pgStageMerge)
		if err != nil {
			return fmt.Errorf("data: store track points: %w", err)
		}
		added = tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(added), nil
}

// pgTrackWhere turns q into conditions.
func pgTrackWhere(q TrackQuery) *pgWhere {
	w := &pgWhere{}
	if q.Worker != "" {
		w.add("worker = ?", q.Worker)
	}
	w.window("t", q.From, q.To)
	w.bbox(q.BBox)
	return w
}

func pgScanTrackPoint(row pgx.Row) (coverage.TrackPoint, error) {
	var p coverage.TrackPoint
	err := row.Scan(&p.Worker, pgTimeDst{&p.Time}, &p.Point[0], &p.Point[1],
		&p.Accuracy, &p.Speed, &p.Bearing, &p.Altitude, &p.Battery)
	return p, err
}

// TrackPoints lists fixes ordered by worker, then time.
func (s *PostGIS) TrackPoints(ctx context.Context, q TrackQuery) ([]coverage.TrackPoint, error) {
	w := pgTrackWhere(q)
	sql := pgTrackSelect + w.sql() + " ORDER BY worker, t" + pgLimit(q.Limit)
	return pgList(ctx, s, "track points", sql, w.args, pgScanTrackPoint)
}

// DeleteTrackPoints deletes the fixes q selects (with a Limit, the first
// ones in the order of TrackPoints) and returns how many.
func (s *PostGIS) DeleteTrackPoints(ctx context.Context, q TrackQuery) (int, error) {
	w := pgTrackWhere(q)
	sql := "DELETE FROM track_points" + w.sql()
	if q.Limit > 0 {
		sql = "DELETE FROM track_points WHERE (worker, t) IN (SELECT worker, t FROM track_points" +
			w.sql() + " ORDER BY worker, t" + pgLimit(q.Limit) + ")"
	}
	tag, err := s.pool.Exec(ctx, sql, w.args...)
	if err != nil {
		return 0, fmt.Errorf("data: delete track points: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
