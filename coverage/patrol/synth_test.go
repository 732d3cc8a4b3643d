package patrol

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// TestSynthDistrictLayout checks the district against hand figures: side²
// grids of 500 m × 500 m (geodesic area within 0.1%), 2·(5·side+1)
// streets of 5·side+1 junctions, (5·side)² buildings, and the whole
// district centred on its centre.
func TestSynthDistrictLayout(t *testing.T) {
	for _, side := range []int{1, 3} {
		d := NewSynthDistrict(tiananmen, side)
		if len(d.Grids) != side*side {
			t.Fatalf("side %d: %d grids", side, len(d.Grids))
		}
		var all orb.Bound
		for i, g := range d.Grids {
			if a := geo.Area(g.Geometry); math.Abs(a-250000)/250000 > 1e-3 {
				t.Errorf("side %d grid %s: area %.0f m², want 250000", side, g.ID, a)
			}
			if i == 0 {
				all = g.Geometry.Bound()
			}
			all = all.Union(g.Geometry.Bound())
		}
		if got := geo.Distance(all.Center(), tiananmen); got > 1 {
			t.Errorf("side %d: district centre %.1f m from its centre", side, got)
		}
		streets := 5*side + 1
		if len(d.Roads) != 2*streets {
			t.Errorf("side %d: %d roads, want %d", side, len(d.Roads), 2*streets)
		}
		for _, r := range d.Roads {
			if len(r) != streets {
				t.Fatalf("side %d: a road of %d junctions, want %d", side, len(r), streets)
			}
		}
		if want := 25 * side * side; len(d.Buildings) != want {
			t.Errorf("side %d: %d buildings, want %d", side, len(d.Buildings), want)
		}
	}
}

// TestSynthPatrolRepeats checks that day d of a patrol replays variant
// d mod variants a day later, that each worker keeps near its own grid,
// and that bad counts are refused.
func TestSynthPatrolRepeats(t *testing.T) {
	d := NewSynthDistrict(tiananmen, 2)
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	one, err := d.Patrol(start, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	three, err := d.Patrol(start, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(three) < 2*len(one) || len(one) == 0 {
		t.Fatalf("1 day: %d fixes, 3 days: %d", len(one), len(three))
	}
	for i, p := range one {
		if q := three[i]; q != p {
			t.Fatalf("fix %d of day 0 is %+v in the 3-day patrol, %+v alone", i, q, p)
		}
	}
	// Day 2 replays variant 0, so it is day 0 two days later.
	day2 := three[len(three)-len(one):]
	for i, p := range one {
		if q := day2[i]; q.Worker != p.Worker || !q.Time.Equal(p.Time.AddDate(0, 0, 2)) || q.Point != p.Point {
			t.Fatalf("fix %d of day 2 is %+v, want %+v two days later", i, q, p)
		}
	}
	// Noise and drift stay within 100 m; streets on a grid's edge are
	// walked by its worker, so allow one more street step.
	home := map[WorkerID]orb.Bound{}
	g := -1
	for i, p := range one {
		if i == 0 || p.Worker != one[i-1].Worker {
			g++
			home[p.Worker] = d.Grids[g].Geometry.Bound().Pad(200.0 / 111320 / math.Cos(tiananmen[1]*math.Pi/180))
		}
		if !home[p.Worker].Contains(p.Point) {
			t.Fatalf("fix %d of %s at %v is far outside grid %s", i, p.Worker, p.Point, d.Grids[g].ID)
		}
	}
	if g != len(d.Grids)-1 {
		t.Errorf("%d workers, want one per grid (%d)", g+1, len(d.Grids))
	}
	if _, err := d.Patrol(start, 0, 1); !errors.Is(err, ErrOption) {
		t.Errorf("0 days: %v, want ErrOption", err)
	}
}
