package geo

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"wangge/data/pgtest"
)

// providenceCentre is a point in downtown Providence.
var providenceCentre = orb.Point{-71.4128, 41.824}

func TestCellsMatchH3PolygonToCells(t *testing.T) {
	shell := circle(providenceCentre, 0.01, 64)
	hole := reversed(circle(providenceCentre, 0.004, 32))
	poly := orb.Polygon{shell, hole}
	const res = 10
	got := Cells(poly, res)
	want := h3.PolygonToCells(geoPolygon(poly), res)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Cells gave %d cells, h3.PolygonToCells %d", len(got), len(want))
	}
	// Independently: a cell is in Cells exactly when its centre is inside
	// the polygon and outside the hole. Check every cell around it.
	in := make(map[h3.Cell]bool, len(got))
	for _, c := range got {
		in[c] = true
	}
	inHole := 0
	for _, c := range Cell(providenceCentre, res).GridDisk(40) {
		ll := c.LatLng()
		centre := orb.Point{ll.Lng, ll.Lat}
		if planar.PolygonContains(poly, centre) != in[c] {
			t.Errorf("cell %v, centre %v: inside=%v, in Cells=%v", c, centre, planar.PolygonContains(poly, centre), in[c])
		}
		if planar.RingContains(hole, centre) {
			inHole++
		}
	}
	if inHole == 0 || len(got) < 100 {
		t.Fatalf("test polygon too small: %d cells, %d cells in the hole", len(got), inHole)
	}
}

func TestCellsMultiPolygon(t *testing.T) {
	a := orb.Polygon{circle(providenceCentre, 0.005, 32)}
	b := orb.Polygon{circle(orb.Point{-71.40, 41.83}, 0.005, 32)} // overlaps a
	const res = 11
	got := Cells(orb.MultiPolygon{a, b}, res)
	want := append(Cells(a, res), Cells(b, res)...)
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Errorf("Cells(multipolygon) has %d cells, union of parts %d", len(got), len(want))
	}
	if Cells(orb.LineString{{0, 0}, {1, 1}}, res) != nil {
		t.Errorf("Cells(line string) is not empty")
	}
	if Cells(a, 16) != nil || Cells(a, -1) != nil {
		t.Errorf("Cells at a resolution out of range is not empty")
	}
}

func TestInvalidCells(t *testing.T) {
	if c := Cell(providenceCentre, 16); c.IsValid() {
		t.Errorf("Cell at resolution 16 = %v, valid", c)
	}
	if p := CellPolygon(0); p != nil {
		t.Errorf("CellPolygon(0) = %v, want nil", p)
	}
	one := Cell(providenceCentre, 9)
	mp := CellsToMultiPolygon([]h3.Cell{0, one})
	if len(mp) != 1 || len(mp[0]) != 1 || len(mp[0][0]) != 7 || relErr(Area(mp), Area(CellPolygon(one))) > 1e-9 {
		t.Errorf("CellsToMultiPolygon with an invalid cell = %v", mp)
	}
}

func TestCellPolygon(t *testing.T) {
	cases := []struct {
		name string
		c    h3.Cell
	}{
		{"providence res 9", Cell(providenceCentre, 9)},
		{"providence res 12", Cell(providenceCentre, 12)},
		{"beijing res 7", Cell(orb.Point{116.404, 39.915}, 7)},
		{"equator res 5", Cell(orb.Point{0, 0}, 5)},
		{"near the pole res 6", Cell(orb.Point{10, 85}, 6)},
		{"pentagon res 8", h3.Pentagons(8)[3]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := CellPolygon(tc.c)
			r := p[0]
			if len(p) != 1 || r[0] != r[len(r)-1] || len(r) < 6 {
				t.Fatalf("CellPolygon = %v: want one closed ring of 5 or more vertices", p)
			}
			if planarSignedArea(r) <= 0 {
				t.Errorf("ring is not counter-clockwise")
			}
			// h3 measures on a sphere of radius 6371.007 km; the ellipsoid's
			// area element differs by the factor M·N/R² (meridian and normal
			// radii of curvature), from -0.45% at the equator to +0.9% at
			// the poles. Compare raw within 0.5% and corrected within 0.05%.
			sphere := h3.CellAreaM2(tc.c)
			lat := tc.c.LatLng().Lat
			if e := relErr(Area(p), sphere); e > 0.005 && math.Abs(lat) < 60 {
				t.Errorf("Area %.1f m², h3.CellAreaM2 %.1f (%.3f%%)", Area(p), sphere, e*100)
			}
			s2 := math.Pow(math.Sin(lat*math.Pi/180), 2)
			w := 1 - wgsE2*s2
			mn := wgsA * wgsA * (1 - wgsE2) / (w * w)
			const h3Radius = 6371007.180918475
			if e := relErr(Area(p), sphere*mn/(h3Radius*h3Radius)); e > 0.0005 {
				t.Errorf("Area %.1f m², h3.CellAreaM2 corrected to the ellipsoid %.1f (%.3f%%)", Area(p), sphere*mn/(h3Radius*h3Radius), e*100)
			}
		})
	}
}

