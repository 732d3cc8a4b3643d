package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"wangge/data"
	"wangge/data/internal/codec"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
)

// Store is the embedded store: one SQLite file laid out as an OGC
// GeoPackage 1.3, so that GDAL and QGIS open its layers directly. It runs
// in WAL mode with synchronous=FULL, so a write that returned survives a
// crash of the process or the machine.
type Store struct {
	db     *sql.DB
	path   string
	tracks trackWriter // group commit of PutTrackPoints
}

var _ data.Store = (*Store)(nil)

// gpkgDriver is the database/sql driver name under which go-sqlite3 runs
// with the SQL functions the rtree triggers need.
const gpkgDriver = "sqlite3_wangge_gpkg"

var gpkgRegister sync.Once

// gpkgFunctions registers ST_IsEmpty and ST_MinX … ST_MaxY on a
// connection: the GeoPackage rtree triggers call them (GDAL and QGIS
// register their own when they write).
func gpkgFunctions(c *sqlite3.SQLiteConn) error {
	coord := func(pick func(orb.Bound) float64) func([]byte) (float64, error) {
		return func(b []byte) (float64, error) {
			bound, err := gpkgBound(b)
			return pick(bound), err
		}
	}
	funcs := map[string]any{
		"ST_MinX": coord(func(b orb.Bound) float64 { return b.Min[0] }),
		"ST_MaxX": coord(func(b orb.Bound) float64 { return b.Max[0] }),
		"ST_MinY": coord(func(b orb.Bound) float64 { return b.Min[1] }),
		"ST_MaxY": coord(func(b orb.Bound) float64 { return b.Max[1] }),
		"ST_IsEmpty": func(b []byte) (bool, error) {
			h, err := gpkgParse(b)
			return h.empty, err
		},
	}
	for name, f := range funcs {
		if err := c.RegisterFunc(name, f, true); err != nil {
			return fmt.Errorf("data: register %s: %w", name, err)
		}
	}
	return nil
}

// BusyTimeout is how long a write waits for the lock of a GeoPackage
// that another connection or process is writing before it fails with an
// error wrapping data.ErrBusy.
const BusyTimeout = 10 * time.Second

// Open opens the GeoPackage at path, creating the file and the
// store's layers when they are missing. An SQLite file that is not a
// GeoPackage is refused with an error wrapping ErrNotGeoPackage.
//
// Several stores, in one process or several, may have one file open.
// Every write transaction takes the file's write lock when it begins
// (BEGIN IMMEDIATE), so that the checks it makes before writing hold until
// it commits, and waits up to BusyTimeout for it.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenTimeout(ctx, path, BusyTimeout)
}

// OpenTimeout is Open with writes waiting up to busy, instead of
// BusyTimeout, for the lock another connection holds.
func OpenTimeout(ctx context.Context, path string, busy time.Duration) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("data: GeoPackage path %q: empty or holds '?'", path)
	}
	gpkgRegister.Do(func() {
		sql.Register(gpkgDriver, &sqlite3.SQLiteDriver{ConnectHook: gpkgFunctions})
	})
	dsn := fmt.Sprintf("%s?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=%d&_foreign_keys=on&_txlock=immediate",
		path, busy.Milliseconds())
	db, err := sql.Open(gpkgDriver, dsn)
	if err != nil {
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	if err := gpkgCreate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("data: open %s: %w", path, gpkgBusy(err))
	}
	return &Store{db: db, path: path}, nil
}

// gpkgBusy wraps err with data.ErrBusy when SQLite gave up waiting for a
// lock (SQLITE_BUSY or SQLITE_LOCKED after the busy timeout).
func gpkgBusy(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) && !errors.Is(err, data.ErrBusy) {
		return fmt.Errorf("%w: another connection kept the GeoPackage locked past the busy timeout; retry in a moment: %w", data.ErrBusy, err)
	}
	return err
}

// Ping reports whether the file can be read.
func (g *Store) Ping(ctx context.Context) error {
	if err := g.db.PingContext(ctx); err != nil {
		return fmt.Errorf("data: ping %s: %w", g.path, err)
	}
	return nil
}

// Close checkpoints the write-ahead log and closes the file.
func (g *Store) Close() error {
	_, cerr := g.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return errors.Join(cerr, g.db.Close())
}

// gpkgDB is a *sql.DB or a *sql.Tx.
type gpkgDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// gpkgScanner is a *sql.Row or *sql.Rows.
type gpkgScanner interface{ Scan(dest ...any) error }

// gpkgTable maps one kind of item onto one table: the columns written and
// read (the key first), how to check an item, turn it into values and
// read it back.
type gpkgTable[T any] struct {
	name  string
	kind  string   // names the item in errors
	key   string   // conflict target of the upsert
	cols  []string // in the order of row and scan
	id    func(T) string
	check func(T) error
	row   func(T) ([]any, error)
	scan  func(gpkgScanner) (T, error)
	geom  func(T) orb.Geometry // nil for attributes
}

func (t *gpkgTable[T]) upsertSQL() string {
	set := make([]string, 0, len(t.cols))
	for _, c := range t.cols {
		set = append(set, c+" = excluded."+c)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
		t.name, strings.Join(t.cols, ", "), gpkgMarks(len(t.cols)),
		t.key, strings.Join(set, ", "))
}

// gpkgMarks is n placeholders separated by commas: "?, ?, ?".
func gpkgMarks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// gpkgArgs turns strings into query arguments.
func gpkgArgs[S ~string](xs []S) []any {
	args := make([]any, len(xs))
	for i, x := range xs {
		args[i] = string(x)
	}
	return args
}

