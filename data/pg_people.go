package data

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/coverage"
	"wangge/partition"
)

var (
	pgWorkerCols     = []string{"id", "name", "role", "device_id", "grids"}
	pgWorkerSelect   = "SELECT id, name, role, device_id, grids::text FROM workers"
	pgKeyPlaceCols   = []string{"id", "category", "geom", "visit_interval_ns", "grid", "last_visited"}
	pgKeyPlaceSelect = "SELECT id, category, ST_X(geom), ST_Y(geom), visit_interval_ns, grid, last_visited FROM key_places"
	pgTokenCols      = []string{"id", "hash", "role", "worker", "grid", "created"}
	pgTokenSelect    = "SELECT id, hash, role, worker, grid, created FROM tokens"
)

// PutWorkers upserts workers in one transaction.
func (s *PostGIS) PutWorkers(ctx context.Context, workers []coverage.Worker) error {
	vals := pgParams(len(pgWorkerCols))
	vals[4] = "$5::jsonb"
	sql := pgUpsert("workers", []string{"id"}, pgWorkerCols, vals)
	return pgPutBatch(ctx, s, "worker", "workers", sql, workers,
		func(w coverage.Worker) string { return string(w.ID) }, checkWorker,
		func(w coverage.Worker) ([]any, error) {
			return []any{w.ID, w.Name, w.Role, w.DeviceID, encodeList(w.Grids)}, nil
		})
}

func pgScanWorker(row pgx.Row) (coverage.Worker, error) {
	var w coverage.Worker
	var grids string
	if err := row.Scan(&w.ID, &w.Name, &w.Role, &w.DeviceID, &grids); err != nil {
		return w, err
	}
	var err error
	w.Grids, err = decodeList[partition.GridID](grids)
	return w, err
}

// Worker returns one worker.
func (s *PostGIS) Worker(ctx context.Context, id coverage.WorkerID) (coverage.Worker, error) {
	return pgGet(ctx, s, "worker", pgWorkerSelect+" WHERE id = $1", string(id), pgScanWorker)
}

// WorkerByDevice returns the worker a device belongs to (the first by id
// if several share it).
func (s *PostGIS) WorkerByDevice(ctx context.Context, deviceID string) (coverage.Worker, error) {
	if deviceID == "" {
		return coverage.Worker{}, pgGetErr("worker with device", deviceID, pgx.ErrNoRows)
	}
	return pgGet(ctx, s, "worker with device", pgWorkerSelect+" WHERE device_id = $1 ORDER BY id LIMIT 1",
		deviceID, pgScanWorker)
}

// Workers lists every worker ordered by id.
func (s *PostGIS) Workers(ctx context.Context) ([]coverage.Worker, error) {
	return pgList(ctx, s, "workers", pgWorkerSelect+" ORDER BY id", nil, pgScanWorker)
}

// DeleteWorker deletes one worker; the worker's track points stay.
func (s *PostGIS) DeleteWorker(ctx context.Context, id coverage.WorkerID) error {
	return s.pgDelete(ctx, "worker", "workers", "workers", string(id))
}

// PutKeyPlaces upserts key places in one transaction.
func (s *PostGIS) PutKeyPlaces(ctx context.Context, places []coverage.KeyPlace) error {
	vals := pgParams(len(pgKeyPlaceCols))
	vals[2] = pgPointArg(3, 7)
	sql := pgUpsert("key_places", []string{"id"}, pgKeyPlaceCols, vals)
	return pgPutBatch(ctx, s, "key place", "key_places", sql, places,
		func(k coverage.KeyPlace) string { return string(k.ID) }, checkKeyPlace,
		func(k coverage.KeyPlace) ([]any, error) {
			return []any{k.ID, k.Category, k.Location[0], int64(k.VisitInterval), k.Grid,
				pgTime(k.LastVisited), k.Location[1]}, nil
		})
}

func pgScanKeyPlace(row pgx.Row) (coverage.KeyPlace, error) {
	var k coverage.KeyPlace
	var ns int64
	err := row.Scan(&k.ID, &k.Category, &k.Location[0], &k.Location[1], &ns, &k.Grid, pgTimeDst{&k.LastVisited})
	k.VisitInterval = time.Duration(ns)
	return k, err
}

// KeyPlace returns one key place.
func (s *PostGIS) KeyPlace(ctx context.Context, id coverage.KeyPlaceID) (coverage.KeyPlace, error) {
	return pgGet(ctx, s, "key place", pgKeyPlaceSelect+" WHERE id = $1", string(id), pgScanKeyPlace)
}

// KeyPlaces lists key places ordered by id, filtered by q.
func (s *PostGIS) KeyPlaces(ctx context.Context, q BBoxQuery) ([]coverage.KeyPlace, error) {
	var w pgWhere
	tail := w.page(q)
	return pgList(ctx, s, "key places", pgKeyPlaceSelect+w.sql()+tail, w.args, pgScanKeyPlace)
}

// DeleteKeyPlace deletes one key place.
func (s *PostGIS) DeleteKeyPlace(ctx context.Context, id coverage.KeyPlaceID) error {
	return s.pgDelete(ctx, "key place", "key_places", "key_places", string(id))
}

// PutToken stores an API token, replacing one with the same id.
func (s *PostGIS) PutToken(ctx context.Context, t Token) error {
	sql := pgUpsert("tokens", []string{"id"}, pgTokenCols, pgParams(len(pgTokenCols)))
	return pgPutBatch(ctx, s, "token", "tokens", sql, []Token{t},
		func(t Token) string { return t.ID }, checkToken,
		func(t Token) ([]any, error) {
			return []any{t.ID, t.Hash, t.Role, t.Worker, t.Grid, pgTime(t.Created)}, nil
		})
}

func pgScanToken(row pgx.Row) (Token, error) {
	var t Token
	err := row.Scan(&t.ID, &t.Hash, &t.Role, &t.Worker, &t.Grid, pgTimeDst{&t.Created})
	return t, err
}

// TokenByHash finds a token by the SHA-256 of its secret.
func (s *PostGIS) TokenByHash(ctx context.Context, hash string) (Token, error) {
	return pgGet(ctx, s, "token with hash", pgTokenSelect+" WHERE hash = $1", hash, pgScanToken)
}

// DeleteToken deletes one token.
func (s *PostGIS) DeleteToken(ctx context.Context, id string) error {
	return s.pgDelete(ctx, "token", "tokens", "tokens", id)
}
