package postgis_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data/pgtest"
	"wangge/data/postgis"
	"wangge/partition"
)

func TestPostGISChanges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := pgtest.DSN(t)
	writer, reader := pgOpen(t, dsn), pgOpen(t, dsn)
	elsewhere := pgOpen(t, pgtest.DSN(t)) // another schema of the same database
	lctx, stop := context.WithCancel(ctx)
	changes, err := reader.Changes(lctx)
	if err != nil {
		t.Fatal(err)
	}
	next := func(t *testing.T) string {
		t.Helper()
		select {
		case e, ok := <-changes:
			if !ok {
				t.Fatal("changes closed")
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no change announced within 5 s")
		}
		return ""
	}
	plan := partition.Plan{ID: "p", Status: partition.PlanDraft, Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Grids: []partition.Grid{{ID: "g1", Kind: partition.Basic, Geometry: pgSquare(0, 0, 1)}}}
	steps := []struct {
		name  string
		write func() error
		want  []string
	}{
		{"blocks", func() error {
			return writer.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}})
		}, []string{"blocks"}},
		{"plan and grids", func() error { return writer.PutPlan(ctx, plan) }, []string{"plans", "grids"}},
		// Neither a rolled-back batch, nor incidents, nor a write to
		// another schema are announced: the next change seen is the
		// workers'.
		{"rolled back, then workers", func() error {
			if err := elsewhere.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}}); err != nil {
				return err
			}
			bad := []partition.Block{{ID: "b2", Geometry: pgSquare(0, 0, 1)}, {ID: "b3", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}}}
			if err := writer.PutBlocks(ctx, bad); err == nil {
				return errors.New("a block with an open ring was stored")
			}
			in := incident.Incident{ID: "i1", Status: incident.StatusReported, Reported: plan.Created, Location: orb.Point{1, 1}}
			if err := writer.PutIncidents(ctx, []incident.Incident{in}); err != nil {
				return err
			}
			return writer.PutWorkers(ctx, []patrol.Worker{{ID: "w1", Role: patrol.RoleFullTime}})
		}, []string{"workers"}},
		{"delete block", func() error { return writer.DeleteBlock(ctx, "b1") }, []string{"blocks"}},
		{"delete plan", func() error { return writer.DeletePlan(ctx, "p") }, []string{"plans", "grids"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.write(); err != nil {
				t.Fatal(err)
			}
			for _, want := range st.want {
				if got := next(t); got != want {
					t.Errorf("change %q, want %q", got, want)
				}
			}
		})
	}
	stop()
	select {
	case e, ok := <-changes:
		if ok {
			t.Errorf("change %q after the listener was stopped", e)
		}
	case <-time.After(5 * time.Second):
		t.Error("changes not closed within 5 s of the end of its context")
	}
}

func TestPostGISChangesRelisten(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := pgtest.DSN(t)
	app := "wangge-relisten-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	reader, writer, admin := pgOpen(t, u.String()), pgOpen(t, dsn), pgConn(t, dsn)
	changes, err := reader.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Cut the listening connection from the server side.
	var n int
	err = admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query = 'LISTEN `+postgis.ChangesChannel+`'`, app).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminated %d listening connections (%v), want 1", n, err)
	}
	for _, want := range []string{postgis.ChangedAll, "blocks"} {
		select {
		case got := <-changes:
			if got != want {
				t.Fatalf("change %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no change %q within 10 s", want)
		}
		if want == postgis.ChangedAll {
			if err := writer.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	reader.Close()
	if _, ok := <-changes; ok {
		t.Error("changes still open after the store was closed")
	}
}
