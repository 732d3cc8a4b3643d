package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

var pgWorkers = &pgTable[patrol.Worker]{
	name: "workers", kind: "worker", entity: "workers",
	cols:  []string{"id", "name", "role", "device_id", "grids"},
	vals:  []string{"$1", "$2", "$3", "$4", "$5::jsonb"},
	sel:   "SELECT id, name, role, device_id, grids::text FROM workers",
	id:    func(w patrol.Worker) string { return string(w.ID) },
	check: codec.CheckWorker,
	args: func(w patrol.Worker) ([]any, error) {
		return []any{w.ID, w.Name, w.Role, w.DeviceID, codec.EncodeList(w.Grids)}, nil
	},
	scan: func(row pgx.Row) (patrol.Worker, error) {
		var w patrol.Worker
		var grids string
		if err := row.Scan(&w.ID, &w.Name, &w.Role, &w.DeviceID, &grids); err != nil {
			return w, err
		}
		var err error
		w.Grids, err = codec.DecodeList[partition.GridID](grids)
		return w, err
	},
}

// PutWorkers upserts workers in one transaction. A device another worker
// holds is a conflict.
func (s *Store) PutWorkers(ctx context.Context, workers []patrol.Worker) error {
	t := pgWorkers
	if err := codec.CheckBatch(t.kind, workers, t.id, t.check); err != nil {
		return err
	}
	if len(workers) == 0 {
		return nil
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		if err := pgFreeDevices(ctx, tx, workers); err != nil {
			return err
		}
		return t.putTx(ctx, tx, t.upsertSQL(), workers)
	}, t.entity)
}

// pgFreeDevices checks that no worker outside the batch holds a device of
// the batch, then takes the devices from the batch's stored workers, so
// that a batch may move devices between its workers in any order. Writes
// of workers wait for each other on an advisory lock, so that the check
// sees the devices the write before gave.
func pgFreeDevices(ctx context.Context, tx pgx.Tx, workers []patrol.Worker) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('wangge workers ' || current_schema()))"); err != nil {
		return fmt.Errorf("data: workers lock: %w", err)
	}
	held, err := pgCollect(ctx, tx, "SELECT device_id, id FROM workers WHERE device_id = ANY($1)",
		[]any{codec.Devices(workers)}, pgScanHolder)
	if err != nil {
		return fmt.Errorf("data: devices of workers: %w", err)
	}
	if err := codec.CheckDevices(workers, held); err != nil {
		return err
	}
	ids := make([]string, len(workers))
	for i, w := range workers {
		ids[i] = string(w.ID)
	}
	if _, err := tx.Exec(ctx, "UPDATE workers SET device_id = '' WHERE device_id <> '' AND id = ANY($1)", ids); err != nil {
		return fmt.Errorf("data: free devices of workers: %w", err)
	}
	return nil
}

// pgScanHolder reads a (device, worker) row.
func pgScanHolder(row pgx.Row) (codec.Holder, error) {
	var h codec.Holder
	err := row.Scan(&h.Device, &h.Worker)
	return h, err
}

// Worker returns one worker.
func (s *Store) Worker(ctx context.Context, id patrol.WorkerID) (patrol.Worker, error) {
	return pgWorkers.get(ctx, s, string(id))
}

// WorkerByDevice returns the worker a device belongs to.
func (s *Store) WorkerByDevice(ctx context.Context, deviceID string) (patrol.Worker, error) {
	var w pgWhere
	w.add("device_id = ?", deviceID)
	ws, err := pgWorkers.list(ctx, s, &w, data.BBoxQuery{Limit: 1})
	if err == nil && (deviceID == "" || len(ws) == 0) {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return patrol.Worker{}, pgGetErr("worker with device", deviceID, err)
	}
	return ws[0], nil
}

// Workers lists every worker ordered by id.
func (s *Store) Workers(ctx context.Context) ([]patrol.Worker, error) {
	return pgWorkers.list(ctx, s, &pgWhere{}, data.BBoxQuery{})
}

