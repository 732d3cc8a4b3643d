package coverage

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"wangge/coverage/patrol"
	"wangge/geo"
	"wangge/partition"
)

// squareGrid is a grid of the given side in metres centred on tiananmen,
// split into a west and an east block.
func squareGrid(t *testing.T, id partition.GridID, side float64) (partition.Grid, []partition.Block) {
	t.Helper()
	proj := geo.NewProjection(tiananmen)
	h := side / 2
	rect := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{
			proj.Inverse(orb.Point{x0, -h}), proj.Inverse(orb.Point{x1, -h}), proj.Inverse(orb.Point{x1, h}),
			proj.Inverse(orb.Point{x0, h}), proj.Inverse(orb.Point{x0, -h}),
		}}}
	}
	blocks := []partition.Block{
		{ID: partition.BlockID(id) + "-w", Geometry: rect(-h, 0)},
		{ID: partition.BlockID(id) + "-e", Geometry: rect(0, h)},
	}
	return partition.Grid{ID: id, Blocks: []partition.BlockID{blocks[0].ID, blocks[1].ID}, Geometry: rect(-h, h)}, blocks
}

// walkVia makes fixes every 5 s along plane points (metres from tiananmen) at
// 1.4 m/s, starting at start, ending on the last point.
func walkVia(t *testing.T, worker patrol.WorkerID, start time.Time, via ...[2]float64) []patrol.TrackPoint {
	t.Helper()
	proj := geo.NewProjection(tiananmen)
	const step = 7.0 // metres in 5 s
	var pts []patrol.TrackPoint
	at := start
	for i := 0; i+1 < len(via); i++ {
		a, b := via[i], via[i+1]
		n := int(math.Ceil(math.Hypot(b[0]-a[0], b[1]-a[1]) / step))
		for j := 0; j < n; j++ {
			f := float64(j) / float64(n)
			xy := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
			pts = append(pts, patrol.TrackPoint{Worker: worker, Time: at, Point: proj.Inverse(xy)})
			at = at.Add(5 * time.Second)
		}
	}
	last := via[len(via)-1]
	return append(pts, patrol.TrackPoint{Worker: worker, Time: at, Point: proj.Inverse(orb.Point{last[0], last[1]})})
}

// lineDistance is the referee's distance in metres from p to the polyline
// through via, in geo's tangent-plane projection (not the equirectangular
// plane Coverage uses).
func lineDistance(p orb.Point, via ...[2]float64) float64 {
	xy := geo.NewProjection(tiananmen).Forward(p)
	best := math.Inf(1)
	for i := 0; i+1 < len(via); i++ {
		best = min(best, math.Sqrt(segDist2(via[i][0], via[i][1], via[i+1][0], via[i+1][1], xy[0], xy[1])))
	}
	return best
}

var day0 = time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)

