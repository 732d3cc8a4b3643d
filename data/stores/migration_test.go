package stores_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/stores"
)

// TestIncidentMarksMigration opens a store whose incidents table predates
// the duplicate_of and flags columns (they are dropped by hand, as a file
// or database made by an older release lacks them): opening it again adds
// them, a row stored before reads back unmarked, and the marks round-trip.
func TestIncidentMarksMigration(t *testing.T) {
	cases := []struct {
		name string
		dsn  func(t testing.TB) string
		drop func(t *testing.T, dsn string)
	}{
		{"GeoPackage",
			func(t testing.TB) string { return filepath.Join(t.TempDir(), "old.gpkg") },
			func(t *testing.T, path string) {
				t.Helper()
				db, err := sql.Open("sqlite3", path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				for _, col := range []string{"duplicate_of", "flags"} {
					if _, err := db.Exec("ALTER TABLE incidents DROP COLUMN " + col); err != nil {
						t.Fatalf("drop %s: %v", col, err)
					}
				}
			}},
		{"PostGIS", pgtest.DSN, func(t *testing.T, dsn string) {
			t.Helper()
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, "ALTER TABLE incidents DROP COLUMN duplicate_of, DROP COLUMN flags"); err != nil {
				t.Fatalf("drop columns: %v", err)
			}
		}},
	}
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	old := incident.Incident{ID: "old", Category: "环境卫生", Location: orb.Point{117.3, 34.8},
		Status: incident.StatusReported, Level: incident.LevelGrid, Reported: at}
	marked := old
	marked.ID, marked.Status, marked.DuplicateOf = "new", incident.StatusDuplicate, "old"
	marked.Flags = []string{incident.FlagOutsideGrids}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			s := openStore(t, dsn)
			if err := s.PutIncidents(ctx, []incident.Incident{old}); err != nil {
				t.Fatalf("put before migration: %v", err)
			}
			closeStore(t, s)
			tc.drop(t, dsn)
			for round := range 2 { // the second open finds the columns there
				s = openStore(t, dsn)
				got, err := s.Incident(ctx, old.ID)
				if err != nil {
					t.Fatalf("open %d: get old incident: %v", round, err)
				}
				if got.DuplicateOf != "" || got.Flags != nil {
					t.Fatalf("open %d: old incident reads duplicate of %q, flags %v; want none", round, got.DuplicateOf, got.Flags)
				}
				if err := s.PutIncidents(ctx, []incident.Incident{marked}); err != nil {
					t.Fatalf("open %d: put marked: %v", round, err)
				}
				got, err = s.Incident(ctx, marked.ID)
				if err != nil {
					t.Fatalf("open %d: get marked: %v", round, err)
				}
				if got.DuplicateOf != "old" || len(got.Flags) != 1 || got.Flags[0] != incident.FlagOutsideGrids {
					t.Fatalf("open %d: marked incident reads duplicate of %q, flags %v", round, got.DuplicateOf, got.Flags)
				}
				closeStore(t, s)
			}
		})
	}
}

// openStore opens the store at dsn through stores.Open.
func openStore(t *testing.T, dsn string) data.Store {
	t.Helper()
	s, err := stores.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	return s
}

// closeStore closes s, failing the test on error.
func closeStore(t *testing.T, s data.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}
