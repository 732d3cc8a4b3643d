package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostGIS is the Store kept in a PostgreSQL database with PostGIS, for
// production and for several `wangge serve` processes sharing one
// database. Tables live in the connection's current schema (the first of
// its search_path) and are created when missing. Writes to the territory,
// plans, workers, key places and tokens are announced on
// ChangesChannel with a payload such as {"entity":"blocks","schema":"…"}
// so that other processes can drop their caches (see
// Changes).
type PostGIS struct {
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

var _ Store = (*PostGIS)(nil)

// ChangesChannel is the PostgreSQL NOTIFY channel on which a PostGIS store
// announces committed writes.
const ChangesChannel = "wangge_changes"

// OpenPostGIS connects to the database named by dsn (a postgres:// URL or
// a key=value connection string), creates the tables it needs in the
// current schema when they are missing, and returns the store.
func OpenPostGIS(ctx context.Context, dsn string) (*PostGIS, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("data: postgis dsn: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("data: postgis connect: %w", err)
	}
	s := &PostGIS{pool: pool, months: map[int]bool{}, closing: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Ping reports whether the database can be reached.
func (s *PostGIS) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("data: postgis ping: %w", err)
	}
	return nil
}

// Close stops the Changes listeners and closes the connection pool. Every
// write acknowledged before has been committed.
func (s *PostGIS) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.pool.Close()
	})
	return nil
}

// pgTx runs fn in one transaction, committed when fn returns nil. When
// entities are given, a change of each non-empty one is announced on
// ChangesChannel; PostgreSQL delivers it only if the transaction commits.
func (s *PostGIS) pgTx(ctx context.Context, fn func(pgx.Tx) error, entities ...string) error {
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

// pgPutBatch upserts items in one transaction, one statement per item sent
// in a single round trip. Every item is checked before anything is sent;
// args gives the statement's arguments. The first failing item is named
// by an *ItemError and nothing is stored.
func pgPutBatch[T any](ctx context.Context, s *PostGIS, kind, entity, sql string, items []T,
	id func(T) string, check func(T) error, args func(T) ([]any, error)) error {
	if err := checkBatch(kind, items, id, check); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		return pgSendBatch(ctx, tx, kind, sql, items, id, args)
	}, entity)
}

// pgSendBatch runs sql once per item in one round trip inside tx and names
// the first item that fails.
func pgSendBatch[T any](ctx context.Context, tx pgx.Tx, kind, sql string, items []T,
	id func(T) string, args func(T) ([]any, error)) error {
	b := &pgx.Batch{}
	for i, it := range items {
		a, err := args(it)
		if err != nil {
			return &ItemError{Kind: kind, Index: i, ID: id(it), Err: err}
		}
		b.Queue(sql, a...)
	}
	res := tx.SendBatch(ctx, b)
	for i, it := range items {
		if _, err := res.Exec(); err != nil {
			res.Close()
			return &ItemError{Kind: kind, Index: i, ID: id(it), Err: err}
		}
	}
	return res.Close()
}

// pgQuerier is what both a pool and a transaction can query.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// pgGet reads one row by id with scan, wrapping ErrNotFound when there is
// none.
func pgGet[T any](ctx context.Context, s *PostGIS, kind, sql string, id string,
	scan func(pgx.Row) (T, error)) (T, error) {
	v, err := scan(s.pool.QueryRow(ctx, sql, id))
	return v, pgGetErr(kind, id, err)
}

// pgGetErr names the item a read by id failed on; no row wraps
// ErrNotFound.
func pgGetErr(kind, id string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("data: %s %q: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("data: %s %q: %w", kind, id, err)
	}
	return nil
}

// pgList runs a query on the pool and scans every row.
func pgList[T any](ctx context.Context, s *PostGIS, kind, sql string, args []any,
	scan func(pgx.Row) (T, error)) ([]T, error) {
	out, err := pgCollect(ctx, s.pool, sql, args, scan)
	if err != nil {
		return nil, fmt.Errorf("data: list %s: %w", kind, err)
	}
	return out, nil
}

// pgCollect runs a query and scans every row; it returns nil for no rows.
func pgCollect[T any](ctx context.Context, q pgQuerier, sql string, args []any,
	scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	defer rows.Close()
	if err != nil {
		return nil, err
	}
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// pgDelete deletes the row of table with the given id in its own
// transaction, announcing the change of entity when not empty.
func (s *PostGIS) pgDelete(ctx context.Context, kind, table, entity, id string) error {
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		return pgDeleteIn(ctx, tx, kind, table, id)
	}, entity)
}

// pgDeleteIn deletes the row of table with the given id; a missing row is
// an error wrapping ErrNotFound.
func pgDeleteIn(ctx context.Context, tx pgx.Tx, kind, table, id string) error {
	tag, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("data: delete %s %q: %w", kind, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("data: delete %s %q: %w", kind, id, ErrNotFound)
	}
	return nil
}