func TestCoverageStraightWalk(t *testing.T) {
	grid, blocks := squareGrid(t, "g1", 600)
	via := [][2]float64{{-300, 0}, {0, 0}, {0, 150}}
	r, err := Coverage([]partition.Grid{grid}, blocks, walkVia(t, "w1", day0, via...), CoverageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	covered := map[h3.Cell]bool{}
	for _, c := range r.Heat {
		covered[c.Cell] = true
	}
	if len(covered) == 0 {
		t.Fatal("nothing covered")
	}
	cells := geo.Cells(grid.Geometry, DefaultRes)
	for _, c := range cells {
		ll := h3.CellToLatLng(c)
		d := lineDistance(orb.Point{ll.Lng, ll.Lat}, via...)
		if math.Abs(d-DefaultBuffer) < 0.05 {
			continue // too close to call between two projections
		}
		if want := d <= DefaultBuffer; covered[c] != want {
			t.Errorf("cell %s at %.2f m from the walk: covered %v", c, d, covered[c])
		}
	}
	g := r.Grids[0]
	if g.Cells != len(cells) || g.Covered != len(covered) || g.Covered+g.GapCells != g.Cells {
		t.Errorf("grid: %d cells, %d covered, %d gaps; want %d cells, %d covered", g.Cells, g.Covered, g.GapCells, len(cells), len(covered))
	}
	t.Run("blocks", func(t *testing.T) {
		// The walk crosses the west block and turns north at x = 0, on
		// the boundary, so both blocks are partly covered.
		for _, b := range r.Blocks {
			if b.Grid != "g1" || b.Covered == 0 || b.Covered >= b.Cells || b.LastVisited.IsZero() {
				t.Errorf("block %+v", b)
			}
		}
	})
	t.Run("heat", func(t *testing.T) {
		for _, c := range r.Heat {
			if c.Days != 1 || c.Passes != 1 {
				t.Errorf("cell %s: %d days, %d passes; want 1, 1", c.H3, c.Days, c.Passes)
			}
		}
	})
	t.Run("gaps", func(t *testing.T) {
		checkGaps(t, r, []partition.Grid{grid})
	})
}

// checkGaps asserts that every grid's gap polygons hold the centres of
// its uncovered cells and none of the covered ones, lie inside the grid,
// have the area the uncovered cells share with the grid (geo.OverlapArea,
// which clips nothing) and at most that of the cells, and that shares lie
// in [0, 1].
func checkGaps(t *testing.T, r *CoverageReport, grids []partition.Grid) {
	t.Helper()
	covered := map[h3.Cell]bool{}
	for _, c := range r.Heat {
		covered[c.Cell] = true
	}
	for i, g := range r.Grids {
		var cellArea float64
		var gaps []h3.Cell
		if g.ID != grids[i].ID {
			t.Fatalf("grid %d is %s in the report, %s given", i, g.ID, grids[i].ID)
		}
		for _, c := range geo.Cells(grids[i].Geometry, r.Res) {
			ll := h3.CellToLatLng(c)
			in := planar.MultiPolygonContains(g.Gaps, orb.Point{ll.Lng, ll.Lat})
			// Some H3 centres lie on their grid's edge (0.06 mm off in
			// Beijing): the clipped gaps may leave them out.
			if in == covered[c] && (in || !onBoundary(grids[i].Geometry, orb.Point{ll.Lng, ll.Lat}, 1e-3)) {
				t.Errorf("grid %s cell %s: covered %v, inside the gaps %v", g.ID, c, covered[c], in)
			}
			if !covered[c] {
				cellArea += h3.CellAreaM2(c)
				gaps = append(gaps, c)
			}
		}
		inGrid := geo.OverlapArea(geo.CellsToMultiPolygon(gaps), grids[i].Geometry)
		// h3 measures cells on a sphere, geo.Area on the ellipsoid: they
		// differ by about 0.1% at Beijing's latitude.
		if math.Abs(inGrid-g.GapArea) > 1e-4*inGrid+0.5 || g.GapArea > cellArea*1.005+1 {
			t.Errorf("grid %s: gap area %.1f m², uncovered cells %.1f m², of it in the grid %.1f m²", g.ID, g.GapArea, cellArea, inGrid)
		}
		if out := g.GapArea - geo.OverlapArea(g.Gaps, grids[i].Geometry); math.Abs(out) > 1e-4*g.GapArea+0.5 {
			t.Errorf("grid %s: %.1f m² of the gaps lie outside the grid", g.ID, out)
		}
		if g.Share < 0 || g.Share > 1 || g.GapShare < 0 || g.GapShare > 1 {
			t.Errorf("grid %s: share %v, gap share %v", g.ID, g.Share, g.GapShare)
		}
		if want := g.GapArea / geo.Area(grids[i].Geometry); math.Abs(g.GapShare-want) > 1e-9 {
			t.Errorf("grid %s: gap share %v, gap area over grid area %v", g.ID, g.GapShare, want)
		}
	}
}

// onBoundary tells whether p lies within tol metres of mp's boundary.
func onBoundary(mp orb.MultiPolygon, p orb.Point, tol float64) bool {
	proj := geo.NewProjection(p)
	for _, poly := range mp {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				if planar.DistanceFromSegment(proj.Forward(r[k]), proj.Forward(r[k+1]), orb.Point{}) <= tol {
					return true
				}
			}
		}
	}
	return false
}

