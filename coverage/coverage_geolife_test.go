package coverage

import (
	"cmp"
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/uber/h3-go/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data/pgtest"
	"wangge/geo"
	"wangge/partition"
)

// beijingGrids makes a grid layer of central Beijing from the n H3
// resolution-7 cells (5.2 km² each) within 20 km of Tiananmen holding the
// most fixes, with each grid's seven resolution-8 children as its blocks.
func beijingGrids(pts []patrol.TrackPoint, n int) ([]partition.Grid, []partition.Block) {
	count := map[h3.Cell]int{}
	for _, p := range pts {
		if geo.Distance(p.Point, tiananmen) < 20e3 {
			count[geo.Cell(p.Point, 7)]++
		}
	}
	cells := make([]h3.Cell, 0, len(count))
	for c := range count {
		cells = append(cells, c)
	}
	slices.SortFunc(cells, func(a, b h3.Cell) int { return cmp.Or(count[b]-count[a], cmp.Compare(a, b)) })
	var grids []partition.Grid
	var blocks []partition.Block
	for _, c := range cells[:min(n, len(cells))] {
		g := partition.Grid{ID: partition.GridID(c.String()), Geometry: orb.MultiPolygon{geo.CellPolygon(c)}}
		for _, k := range c.Children(8) {
			b := partition.Block{ID: partition.BlockID(k.String()), Geometry: orb.MultiPolygon{geo.CellPolygon(k)}}
			blocks = append(blocks, b)
			g.Blocks = append(g.Blocks, b.ID)
		}
		grids = append(grids, g)
	}
	return grids, blocks
}

// refereeTrack is the track as the coverage rule defines it, computed
// apart: fixes and the segments between consecutive fixes of one worker
// at most DefaultMaxInterpGap apart, in geo's tangent-plane projection.
type refereeTrack struct {
	proj geo.Projection
	segs [][4]float64
}

func newRefereeTrack(pts []patrol.TrackPoint, origin orb.Point) refereeTrack {
	r := refereeTrack{proj: geo.NewProjection(origin)}
	for i, p := range pts {
		b := r.proj.Forward(p.Point)
		a := b
		if i > 0 && pts[i-1].Worker == p.Worker {
			if dt := p.Time.Sub(pts[i-1].Time); dt > 0 && dt <= DefaultMaxInterpGap {
				a = r.proj.Forward(pts[i-1].Point)
			}
		}
		r.segs = append(r.segs, [4]float64{a[0], a[1], b[0], b[1]})
	}
	return r
}

// distance is the least distance in metres from the cell's centre to the
// track, by brute force over every segment.
func (r refereeTrack) distance(c h3.Cell) float64 {
	ll := h3.CellToLatLng(c)
	p := r.proj.Forward(orb.Point{ll.Lng, ll.Lat})
	best := math.Inf(1)
	for _, s := range r.segs {
		best = min(best, segDist2(s[0], s[1], s[2], s[3], p[0], p[1]))
	}
	return math.Sqrt(best)
}

