package postgis

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"

	"github.com/paulmach/orb"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgUniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const pgUniqueViolation = "23505"

const (
	// pgTrackInsert stores a batch sent as one array per column, in key
	// order, skipping the fixes already stored; of several fixes of a
	// worker at one instant in the batch, the first wins. It is the second
	// try of PutTrackPoints, after COPY met a fix already stored.
	pgTrackInsert = `INSERT INTO track_points (worker, t, geom, accuracy, speed, bearing, altitude, battery)
		SELECT worker, t, ST_Point(lon, lat, 4326), accuracy, speed, bearing, altitude, battery
		FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
			$7::float8[], $8::float8[], $9::float8[])
			WITH ORDINALITY AS b (worker, t, lon, lat, accuracy, speed, bearing, altitude, battery, n)
		ORDER BY worker COLLATE "C", t, n
		ON CONFLICT (worker, t) DO NOTHING`
	pgTrackSelect = `SELECT worker, t, ST_X(geom), ST_Y(geom), accuracy, speed, bearing, altitude, battery
		FROM track_points`
)

// pgTrackID names a track point in errors: its worker and time.
func pgTrackID(p patrol.TrackPoint) string {
	return string(p.Worker) + "@" + p.Time.UTC().Format(time.RFC3339Nano)
}

// PutTrackPoints stores fixes idempotently on (worker, time), kept to the
// microsecond, and returns how many were new. The batch is stored by one
// statement (COPY, or when a fix is already stored one INSERT that skips
// it), so whole or not at all, in the transaction that moves the visit
// state back for it (pgNoteFixes). The monthly partitions
// the batch needs are created first.
func (s *Store) PutTrackPoints(ctx context.Context, pts []patrol.TrackPoint) (int, error) {
	if err := codec.CheckBatch("track point", pts, pgTrackID, codec.CheckTrackPoint); err != nil {
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
	// Most batches are all new: COPY them straight into the table, in key
	// order (each worker's fixes go to neighbouring index entries, and
	// concurrent batches that share fixes wait for each other in one order,
	// so they cannot deadlock). COPY is one statement: a fix already stored
	// undoes it whole, and the batch goes again as one INSERT that skips
	// what is stored.
	var n int64
	store := func(put func(pgx.Tx) (int64, error)) error {
		return s.pgTx(ctx, func(tx pgx.Tx) error {
			var err error
			if n, err = put(tx); err != nil || n == 0 {
				return err
			}
			return pgNoteFixes(ctx, tx, pts)
		}, fixesOf(pts)...)
	}
	err := store(func(tx pgx.Tx) (int64, error) {
		return tx.CopyFrom(ctx, pgx.Identifier{"track_points"}, pgTrackColumns, pgTrackRows(pts))
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
		err = store(func(tx pgx.Tx) (int64, error) {
			tag, err := tx.Exec(ctx, pgTrackInsert, pgTrackArrays(pts)...)
			return tag.RowsAffected(), err
		})
	}
	if err != nil {
		return 0, fmt.Errorf("data: store track points: %w", err)
	}
	return int(n), nil
}

// pgTrackArrays gives the batch as pgTrackInsert's nine column arrays.
func pgTrackArrays(pts []patrol.TrackPoint) []any {
	workers := make([]string, len(pts))
	times := make([]time.Time, len(pts))
	var nums [7][]float64
	for c := range nums {
		nums[c] = make([]float64, len(pts))
	}
	for i, p := range pts {
		workers[i], times[i] = string(p.Worker), p.Time
		for c, v := range [7]float64{p.Point[0], p.Point[1], p.Accuracy, p.Speed, p.Bearing, p.Altitude, p.Battery} {
			nums[c][i] = v
		}
	}
	return []any{workers, times, nums[0], nums[1], nums[2], nums[3], nums[4], nums[5], nums[6]}
}

// pgTrackColumns are the columns COPY fills, in pgTrackRows' order.
var pgTrackColumns = []string{"worker", "t", "geom", "accuracy", "speed", "bearing", "altitude", "battery"}

// pgTrackRows gives the batch to COPY sorted by worker and time, the
// geometry as EWKB (a point with SRID 4326), which PostGIS reads in COPY's
// binary format.
func pgTrackRows(pts []patrol.TrackPoint) pgx.CopyFromSource {
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(pts[a].Worker, pts[b].Worker), pts[a].Time.Compare(pts[b].Time))
	})
	return pgx.CopyFromSlice(len(order), func(i int) ([]any, error) {
		p := pts[order[i]]
		return []any{string(p.Worker), p.Time, pgPointEWKB(p.Point), p.Accuracy, p.Speed, p.Bearing, p.Altitude, p.Battery}, nil
	})
}

// pgPointEWKB encodes a point as little-endian EWKB with SRID 4326.
func pgPointEWKB(pt orb.Point) []byte {
	b := make([]byte, 25)
	b[0] = 1                                         // little-endian
	binary.LittleEndian.PutUint32(b[1:], 0x20000001) // point, with SRID
	binary.LittleEndian.PutUint32(b[5:], 4326)       // SRID
	binary.LittleEndian.PutUint64(b[9:], math.Float64bits(pt[0]))
	binary.LittleEndian.PutUint64(b[17:], math.Float64bits(pt[1]))
	return b
}

// pgTrackWhere turns q into conditions.
func pgTrackWhere(q data.TrackQuery) *pgWhere {
	w := &pgWhere{}
	if q.Worker != "" {
		w.add("worker = ?", q.Worker)
	}
	w.window("t", q.From, q.To)
	w.bbox(q.BBox)
	return w
}

func pgScanTrackPoint(row pgx.Row) (patrol.TrackPoint, error) {
	var p patrol.TrackPoint
	err := row.Scan(&p.Worker, pgTimeDst{&p.Time}, &p.Point[0], &p.Point[1],
		&p.Accuracy, &p.Speed, &p.Bearing, &p.Altitude, &p.Battery)
	return p, err
}

// TrackPoints lists fixes ordered by worker, then time.
func (s *Store) TrackPoints(ctx context.Context, q data.TrackQuery) ([]patrol.TrackPoint, error) {
	w := pgTrackWhere(q)
	sql := pgTrackSelect + w.sql() + " ORDER BY worker, t" + pgLimit(q.Limit)
	return pgList(ctx, s, "track points", sql, w.args, pgScanTrackPoint)
}

// DeleteTrackPoints deletes the fixes q selects (with a Limit, the first
// ones in the order of TrackPoints) and returns how many.
func (s *Store) DeleteTrackPoints(ctx context.Context, q data.TrackQuery) (int, error) {
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

// fixesOf is the entities announcing the fixes of pts on the change feed:
// data.FixesChanged and the worker's id, one per worker.
func fixesOf(pts []patrol.TrackPoint) []string {
	seen := map[patrol.WorkerID]bool{}
	var out []string
	for _, p := range pts {
		if !seen[p.Worker] {
			seen[p.Worker] = true
			out = append(out, data.FixesChanged+string(p.Worker))
		}
	}
	return out
}
