package stores_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/stores"
	"wangge/partition"
)

// backends are the two stores, each with a way to change its data behind
// its back as an older release or an operator with a SQL shell would.
var backends = []struct {
	name string
	dsn  func(t testing.TB) string
	exec func(t *testing.T, dsn string, stmts ...string)
}{
	{"GeoPackage", func(t testing.TB) string { return filepath.Join(t.TempDir(), "old.gpkg") },
		func(t *testing.T, path string, stmts ...string) {
			t.Helper()
			db, err := sql.Open("sqlite3", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, q := range stmts {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
		}},
	{"PostGIS", pgtest.DSN, func(t *testing.T, dsn string, stmts ...string) {
		t.Helper()
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for _, q := range stmts {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}},
}

// TestIncidentMarksMigration opens a store whose incidents table predates
// the duplicate_of and flags columns (they are dropped by hand, as a file
// or database made by an older release lacks them): opening it again adds
// them, a row stored before reads back unmarked, and the marks round-trip.
func TestIncidentMarksMigration(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	old := incident.Incident{ID: "old", Category: "环境卫生", Location: orb.Point{117.3, 34.8},
		Status: incident.StatusReported, Level: incident.LevelGrid, Reported: at}
	marked := old
	marked.ID, marked.Status, marked.DuplicateOf = "new", incident.StatusDuplicate, "old"
	marked.Flags = []string{incident.FlagOutsideGrids}
	for _, tc := range backends {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			s := openStore(t, dsn)
			if err := s.PutIncidents(ctx, []incident.Incident{old}); err != nil {
				t.Fatalf("put before migration: %v", err)
			}
			closeStore(t, s)
			tc.exec(t, dsn, "ALTER TABLE incidents DROP COLUMN duplicate_of", "ALTER TABLE incidents DROP COLUMN flags")
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

// TestIncidentVersionMigration opens a store whose incidents table
// predates the version column: opening it again counts each incident's
// stored events into it, so that an update made on what a client read
// goes through and one made on fewer events is a conflict.
func TestIncidentVersionMigration(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	step := func(in incident.Incident, to incident.Status) incident.Incident {
		t.Helper()
		in.Events = slices.Clone(in.Events)
		if err := incident.Transition(&in, to, incident.Actor{Role: incident.ActorAdmin}, at, ""); err != nil {
			t.Fatal(err)
		}
		return in
	}
	quiet := incident.Incident{ID: "quiet", Location: orb.Point{117.3, 34.8}, Status: incident.StatusDiscovered,
		Level: incident.LevelGrid, Reported: at}
	busy := step(step(quiet, incident.StatusReported), incident.StatusAccepted)
	busy.ID = "busy"
	for _, tc := range backends {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			s := openStore(t, dsn)
			if err := s.PutIncidents(ctx, []incident.Incident{quiet, busy}); err != nil {
				t.Fatalf("put before migration: %v", err)
			}
			closeStore(t, s)
			tc.exec(t, dsn, "ALTER TABLE incidents DROP COLUMN version")
			s = openStore(t, dsn)
			defer closeStore(t, s)
			cases := []struct {
				name    string
				in      incident.Incident
				version int
				want    error
			}{
				{"no events, read with none", step(quiet, incident.StatusReported), 0, nil},
				{"two events, read with one", step(busy, incident.StatusHandling), 1, data.ErrConflict},
				{"two events, read with two", step(busy, incident.StatusHandling), 2, nil},
			}
			for _, c := range cases {
				if err := s.UpdateIncident(ctx, c.in, c.version); !errors.Is(err, c.want) {
					t.Errorf("%s: %v, want %v", c.name, err, c.want)
				}
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

// TestOnePublishedMigration opens a store left with two published plans
// (the unique index dropped by hand, as an older release could leave it
// after a publish that failed half-way): opening it again supersedes
// every published plan but the one in force (keeping its published time), the one published last (ties:
// the greater id), before it makes the rule an index again.
func TestOnePublishedMigration(t *testing.T) {
	ctx := context.Background()
	t1 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Second)
	cases := []struct {
		name   string
		at, bt time.Time // when a and b were published
		want   partition.PlanID
	}{
		{"b later", t1, t2, "b"},
		{"a later", t2, t1, "a"},
		{"same time", t1, t1, "b"},
	}
	for _, be := range backends {
		for _, tc := range cases {
			t.Run(be.name+"/"+tc.name, func(t *testing.T) {
				dsn := be.dsn(t)
				s := openStore(t, dsn)
				plans := []partition.Plan{
					{ID: "a", Status: partition.PlanPublished, Published: tc.at},
					{ID: "b", Status: partition.PlanDraft, Published: tc.bt},
					{ID: "c", Status: partition.PlanDraft},
				}
				for _, p := range plans {
					if err := s.PutPlan(ctx, p); err != nil {
						t.Fatalf("put plan %s: %v", p.ID, err)
					}
				}
				closeStore(t, s)
				be.exec(t, dsn, "DROP INDEX plans_published", "UPDATE plans SET status = 'published' WHERE id = 'b'")
				s = openStore(t, dsn)
				defer closeStore(t, s)
				got, err := s.Plans(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var published []partition.PlanID
				for _, p := range got {
					switch {
					case p.Status == partition.PlanPublished:
						published = append(published, p.ID)
					case p.ID == "c" && p.Status != partition.PlanDraft:
						t.Errorf("the draft c is %s after reopening", p.Status)
					case p.ID != "c" && (p.Status != partition.PlanSuperseded || p.Published.IsZero()):
						t.Errorf("plan %s, published and not in force, is %s published at %v: want superseded with its time", p.ID, p.Status, p.Published)
					}
				}
				if !slices.Equal(published, []partition.PlanID{tc.want}) {
					t.Fatalf("published plans after reopening %v, want [%s]", published, tc.want)
				}
				err = s.PutPlan(ctx, partition.Plan{ID: "c", Status: partition.PlanPublished, Published: t2})
				if !errors.Is(err, data.ErrConflict) {
					t.Fatalf("a second published plan after reopening: %v, want ErrConflict", err)
				}
			})
		}
	}
}

// TestSharedDevicesMigration opens a store whose workers share devices
// (the unique index dropped by hand, as in a store of an older release):
// Open fails naming each device and its workers, as only a person can tell
// who keeps a device, and succeeds once they are resolved.
func TestSharedDevicesMigration(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			s := openStore(t, dsn)
			err := s.PutWorkers(ctx, []patrol.Worker{
				{ID: "w1", Role: patrol.RoleFullTime, DeviceID: "imei-1"},
				{ID: "w2", Role: patrol.RoleFullTime, DeviceID: "imei-2"},
				{ID: "w3", Role: patrol.RoleFullTime, DeviceID: "imei-3"},
				{ID: "w4", Role: patrol.RoleFullTime},
				{ID: "w5", Role: patrol.RoleFullTime},
			})
			if err != nil {
				t.Fatal(err)
			}
			closeStore(t, s)
			be.exec(t, dsn, "DROP INDEX workers_device_key",
				"UPDATE workers SET device_id = 'imei-1' WHERE id IN ('w2', 'w3')")
			s, err = stores.Open(ctx, dsn)
			if !errors.Is(err, data.ErrConflict) || s != nil {
				t.Fatalf("open with shared devices: %v, %v; want no store and an error wrapping ErrConflict", s, err)
			}
			if want := `device "imei-1" is held by workers "w1", "w2", "w3"`; !strings.Contains(err.Error(), want) {
				t.Fatalf("open with shared devices: %q does not say %s", err, want)
			}
			be.exec(t, dsn, "UPDATE workers SET device_id = '' WHERE id IN ('w2', 'w3')")
			s = openStore(t, dsn)
			defer closeStore(t, s)
			err = s.PutWorkers(ctx, []patrol.Worker{{ID: "w4", Role: patrol.RoleFullTime, DeviceID: "imei-1"}})
			if !errors.Is(err, data.ErrConflict) {
				t.Fatalf("a shared device after the fix: %v, want ErrConflict", err)
			}
		})
	}
}