// TestCoverageSkmob computes coverage of the skmob GeoLife sample (217,653
// fixes, two users, Oct 2008 – Mar 2009) over the 12 busiest H3 res-7
// cells of central Beijing as grids, and checks it by brute force: sampled
// covered cells lie within the buffer of the track, sampled uncovered
// cells farther, gaps are disjoint from covered cells, shares in [0, 1];
// and by PostGIS: the gap polygons are valid and have the area we say.
func TestCoverageSkmob(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 217,653 points")
	}
	pts, _ := track.Clean(skmobPoints(t), track.CleanOptions{})
	grids, blocks := beijingGrids(pts, 12)
	r, err := Coverage(grids, blocks, pts, CoverageOptions{Zone: time.FixedZone("CST", 8*3600)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Covered == 0 || r.Covered == r.Cells {
		t.Fatalf("covered %d of %d cells: nothing to check", r.Covered, r.Cells)
	}
	t.Logf("%d fixes, %d segments, %d runs, %d days; %d of %d cells covered (%.1f%%)",
		r.Fixes, r.Segments, r.Runs, r.Days, r.Covered, r.Cells, 100*r.Share)
	for _, g := range r.Grids[:3] {
		t.Logf("grid %s: %d/%d cells, share %.3f, gaps %.0f m², last visited %s",
			g.ID, g.Covered, g.Cells, g.Share, g.GapArea, g.LastVisited.Format(time.RFC3339))
	}
	ref := newRefereeTrack(pts, grids[0].Geometry.Bound().Center())
	covered := map[h3.Cell]bool{}
	for _, c := range r.Heat {
		covered[c.Cell] = true
	}
	const tol = 0.1 // metres between the equirectangular plane and the referee's
	t.Run("covered cells are within the buffer", func(t *testing.T) {
		for i := 0; i < len(r.Heat); i += max(1, len(r.Heat)/150) {
			if d := ref.distance(r.Heat[i].Cell); d > r.Buffer+tol {
				t.Errorf("covered cell %s is %.2f m from the track", r.Heat[i].H3, d)
			}
		}
	})
	t.Run("uncovered cells are beyond the buffer", func(t *testing.T) {
		cells := geo.Cells(grids[0].Geometry, r.Res)
		checked := 0
		for i := 0; i < len(cells) && checked < 150; i += 7 {
			if covered[cells[i]] {
				continue
			}
			checked++
			if d := ref.distance(cells[i]); d < r.Buffer-tol {
				t.Errorf("uncovered cell %s is %.2f m from the track", cells[i], d)
			}
		}
	})
	t.Run("gaps and shares", func(t *testing.T) {
		checkGaps(t, r, grids)
		for _, b := range r.Blocks {
			if b.Share < 0 || b.Share > 1 || (b.Covered > 0) == b.LastVisited.IsZero() {
				t.Errorf("block %+v", b)
			}
		}
	})
	// PostGIS draws the grid's edges straight in degrees, geo.Intersection
	// in a local plane: the crossings it puts on a 1.2 km edge lie a few
	// millimetres off, slivers of some 10 m² on a 3.6 km² grid.
	t.Run("gaps are valid, clipped, with their area, by PostGIS", func(t *testing.T) {
		conn := pgtest.Conn(t)
		clipped := 0.0
		for i, g := range r.Grids[:4] {
			var cells []h3.Cell
			for _, c := range geo.Cells(grids[i].Geometry, r.Res) {
				if !covered[c] {
					cells = append(cells, c)
				}
			}
			var valid bool
			var area, want, outside float64
			err := conn.QueryRow(context.Background(), `SELECT ST_IsValid(g), ST_Area(g::geography),
					ST_Area(ST_Intersection(u, grid)::geography), ST_Area(ST_Difference(g, grid)::geography)
				FROM (SELECT ST_GeomFromText($1, 4326) AS g, ST_GeomFromText($2, 4326) AS u, ST_GeomFromText($3, 4326) AS grid) s`,
				wkt.MarshalString(g.Gaps), wkt.MarshalString(geo.CellsToMultiPolygon(cells)), wkt.MarshalString(grids[i].Geometry)).
				Scan(&valid, &area, &want, &outside)
			if err != nil {
				t.Fatal(err)
			}
			if !valid || math.Abs(area-g.GapArea) > 1e-4*area || math.Abs(want-g.GapArea) > 1e-4*want || outside > 1e-5*area {
				t.Errorf("grid %s gaps: valid %v, PostGIS area %.1f m², of the uncovered cells in the grid %.1f m², outside it %.1f m²; ours %.1f m²",
					g.ID, valid, area, want, outside, g.GapArea)
			}
			clipped += geo.Area(geo.CellsToMultiPolygon(cells)) - g.GapArea
			t.Logf("grid %s: gaps %.1f m², PostGIS ST_Intersection %.1f m² (%.4f of the grid)", g.ID, g.GapArea, want, g.GapShare)
		}
		if clipped < 1 {
			t.Errorf("clipping removed %.1f m² from the gaps of 4 grids: the test checks no clipping", clipped)
		}
		t.Logf("clipping removed %.0f m² of border cells outside their grids", clipped)
	})
	t.Run("heat", func(t *testing.T) {
		for _, c := range r.Heat {
			if c.Days < 1 || c.Days > r.Days || c.Passes < 1 || c.LastVisited.IsZero() {
				t.Errorf("cell %+v", c)
			}
		}
	})
}