func TestCoverageInterpolation(t *testing.T) {
	grid, _ := squareGrid(t, "g1", 600)
	proj := geo.NewProjection(tiananmen)
	at := func(x float64, sec int) patrol.TrackPoint {
		return patrol.TrackPoint{Worker: "w1", Time: day0.Add(time.Duration(sec) * time.Second), Point: proj.Inverse(orb.Point{x, 0})}
	}
	// A cell centre on the way between the fixes, far from both.
	mid := geo.Cell(proj.Inverse(orb.Point{0, 0}), DefaultRes)
	cases := []struct {
		name    string
		pts     []patrol.TrackPoint
		covered bool
	}{
		{"bridged within MaxInterpGap", []patrol.TrackPoint{at(-200, 0), at(200, 110)}, true},
		{"not bridged after a long silence", []patrol.TrackPoint{at(-200, 0), at(200, 600)}, false},
		{"not bridged between workers", []patrol.TrackPoint{at(-200, 0), {Worker: "w2", Time: day0.Add(10 * time.Second), Point: proj.Inverse(orb.Point{200, 0})}}, false},
		{"not bridged back in time", []patrol.TrackPoint{at(-200, 60), at(200, 0)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Coverage([]partition.Grid{grid}, nil, tc.pts, CoverageOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, c := range r.Heat {
				got = got || c.Cell == mid
			}
			if got != tc.covered {
				t.Errorf("middle cell covered %v, want %v", got, tc.covered)
			}
		})
	}
}

func TestCoverageHeatAndWindow(t *testing.T) {
	grid, _ := squareGrid(t, "g1", 600)
	via := [][2]float64{{-250, 0}, {250, 0}}
	var pts []patrol.TrackPoint
	pts = append(pts, walkVia(t, "w1", day0, via...)...)                                 // day 1, 08:00
	pts = append(pts, walkVia(t, "w1", day0.Add(2*time.Hour), via...)...)                // day 1, 10:00
	pts = append(pts, walkVia(t, "w2", day0.Add(24*time.Hour), via...)...)               // day 2
	pts = append(pts, walkVia(t, "w2", day0.Add(24*time.Hour+7*time.Minute), via...)...) // day 2, back within PassGap
	cases := []struct {
		name          string
		from, to      time.Time
		days, passes  int
		fixesFraction float64
	}{
		{"whole", time.Time{}, time.Time{}, 2, 3, 1},
		{"first day", day0.Add(-time.Hour), day0.Add(20 * time.Hour), 1, 2, 0.5},
		{"second morning only", day0.Add(23 * time.Hour), day0.Add(48 * time.Hour), 1, 1, 0.5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Coverage([]partition.Grid{grid}, nil, pts, CoverageOptions{From: tc.from, To: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			if want := int(tc.fixesFraction * float64(len(pts))); r.Fixes != want {
				t.Errorf("fixes %d, want %d", r.Fixes, want)
			}
			// The cell under the middle of the walk.
			mid := geo.Cell(tiananmen, r.Res)
			found := false
			for _, c := range r.Heat {
				if c.Cell != mid {
					continue
				}
				found = true
				if c.Days != tc.days || c.Passes != tc.passes {
					t.Errorf("middle cell: %d days, %d passes; want %d, %d", c.Days, c.Passes, tc.days, tc.passes)
				}
			}
			if !found {
				t.Error("middle cell not covered")
			}
		})
	}
}

func TestCoverageOptionErrors(t *testing.T) {
	cases := []struct {
		name string
		opts CoverageOptions
	}{
		{"resolution", CoverageOptions{Res: 16}},
		{"buffer", CoverageOptions{Buffer: -5}},
		{"window", CoverageOptions{From: day0, To: day0.Add(-time.Hour)}},
		{"window too long", CoverageOptions{From: day0, To: day0.AddDate(20, 0, 0)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Coverage(nil, nil, nil, tc.opts); !errors.Is(err, ErrOption) {
				t.Errorf("err = %v, want ErrOption", err)
			}
		})
	}
}

// Grids in Beijing and Macau are not one district: the local plane would
// not measure metres, so Coverage refuses them.
func TestCoverageTooWide(t *testing.T) {
	grid, _ := squareGrid(t, "beijing", 300)
	far := partition.Grid{ID: "macau", Geometry: orb.MultiPolygon{geo.CellPolygon(geo.Cell(orb.Point{113.5468, 22.157}, 9))}}
	if _, err := Coverage([]partition.Grid{grid, far}, nil, nil, CoverageOptions{}); !errors.Is(err, ErrOption) {
		t.Errorf("err = %v, want ErrOption", err)
	}
}

// segDist2 is the referee's squared distance from (cx, cy) to the segment a–b.
func segDist2(ax, ay, bx, by, cx, cy float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = min(max(((cx-ax)*dx+(cy-ay)*dy)/l2, 0), 1)
	}
	ex, ey := ax+t*dx-cx, ay+t*dy-cy
	return ex*ex + ey*ey
}

// The shards of the walk merge into the report one walk would give.
func TestCoverageShards(t *testing.T) {
	grid, blocks := squareGrid(t, "g1", 600)
	var pts []patrol.TrackPoint
	for i, w := range []patrol.WorkerID{"a", "b", "c", "d", "e"} {
		y := float64(i*50 - 100)
		pts = append(pts, walkVia(t, w, day0.Add(time.Duration(i)*time.Hour), [2]float64{-280, y}, [2]float64{280, y}, [2]float64{0, 0})...)
	}
	pts = append(pts, walkVia(t, "a", day0.AddDate(0, 0, 1), [2]float64{0, -280}, [2]float64{0, 280})...)
	report := func(n int) *CoverageReport {
		t.Helper()
		o, err := CoverageOptions{}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		cv, err := newCoverer([]partition.Grid{grid}, blocks, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := cv.prepareDays(pts); err != nil {
			t.Fatal(err)
		}
		cv.add(pts, n)
		return cv.report()
	}
	one := report(1)
	for _, n := range []int{2, 3, 8} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			if got := report(n); !reflect.DeepEqual(got, one) {
				t.Errorf("%d shards: %d covered, %d runs; one walk: %d covered, %d runs", n, got.Covered, got.Runs, one.Covered, one.Runs)
			}
		})
	}
	if one.Runs != 6 || one.Days != 2 {
		t.Errorf("runs %d, days %d; want 6, 2", one.Runs, one.Days)
	}
}

