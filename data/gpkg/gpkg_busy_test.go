package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
)

// TestBusy holds the write lock of a GeoPackage from a connection of its
// own, as another process in the middle of a write would: every write of a
// store that waits past its busy timeout fails with an error wrapping
// data.ErrBusy, reads go on, and writes succeed once the lock is free.
func TestBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.gpkg")
	const busy = 50 * time.Millisecond
	s, err := OpenTimeout(ctx, path, busy)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := patrol.Worker{ID: "w1", Role: patrol.RoleFullTime, DeviceID: "imei-1"}
	if err := s.PutWorkers(ctx, []patrol.Worker{w}); err != nil {
		t.Fatal(err)
	}

	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"put workers", func() error { return s.PutWorkers(ctx, []patrol.Worker{w}) }},
		{"put track points", func() error {
			_, err := s.PutTrackPoints(ctx, []patrol.TrackPoint{{Worker: "w1", Time: time.Now()}})
			return err
		}},
		{"delete worker", func() error { return s.DeleteWorker(ctx, "w1") }},
		{"open", func() error {
			s2, err := OpenTimeout(ctx, path, busy)
			if err == nil {
				s2.Close()
			}
			return err
		}},
	}
	for _, tc := range writes {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.write(); !errors.Is(err, data.ErrBusy) {
				t.Fatalf("%s while another connection writes: %v, want an error wrapping data.ErrBusy", tc.name, err)
			}
		})
	}
	if got, err := s.WorkerByDevice(ctx, "imei-1"); err != nil || got.ID != "w1" {
		t.Fatalf("read while another connection writes: %+v, %v", got, err)
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWorker(ctx, "w1"); err != nil {
		t.Fatalf("write once the lock is free: %v", err)
	}
}
