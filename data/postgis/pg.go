package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"wangge/data"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the store kept in a PostgreSQL database with PostGIS, for
// production and for several `wangge serve` processes sharing one
// database. Tables live in the connection's current schema (the first of
// its search_path) and are created when missing. Writes to the territory,
// plans, workers, key places and tokens are announced on
// ChangesChannel with a payload such as {"entity":"blocks","schema":"…"}
// so that other processes can drop their caches (see
// Changes).
type Store struct {
	pool   *pgxpool.Pool
	schema string // where the tables are: the current schema

	// months caches the track_points partitions known to exist, by
	// months since year 0 (see pgMonth).
	monthsMu sync.Mutex
	months   map[int]bool

	// closing is closed by Close; it stops the Changes listeners.
	closeOnce sync.Once
	closing   chan struct{}
}

var _ data.Store = (*Store)(nil)

// ChangesChannel is the PostgreSQL NOTIFY channel on which a PostGIS store
// announces committed writes.
const ChangesChannel = "wangge_changes"

// Open connects to the database named by dsn (a postgres:// URL or
// a key=value connection string), creates the tables it needs in the
// current schema when they are missing, and returns the store.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("data: postgis dsn: %w", err)
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "wangge"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("data: postgis connect: %w", err)
	}
	s := &Store{pool: pool, months: map[int]bool{}, closing: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Ping reports whether the database can be reached.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("data: postgis ping: %w", err)
	}
	return nil
}

// Close stops the Changes listeners and closes the connection pool. Every
// write acknowledged before has been committed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.pool.Close()
	})
	return nil
}

// pgTx runs fn in one transaction, committed when fn returns nil. When
// entities are given, a change of each non-empty one is announced on
// ChangesChannel; PostgreSQL delivers it only if the transaction commits.
func (s *Store) pgTx(ctx context.Context, fn func(pgx.Tx) error, entities ...string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		for _, e := range entities {
			if e == "" {
				continue
			}
			payload, err := json.Marshal(pgChange{Entity: e, Schema: s.schema})
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", ChangesChannel, string(payload)); err != nil {
				return fmt.Errorf("data: notify %s: %w", e, err)
			}
		}
		return nil
	})
}