// DeleteWorker deletes one worker; the worker's track points stay.
func (s *Store) DeleteWorker(ctx context.Context, id patrol.WorkerID) error {
	return pgWorkers.delete(ctx, s, string(id))
}

var pgKeyPlaces = &pgTable[patrol.KeyPlace]{
	name: "key_places", kind: "key place", entity: "key_places",
	cols:  []string{"id", "category", "geom", "visit_interval_ns", "grid", "last_visited", "added"},
	vals:  []string{"$1", "$2", pgPointArg(3, 7), "$4", "$5", "$6", "$8"},
	sel:   "SELECT id, category, ST_X(geom), ST_Y(geom), visit_interval_ns, grid, last_visited, added FROM key_places",
	id:    func(k patrol.KeyPlace) string { return string(k.ID) },
	check: codec.CheckKeyPlace,
	args: func(k patrol.KeyPlace) ([]any, error) {
		return []any{k.ID, k.Category, k.Location[0], int64(k.VisitInterval), k.Grid,
			pgTime(k.LastVisited), k.Location[1], pgTime(k.Added)}, nil
	},
	scan: func(row pgx.Row) (patrol.KeyPlace, error) {
		var k patrol.KeyPlace
		var ns int64
		err := row.Scan(&k.ID, &k.Category, &k.Location[0], &k.Location[1], &ns, &k.Grid, pgTimeDst{&k.LastVisited}, pgTimeDst{&k.Added})
		k.VisitInterval = time.Duration(ns)
		return k, err
	},
}

// PutKeyPlaces upserts key places in one transaction.
func (s *Store) PutKeyPlaces(ctx context.Context, places []patrol.KeyPlace) error {
	return pgKeyPlaces.put(ctx, s, places)
}

// KeyPlace returns one key place.
func (s *Store) KeyPlace(ctx context.Context, id patrol.KeyPlaceID) (patrol.KeyPlace, error) {
	return pgKeyPlaces.get(ctx, s, string(id))
}

// KeyPlaces lists key places ordered by id, filtered by q.
func (s *Store) KeyPlaces(ctx context.Context, q data.BBoxQuery) ([]patrol.KeyPlace, error) {
	return pgKeyPlaces.list(ctx, s, &pgWhere{}, q)
}

// DeleteKeyPlace deletes one key place.
func (s *Store) DeleteKeyPlace(ctx context.Context, id patrol.KeyPlaceID) error {
	return pgKeyPlaces.delete(ctx, s, string(id))
}

var pgTokens = &pgTable[data.Token]{
	name: "tokens", kind: "token", entity: "tokens",
	cols:  []string{"id", "hash", "role", "worker", "grid", "created"},
	vals:  pgParams(6),
	sel:   "SELECT id, hash, role, worker, grid, created FROM tokens",
	id:    func(t data.Token) string { return t.ID },
	check: codec.CheckToken,
	args: func(t data.Token) ([]any, error) {
		return []any{t.ID, t.Hash, t.Role, t.Worker, t.Grid, pgTime(t.Created)}, nil
	},
	scan: func(row pgx.Row) (data.Token, error) {
		var t data.Token
		err := row.Scan(&t.ID, &t.Hash, &t.Role, &t.Worker, &t.Grid, pgTimeDst{&t.Created})
		return t, err
	},
}

// PutToken stores an API token, replacing one with the same id.
func (s *Store) PutToken(ctx context.Context, t data.Token) error {
	return pgTokens.put(ctx, s, []data.Token{t})
}

// TokenByHash finds a token by the SHA-256 of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (data.Token, error) {
	v, err := pgTokens.scan(s.pool.QueryRow(ctx, pgTokens.sel+" WHERE hash = $1", hash))
	return v, pgGetErr("token with hash", hash, err)
}

// Tokens lists the tokens ordered by id.
func (s *Store) Tokens(ctx context.Context) ([]data.Token, error) {
	return pgTokens.list(ctx, s, &pgWhere{}, data.BBoxQuery{})
}

// DeleteToken deletes one token.
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	return pgTokens.delete(ctx, s, id)
}
