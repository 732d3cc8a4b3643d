package gpkg

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// This file keeps workers, key places and tokens.

var gpkgWorkers = &gpkgTable[patrol.Worker]{
	name: "workers", kind: "worker", key: "id",
	cols:  []string{"id", "name", "role", "device_id", "grids"},
	id:    func(w patrol.Worker) string { return string(w.ID) },
	check: codec.CheckWorker,
	row: func(w patrol.Worker) ([]any, error) {
		return []any{w.ID, w.Name, w.Role, w.DeviceID, codec.EncodeList(w.Grids)}, nil
	},
	scan: func(s gpkgScanner) (patrol.Worker, error) {
		var w patrol.Worker
		var grids string
		if err := s.Scan(&w.ID, &w.Name, &w.Role, &w.DeviceID, &grids); err != nil {
			return w, err
		}
		var err error
		w.Grids, err = codec.DecodeList[partition.GridID](grids)
		return w, err
	},
}

var gpkgKeyPlaces = &gpkgTable[patrol.KeyPlace]{
	name: "key_places", kind: "key place", key: "id",
	cols:  []string{"id", "category", "visit_interval_ns", "grid", "last_visited", "added", "geom"},
	id:    func(k patrol.KeyPlace) string { return string(k.ID) },
	check: codec.CheckKeyPlace,
	geom:  func(k patrol.KeyPlace) orb.Geometry { return k.Location },
	row: func(k patrol.KeyPlace) ([]any, error) {
		return []any{k.ID, k.Category, int64(k.VisitInterval), k.Grid, codec.EncodeTime(k.LastVisited), codec.EncodeTime(k.Added),
			gpkgPointBlob(k.Location)}, nil
	},
	scan: func(s gpkgScanner) (patrol.KeyPlace, error) {
		var k patrol.KeyPlace
		var last, added sql.NullString
		var g []byte
		if err := s.Scan(&k.ID, &k.Category, &k.VisitInterval, &k.Grid, &last, &added, &g); err != nil {
			return k, err
		}
		var err error
		if k.LastVisited, err = codec.DecodeTime(last); err != nil {
			return k, err
		}
		if k.Added, err = codec.DecodeTime(added); err != nil {
			return k, err
		}
		k.Location, err = gpkgPoint(g)
		return k, err
	},
}

var gpkgTokens = &gpkgTable[data.Token]{
	name: "tokens", kind: "token", key: "id",
	cols:  []string{"id", "hash", "role", "worker", "grid", "created"},
	id:    func(t data.Token) string { return t.ID },
	check: codec.CheckToken,
	row: func(t data.Token) ([]any, error) {
		return []any{t.ID, t.Hash, t.Role, t.Worker, t.Grid, codec.EncodeTime(t.Created)}, nil
	},
	scan: func(s gpkgScanner) (data.Token, error) {
		var t data.Token
		var created sql.NullString
		if err := s.Scan(&t.ID, &t.Hash, &t.Role, &t.Worker, &t.Grid, &created); err != nil {
			return t, err
		}
		var err error
		t.Created, err = codec.DecodeTime(created)
		return t, err
	},
}

// PutWorkers upserts workers in one transaction. A device another worker
// holds is a conflict; the check runs inside the write transaction, which
// holds the file's lock.
func (g *Store) PutWorkers(ctx context.Context, workers []patrol.Worker) error {
	t := gpkgWorkers
	if err := codec.CheckBatch(t.kind, workers, t.id, t.check); err != nil {
		return err
	}
	return gpkgTx(ctx, g.db, []string{t.name}, func(tx *sql.Tx) error {
		if err := gpkgFreeDevices(ctx, tx, workers); err != nil {
			return err
		}
		return t.putTx(ctx, tx, workers)
	})
}

// gpkgFreeDevices checks that no worker outside the batch holds a device
// of the batch, then takes the devices from the batch's stored workers,
// so that a batch may move devices between its workers in any order.
func gpkgFreeDevices(ctx context.Context, tx *sql.Tx, workers []patrol.Worker) error {
	devices := codec.Devices(workers)
	held, err := gpkgHolders(ctx, tx, "SELECT device_id, id FROM workers WHERE device_id IN ("+gpkgMarks(len(devices))+")",
		gpkgArgs(devices)...)
	if err != nil {
		return err
	}
	if err := codec.CheckDevices(workers, held); err != nil {
		return err
	}
	ids := make([]patrol.WorkerID, len(workers))
	for i, w := range workers {
		ids[i] = w.ID
	}
	if _, err := tx.ExecContext(ctx, "UPDATE workers SET device_id = '' WHERE device_id <> '' AND id IN ("+gpkgMarks(len(ids))+")",
		gpkgArgs(ids)...); err != nil {
		return fmt.Errorf("data: free devices of workers: %w", err)
	}
	return nil
}

// Worker reads one worker.
func (g *Store) Worker(ctx context.Context, id patrol.WorkerID) (patrol.Worker, error) {
	return gpkgWorkers.get(ctx, g.db, string(id))
}

// WorkerByDevice finds the worker carrying a device.
func (g *Store) WorkerByDevice(ctx context.Context, deviceID string) (patrol.Worker, error) {
	if deviceID == "" {
		return patrol.Worker{}, codec.Invalid("empty device id")
	}
	// The second term lets SQLite use the partial index workers_device_key.
	return gpkgWorkers.first(ctx, g.db, "device", "device_id = ? AND device_id <> ''", deviceID)
}

// Workers lists all workers ordered by id.
func (g *Store) Workers(ctx context.Context) ([]patrol.Worker, error) {
	return gpkgWorkers.list(ctx, g.db, gpkgQuery{})
}

// DeleteWorker deletes one worker; the worker's track stays.
func (g *Store) DeleteWorker(ctx context.Context, id patrol.WorkerID) error {
	return gpkgWorkers.remove(ctx, g.db, string(id))
}

// PutKeyPlaces upserts key places in one transaction.
func (g *Store) PutKeyPlaces(ctx context.Context, places []patrol.KeyPlace) error {
	return gpkgKeyPlaces.put(ctx, g.db, places)
}

// KeyPlace reads one key place.
func (g *Store) KeyPlace(ctx context.Context, id patrol.KeyPlaceID) (patrol.KeyPlace, error) {
	return gpkgKeyPlaces.get(ctx, g.db, string(id))
}

// KeyPlaces lists key places ordered by id.
func (g *Store) KeyPlaces(ctx context.Context, q data.BBoxQuery) ([]patrol.KeyPlace, error) {
	return gpkgKeyPlaces.list(ctx, g.db, gpkgBBox(q))
}

// DeleteKeyPlace deletes one key place.
func (g *Store) DeleteKeyPlace(ctx context.Context, id patrol.KeyPlaceID) error {
	return gpkgKeyPlaces.remove(ctx, g.db, string(id))
}

// PutToken stores a token.
func (g *Store) PutToken(ctx context.Context, t data.Token) error {
	return gpkgTokens.put(ctx, g.db, []data.Token{t})
}

// TokenByHash finds a token by the SHA-256 of its secret.
func (g *Store) TokenByHash(ctx context.Context, hash string) (data.Token, error) {
	return gpkgTokens.first(ctx, g.db, "hash", "hash = ?", hash)
}

// Tokens lists the tokens ordered by id.
func (g *Store) Tokens(ctx context.Context) ([]data.Token, error) {
	return gpkgTokens.list(ctx, g.db, gpkgQuery{})
}

// DeleteToken deletes a token.
func (g *Store) DeleteToken(ctx context.Context, id string) error {
	return gpkgTokens.remove(ctx, g.db, id)
}