// TestCellsToMultiPolygonMatchesPostGIS dissolves sets of cells and
// compares with PostGIS's ST_Union of the cell polygons: same number of
// parts and holes, and the symmetric difference has no area to speak of.
// The cells go to PostGIS on a 1e-9° grid, as CellsToMultiPolygon matches
// vertices: neighbours compute shared vertices separately (near pentagons
// they differ in the last bits), which would leave slivers in an exact
// union.
func TestCellsToMultiPolygonMatchesPostGIS(t *testing.T) {
	centre := Cell(providenceCentre, 10)
	ring := slices.DeleteFunc(centre.GridDisk(4), func(c h3.Cell) bool { return c.GridDistance(centre) <= 1 })
	far := Cell(orb.Point{-71.38, 41.80}, 10).GridDisk(2)
	// Rings of cells at distances 1–3 and 5–7: an island, itself with a
	// hole (the centre cell), inside the hole of the outer ring.
	island := slices.DeleteFunc(centre.GridDisk(7), func(c h3.Cell) bool {
		d := c.GridDistance(centre)
		return d == 0 || d == 4
	})
	cases := []struct {
		name         string
		cells        []h3.Cell
		parts, holes int
	}{
		{"one cell", []h3.Cell{centre}, 1, 0},
		{"disk", centre.GridDisk(3), 1, 0},
		{"ring with a hole", ring, 1, 1},
		{"two groups", append(centre.GridDisk(2), far...), 2, 0},
		{"island with a hole in a hole", island, 2, 2},
		{"around a pentagon", h3.Pentagons(5)[0].GridDisk(2), 1, 0},
		{"large cells across icosahedron faces", Cell(providenceCentre, 2).GridDisk(3), 1, 0},
		{"repeated cells", append(centre.GridDisk(1), centre.GridDisk(1)...), 1, 0},
		{"cells of a block", Cells(orb.Polygon{circle(providenceCentre, 0.01, 40)}, 11), 1, 0},
	}
	conn := pgtest.Conn(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mp := CellsToMultiPolygon(tc.cells)
			holes := 0
			for _, p := range mp {
				holes += len(p) - 1
				if planarSignedArea(p[0]) <= 0 {
					t.Errorf("exterior ring not counter-clockwise")
				}
				for _, h := range p[1:] {
					if planarSignedArea(h) >= 0 {
						t.Errorf("hole not clockwise")
					}
				}
			}
			if len(mp) != tc.parts || holes != tc.holes {
				t.Errorf("%d parts, %d holes; want %d, %d", len(mp), holes, tc.parts, tc.holes)
			}
			if err := Validate(mp); err != nil {
				t.Errorf("dissolved outline invalid: %v", err)
			}
			cellWKT := make([]string, len(tc.cells))
			for i, c := range tc.cells {
				cellWKT[i] = wkt.MarshalString(CellPolygon(c))
			}
			var pgParts, pgRings int
			var unionArea, diffArea float64
			err := conn.QueryRow(context.Background(), `
				WITH u AS (SELECT ST_Union(ST_ReducePrecision(ST_GeomFromText(w, 4326), 1e-9)) g FROM unnest($1::text[]) w)
				SELECT ST_NumGeometries(g), ST_NRings(g), ST_Area(g::geography),
					ST_Area(ST_SymDifference(g, ST_GeomFromText($2, 4326))::geography)
				FROM u`, cellWKT, wkt.MarshalString(mp)).Scan(&pgParts, &pgRings, &unionArea, &diffArea)
			if err != nil {
				t.Fatal(err)
			}
			if pgParts != len(mp) || pgRings != len(mp)+holes {
				t.Errorf("PostGIS union has %d parts and %d rings; ours %d and %d", pgParts, pgRings, len(mp), len(mp)+holes)
			}
			if diffArea > 1e-6*unionArea {
				t.Errorf("symmetric difference with PostGIS's union is %.3g m² of %.0f m²", diffArea, unionArea)
			}
			if e := relErr(Area(mp), unionArea); e > 1e-5 {
				t.Errorf("Area %.1f m², PostGIS %.1f", Area(mp), unionArea)
			}
		})
	}
}

// TestVertexPool puts two copies of a vertex on either side of a grid
// line, as neighbouring cells can compute them: they must get one key.
func TestVertexPool(t *testing.T) {
	vp := make(vertexPool)
	a := orb.Point{-71.4000000015, 41.8000000015} // rounds up on both axes
	b := orb.Point{a[0] + 1e-15, a[1] - 1e-15}    // rounds down on y
	c := orb.Point{a[0] + 2e-6, a[1]}             // another vertex
	ka, kb, kc := vp.key(a), vp.key(b), vp.key(c)
	if ka != kb {
		t.Errorf("copies of one vertex got keys %v and %v", ka, kb)
	}
	if kc == ka {
		t.Errorf("distinct vertices share key %v", ka)
	}
}

// TestCellsToMultiPolygonLarge dissolves thousands of cells: one polygon,
// no holes, and the area of the cells together.
func TestCellsToMultiPolygonLarge(t *testing.T) {
	cells := Cell(providenceCentre, 12).GridDisk(60)
	mp := CellsToMultiPolygon(cells)
	if len(mp) != 1 || len(mp[0]) != 1 {
		t.Fatalf("%d cells dissolve into %d parts, %d rings in the first", len(cells), len(mp), len(mp[0]))
	}
	var sum float64
	for _, c := range cells {
		sum += Area(CellPolygon(c))
	}
	if e := relErr(Area(mp), sum); e > 1e-9 {
		t.Errorf("dissolved area %.1f m², cells %.1f m²", Area(mp), sum)
	}
}
