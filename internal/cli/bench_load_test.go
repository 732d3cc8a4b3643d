package cli

import (
	"context"
	"io"
	"testing"
	"time"

	"wangge/data/pgtest"
	"wangge/internal/bench"
)

// TestBenchLoadShort runs the load proof small: 20 phones, a fix a second
// for 4 s, the server killed with SIGKILL after 2 s and started again, on
// both stores. No acknowledged fix may be lost or stored twice, and the
// phones keep being answered after the restart.
func TestBenchLoadShort(t *testing.T) {
	bin, err := buildWangge()
	if err != nil {
		t.Fatal(err)
	}
	for _, store := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"gpkg", func(*testing.T) string { return "" }},
		{"postgis", func(t *testing.T) string { return pgtest.DSN(t) }},
	} {
		t.Run(store.name, func(t *testing.T) {
			rep, err := bench.Load(context.Background(), bench.LoadOptions{Phones: 20, Every: time.Second, For: 4 * time.Second,
				KillAt: 2 * time.Second, DB: store.db(t), Serve: []string{bin, "serve"}}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Lost != 0 || rep.Duplicated != 0 || rep.Kills != 1 || rep.Acknowledged < 40 || rep.Stored < rep.Acknowledged {
				t.Fatalf("report %+v: want 1 kill, at least 40 fixes acknowledged, none lost or doubled", rep)
			}
		})
	}
}