// A grid or block smaller than a cell still has one: the cell holding the
// centre of its bounds.
func TestCoverageTinyArea(t *testing.T) {
	proj := geo.NewProjection(tiananmen)
	ring := orb.Ring{proj.Inverse(orb.Point{-3, -3}), proj.Inverse(orb.Point{3, -3}), proj.Inverse(orb.Point{3, 3}),
		proj.Inverse(orb.Point{-3, 3}), proj.Inverse(orb.Point{-3, -3})}
	kiosk := partition.Grid{ID: "kiosk", Blocks: []partition.BlockID{"k"}, Geometry: orb.MultiPolygon{{ring}}}
	// Walk through the centre of the res-9 cell (174 m edge) holding the
	// kiosk, so that cell is covered.
	ll := h3.CellToLatLng(geo.Cell(tiananmen, 9))
	c := proj.Forward(orb.Point{ll.Lng, ll.Lat})
	pts := walkVia(t, "w1", day0, [2]float64{c[0] - 100, c[1]}, [2]float64{c[0] + 100, c[1]})
	r, err := Coverage([]partition.Grid{kiosk}, []partition.Block{{ID: "k", Geometry: kiosk.Geometry}}, pts, CoverageOptions{Res: 9})
	if err != nil {
		t.Fatal(err)
	}
	g, b := r.Grids[0], r.Blocks[0]
	if g.Cells != 1 || b.Cells != 1 || g.Covered != 1 || b.Covered != 1 {
		t.Errorf("grid %+v, block %+v; want one cell, covered", g, b)
	}
}
