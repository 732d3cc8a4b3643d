package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	"wangge/internal/cputime"

	"github.com/jackc/pgx/v5"
)

// benchSchema is a fresh schema on the --pg server for one case, dropped
// by drop. dsn reaches it (search_path the schema, then public where
// PostGIS lives) under an application name of its own, so that the
// server processes serving the case can be found.
type benchSchema struct {
	name  string
	dsn   string
	local bool      // the server runs on this machine, so its processes can be read
	admin *pgx.Conn // on the base DSN: creates and drops the schema, finds the case's processes
}

// newBenchSchema creates the schema on the server base names.
func newBenchSchema(ctx context.Context, base string) (*benchSchema, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%w, not %q", ErrPG, base)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	s := &benchSchema{name: "wangge_bench_" + hex.EncodeToString(b[:])}
	host := u.Hostname()
	s.local = host == "" || host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "/")
	q := u.Query()
	q.Set("search_path", s.name+",public")
	q.Set("application_name", s.name)
	u.RawQuery = q.Encode()
	s.dsn = u.String()
	if s.admin, err = pgx.Connect(ctx, base); err != nil {
		return nil, fmt.Errorf("bench: connect --pg: %w", err)
	}
	if _, err := s.admin.Exec(ctx, "CREATE SCHEMA "+s.name); err != nil {
		s.admin.Close(ctx)
		return nil, fmt.Errorf("bench: create schema: %w", err)
	}
	return s, nil
}

// drop drops the schema and everything in it and closes the admin
// connection. Connections to dsn must be closed first.
func (s *benchSchema) drop() error {
	ctx := context.Background()
	defer s.admin.Close(ctx)
	if _, err := s.admin.Exec(ctx, "DROP SCHEMA "+s.name+" CASCADE"); err != nil {
		return fmt.Errorf("bench: drop schema %s: %w", s.name, err)
	}
	return nil
}

// serverCPU is the CPU time spent so far by the server processes now
// connected through dsn (read from /proc, so only for a server on this
// machine), and whether it could be read.
func (s *benchSchema) serverCPU() (time.Duration, bool) {
	if !s.local {
		return 0, false
	}
	rows, err := s.admin.Query(context.Background(),
		"SELECT pid FROM pg_stat_activity WHERE application_name = $1", s.name)
	if err != nil {
		return 0, false
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var total time.Duration
	for _, pid := range pids {
		t, ok := cputime.Process(int(pid), "postgres")
		if !ok {
			return 0, false
		}
		total += t
	}
	return total, true
}

// trackBytes is the size of the track_points partitions in the schema,
// indexes and TOAST included.
func (s *benchSchema) trackBytes() (int64, error) {
	var n int64
	err := s.admin.QueryRow(context.Background(), `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
		WHERE ns.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'track\_points%'`, s.name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bench: track table size: %w", err)
	}
	return n, nil
}
