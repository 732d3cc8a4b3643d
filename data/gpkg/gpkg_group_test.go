package gpkg_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/gpkg"
)

// TestGroupCommitCounts sends 200 one-fix calls at once, as phones do,
// half of them repeating a fix another call sends: the calls are committed
// together, yet each gets its own count, the counts add up to the fixes
// stored, and every fix is stored once.
func TestGroupCommitCounts(t *testing.T) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "group.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	const calls = 200
	counts := make([]int, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			fix := patrol.TrackPoint{Worker: "w", Time: t0.Add(time.Duration(i%(calls/2)) * time.Second), Point: orb.Point{7.42, 43.73}}
			n, err := st.PutTrackPoints(ctx, []patrol.TrackPoint{fix})
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	pts, err := st.TrackPoints(ctx, data.TrackQuery{Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if total != calls/2 || len(pts) != calls/2 {
		t.Fatalf("counts add up to %d, %d fixes stored; want %d and %d", total, len(pts), calls/2, calls/2)
	}
}