// put checks the batch, then upserts it in one transaction.
func (t *gpkgTable[T]) put(ctx context.Context, db *sql.DB, items []T) error {
	if err := codec.CheckBatch(t.kind, items, t.id, t.check); err != nil {
		return err
	}
	return gpkgTx(ctx, db, []string{t.name}, func(tx *sql.Tx) error { return t.putTx(ctx, tx, items) })
}

// putTx upserts items inside tx.
func (t *gpkgTable[T]) putTx(ctx context.Context, tx *sql.Tx, items []T) error {
	stmt, err := tx.PrepareContext(ctx, t.upsertSQL())
	if err != nil {
		return fmt.Errorf("data: prepare %s: %w", t.name, err)
	}
	defer stmt.Close()
	for i, it := range items {
		args, err := t.row(it)
		if err == nil {
			_, err = stmt.ExecContext(ctx, args...)
		}
		if err != nil {
			return &data.ItemError{Kind: t.kind, Index: i, ID: t.id(it), Err: err}
		}
	}
	return nil
}

// gpkgTx runs f in a write transaction and, when it returns nil, stamps
// the tables it wrote with the time in gpkg_contents.last_change and
// commits. A lock not had in time is an error wrapping data.ErrBusy.
func gpkgTx(ctx context.Context, db *sql.DB, tables []string, f func(*sql.Tx) error) error {
	return gpkgBusy(gpkgWrite(ctx, db, tables, f))
}

// gpkgWrite is gpkgTx without the mapping of its errors.
func gpkgWrite(ctx context.Context, db *sql.DB, tables []string, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("data: begin: %w", err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	touch := "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name IN ('" +
		strings.Join(tables, "', '") + "')"
	if _, err := tx.ExecContext(ctx, touch); err != nil {
		return fmt.Errorf("data: stamp %v: %w", tables, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data: commit: %w", err)
	}
	return nil
}

// gpkgRead runs f on one connection inside a deferred transaction, so
// that the several queries f makes read one snapshot of the file.
func gpkgRead(ctx context.Context, db *sql.DB, f func(gpkgDB) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("data: connect: %w", gpkgBusy(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return fmt.Errorf("data: begin read: %w", gpkgBusy(err))
	}
	ferr := gpkgBusy(f(conn))
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
		return errors.Join(ferr, fmt.Errorf("data: end read: %w", err))
	}
	return ferr
}

// gpkgQuery is a listing: SQL conditions with their arguments, an exact
// bbox filter, keyset paging on id and a limit.
type gpkgQuery struct {
	where []string
	args  []any
	bbox  *orb.Bound
	after string
	limit int
	order string // default "id"
}

func (q *gpkgQuery) add(cond string, args ...any) {
	q.where = append(q.where, cond)
	q.args = append(q.args, args...)
}

// gpkgBBox turns a BBoxQuery into a listing.
func gpkgBBox(b data.BBoxQuery) gpkgQuery {
	return gpkgQuery{bbox: b.BBox, after: b.After, limit: b.Limit}
}

// list reads the items matching q. A bbox picks candidates through the
// layer's rtree, then keeps those whose geometry really intersects it.
func (t *gpkgTable[T]) list(ctx context.Context, db gpkgDB, q gpkgQuery) ([]T, error) {
	if q.bbox != nil {
		q.add("fid IN (SELECT id FROM rtree_"+t.name+"_geom WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)",
			q.bbox.Max[0], q.bbox.Min[0], q.bbox.Max[1], q.bbox.Min[1])
	}
	if q.after != "" {
		q.add("id > ?", q.after)
	}
	if q.order == "" {
		q.order = "id"
	}
	query := "SELECT " + strings.Join(t.cols, ", ") + " FROM " + t.name
	if len(q.where) > 0 {
		query += " WHERE " + strings.Join(q.where, " AND ")
	}
	rows, err := db.QueryContext(ctx, query+" ORDER BY "+q.order, q.args...)
	if err != nil {
		return nil, fmt.Errorf("data: list %s: %w", t.name, gpkgBusy(err))
	}
	defer rows.Close()
	var out []T
	for (q.limit <= 0 || len(out) < q.limit) && rows.Next() {
		it, err := t.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("data: read %s: %w", t.kind, err)
		}
		if q.bbox == nil || gpkgIntersects(t.geom(it), *q.bbox) {
			out = append(out, it)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list %s: %w", t.name, gpkgBusy(err))
	}
	return out, nil
}

// first reads the first item matching cond, or fails with ErrNotFound.
func (t *gpkgTable[T]) first(ctx context.Context, db gpkgDB, what, cond string, arg any) (T, error) {
	q := gpkgQuery{limit: 1}
	q.add(cond, arg)
	items, err := t.list(ctx, db, q)
	if err != nil {
		var zero T
		return zero, err
	}
	if len(items) == 0 {
		var zero T
		return zero, fmt.Errorf("%w: %s with %s %q", data.ErrNotFound, t.kind, what, arg)
	}
	return items[0], nil
}

func (t *gpkgTable[T]) get(ctx context.Context, db gpkgDB, id string) (T, error) {
	return t.first(ctx, db, "id", "id = ?", id)
}

// remove deletes the item with the id in a transaction of its own.
func (t *gpkgTable[T]) remove(ctx context.Context, db *sql.DB, id string) error {
	return gpkgTx(ctx, db, []string{t.name}, func(tx *sql.Tx) error { return t.del(ctx, tx, id) })
}

// del deletes the item with the id, or fails with ErrNotFound.
func (t *gpkgTable[T]) del(ctx context.Context, db gpkgDB, id string) error {
	res, err := db.ExecContext(ctx, "DELETE FROM "+t.name+" WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("data: delete %s %q: %w", t.kind, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(fmt.Errorf("%w: %s with id %q", data.ErrNotFound, t.kind, id), err)
	}
	return nil
}
