package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"wangge/data"
	"wangge/data/internal/codec"

	"github.com/jackc/pgx/v5"
)

// pgTable maps one kind of item onto one table keyed by id: the columns
// written (the key first) and the SQL of their values, the query that
// reads items back in the order of scan, how to check an item and turn it
// into arguments.
type pgTable[T any] struct {
	name   string
	kind   string // names an item in errors
	entity string // announced on ChangesChannel when written; empty: not
	cols   []string
	vals   []string // value expressions with $n placeholders, in cols order
	sel    string   // SELECT … FROM name
	id     func(T) string
	check  func(T) error
	args   func(T) ([]any, error)
	scan   func(pgx.Row) (T, error)
}

// upsertSQL inserts one item; a conflict on id updates the other columns.
func (t *pgTable[T]) upsertSQL() string {
	set := make([]string, 0, len(t.cols)-1)
	for _, c := range t.cols[1:] {
		set = append(set, c+" = EXCLUDED."+c)
	}
	return "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES (" +
		strings.Join(t.vals, ", ") + ") ON CONFLICT (id) DO UPDATE SET " + strings.Join(set, ", ")
}

// put checks every item, then upserts them in one transaction with one
// round trip. The first failing item is named by an *ItemError and
// nothing is stored.
func (t *pgTable[T]) put(ctx context.Context, s *Store, items []T) error {
	if err := codec.CheckBatch(t.kind, items, t.id, t.check); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error { return t.putTx(ctx, tx, t.upsertSQL(), items) }, t.entity)
}

// putTx runs sql once per item in one round trip inside tx and names the
// first item that fails. Items are written in id order, so that batches
// sharing items lock their rows in one order and cannot deadlock.
func (t *pgTable[T]) putTx(ctx context.Context, tx pgx.Tx, sql string, items []T) error {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(t.id(items[a]), t.id(items[b])) })
	b := &pgx.Batch{}
	for _, i := range order {
		a, err := t.args(items[i])
		if err != nil {
			return &data.ItemError{Kind: t.kind, Index: i, ID: t.id(items[i]), Err: err}
		}
		b.Queue(sql, a...)
	}
	res := tx.SendBatch(ctx, b)
	for _, i := range order {
		if _, err := res.Exec(); err != nil {
			res.Close()
			return &data.ItemError{Kind: t.kind, Index: i, ID: t.id(items[i]), Err: err}
		}
	}
	return res.Close()
}

// get reads the item with the given id.
func (t *pgTable[T]) get(ctx context.Context, s *Store, id string) (T, error) {
	v, err := t.scan(s.pool.QueryRow(ctx, t.sel+" WHERE id = $1", id))
	return v, pgGetErr(t.kind, id, err)
}

// list reads the items w selects, ordered by id, one page of q.
func (t *pgTable[T]) list(ctx context.Context, s *Store, w *pgWhere, q data.BBoxQuery) ([]T, error) {
	tail := w.page(q, false)
	return pgList(ctx, s, t.name, t.sel+w.sql()+tail, w.args, t.scan)
}

// delete deletes the item with the given id in its own transaction; a
// missing item is an error wrapping ErrNotFound.
func (t *pgTable[T]) delete(ctx context.Context, s *Store, id string) error {
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		return pgDeleteIn(ctx, tx, t.kind, t.name, id)
	}, t.entity)
}

// pgQuerier is what both a pool and a transaction can query.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// pgGetErr names the item a read by id failed on; no row wraps
// ErrNotFound.
func pgGetErr(kind, id string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("data: %s %q: %w", kind, id, data.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("data: %s %q: %w", kind, id, err)
	}
	return nil
}

// pgList runs a query on the pool and scans every row.
func pgList[T any](ctx context.Context, s *Store, what, sql string, args []any,
	scan func(pgx.Row) (T, error)) ([]T, error) {
	out, err := pgCollect(ctx, s.pool, sql, args, scan)
	if err != nil {
		return nil, fmt.Errorf("data: list %s: %w", what, err)
	}
	return out, nil
}

// pgCollect runs a query and scans every row; it returns nil for no rows.
func pgCollect[T any](ctx context.Context, q pgQuerier, sql string, args []any,
	scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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

// pgDeleteIn deletes the row of table with the given id; a missing row is
// an error wrapping ErrNotFound.
func pgDeleteIn(ctx context.Context, tx pgx.Tx, kind, table, id string) error {
	tag, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("data: delete %s %q: %w", kind, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("data: delete %s %q: %w", kind, id, data.ErrNotFound)
	}
	return nil
}
