package geo

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// at is a point u, v thousandths of a degree east and north of a spot in
// Monaco, so that hand-drawn networks sit at a realistic latitude.
func at(u, v float64) orb.Point { return orb.Point{7.42 + u/1000, 43.73 + v/1000} }

// path is a line string through the given (u, v) pairs.
func path(uv ...float64) orb.LineString {
	ls := make(orb.LineString, 0, len(uv)/2)
	for i := 0; i+1 < len(uv); i += 2 {
		ls = append(ls, at(uv[i], uv[i+1]))
	}
	return ls
}

// box is the counter-clockwise ring of the axis-parallel box (u0,v0)-(u1,v1).
func box(u0, v0, u1, v1 float64) orb.Ring {
	return orb.Ring{at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1), at(u0, v0)}
}

// ringLine is a closed ring as a line string.
func ringLine(r orb.Ring) orb.LineString { return orb.LineString(r) }

func TestPolygonize(t *testing.T) {
	var hashLines []orb.LineString
	for i := 0.0; i <= 3; i++ {
		hashLines = append(hashLines, path(-0.5, i, 3.5, i), path(i, -0.5, i, 3.5))
	}
	tests := []struct {
		name    string
		lines   []orb.LineString
		faces   int
		area    orb.Geometry // the union of the faces, drawn by hand
		holes   int          // holes over all faces
		dangles int
	}{
		{
			name:    "hash of crossing streets with overhangs",
			lines:   hashLines,
			faces:   9,
			area:    orb.Polygon{box(0, 0, 3, 3)},
			dangles: 16,
		},
		{
			name:  "island inside a square makes a hole and a face",
			lines: []orb.LineString{ringLine(box(0, 0, 4, 4)), ringLine(box(1, 1, 2, 2))},
			faces: 2, area: orb.Polygon{box(0, 0, 4, 4)}, holes: 1,
		},
		{
			name:  "bridge between two squares is a cut edge",
			lines: []orb.LineString{ringLine(box(0, 0, 1, 1)), path(1, 0.5, 3, 0.5), ringLine(box(3, 0, 4, 1))},
			faces: 2, area: orb.MultiPolygon{{box(0, 0, 1, 1)}, {box(3, 0, 4, 1)}}, dangles: 1,
		},
		{
			name: "loop touching the boundary from inside becomes a hole",
			lines: []orb.LineString{ringLine(box(0, 0, 4, 4)),
				path(0, 0, 2, 1, 1, 2, 0, 0)},
			faces: 2, area: orb.Polygon{box(0, 0, 4, 4)}, holes: 1,
		},
		{
			name: "overlapping collinear lines and a T junction",
			lines: []orb.LineString{path(0, 0, 3, 0), path(1, 0, 4, 0), path(4, 0, 4, 2, 0, 2, 0, 0),
				path(2, 2, 2, 0.0)},
			faces: 2, area: orb.Polygon{box(0, 0, 4, 2)},
		},
		{
			name:  "open lines only",
			lines: []orb.LineString{path(0, 0, 1, 1), path(0, 1, 1, 0)},
			faces: 0, area: orb.Polygon{}, dangles: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			faces, dangles := Polygonize(tt.lines)
			if len(faces) != tt.faces {
				t.Fatalf("%d faces, want %d", len(faces), tt.faces)
			}
			if len(dangles) != tt.dangles {
				t.Errorf("%d dangles, want %d", len(dangles), tt.dangles)
			}
			var sum float64
			holes := 0
			for i, f := range faces {
				checkFace(t, i, f)
				sum += Area(f)
				holes += len(f) - 1
			}
			if holes != tt.holes {
				t.Errorf("%d holes, want %d", holes, tt.holes)
			}
			if want := Area(tt.area); math.Abs(sum-want) > 1e-5*want+1e-9 {
				t.Errorf("faces cover %.3f m², want %.3f m²", sum, want)
			}
		})
	}
}

// checkFace fails when a face is invalid or wound the wrong way.
func checkFace(t *testing.T, i int, f orb.Polygon) {
	t.Helper()
	if err := Validate(f); err != nil {
		t.Errorf("face %d: %v", i, err)
	}
	for ri, r := range f {
		if ccw := planarSignedArea(r) > 0; ccw != (ri == 0) {
			t.Errorf("face %d ring %d: counter-clockwise %v", i, ri, ccw)
		}
	}
}

func TestMergeFaces(t *testing.T) {
	// Three cells of 0.001° in a row and a thin sliver on top of the
	// middle one: the sliver joins the middle cell (its longest border).
	lines := []orb.LineString{
		ringLine(box(0, 0, 3, 1)), path(1, 0, 1, 1.05), path(2, 0, 2, 1.05),
		path(1, 1.05, 2, 1.05),
	}
	faces, _ := Polygonize(lines)
	if len(faces) != 4 {
		t.Fatalf("%d faces, want 4", len(faces))
	}
	sliver := Area(orb.Polygon{box(1, 1, 2, 1.05)})
	cell := Area(orb.Polygon{box(1, 0, 2, 1)})
	tests := []struct {
		name   string
		min    float64
		groups []int // sizes of the merged groups, ascending
	}{
		{"nothing below the threshold", sliver / 2, []int{1, 1, 1, 1}},
		{"the sliver merges", sliver * 2, []int{1, 1, 2}},
		{"everything merges", 10 * cell, []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merged, parts := MergeFaces(faces, tt.min)
			if len(merged) != len(tt.groups) {
				t.Fatalf("%d merged faces, want %d", len(merged), len(tt.groups))
			}
			var sum float64
			var sizes []int
			for i, m := range merged {
				checkFace(t, i, m)
				sum += Area(m)
				sizes = append(sizes, len(parts[i]))
				if len(parts[i]) == 2 && !slices.Contains(parts[i], sliverIndex(faces, sliver)) {
					t.Errorf("merged face %d is %v, not the sliver and its neighbour", i, parts[i])
				}
				if len(m) != 1 {
					t.Errorf("merged face %d has %d rings, want 1", i, len(m))
				}
			}
			slices.Sort(sizes)
			if !slices.Equal(sizes, tt.groups) {
				t.Errorf("group sizes %v, want %v", sizes, tt.groups)
			}
			if want := Area(orb.Polygon{box(0, 0, 3, 1)}) + sliver; math.Abs(sum-want) > 1e-6*want {
				t.Errorf("merged faces cover %.3f m², want %.3f m²", sum, want)
			}
		})
	}
}

// sliverIndex finds the face whose area is the sliver's.
func sliverIndex(faces []orb.Polygon, sliver float64) int {
	for i, f := range faces {
		if math.Abs(Area(f)-sliver) < 1e-3*sliver {
			return i
		}
	}
	return -1
}

func TestInteriorPoint(t *testing.T) {
	u := orb.Polygon{orb.Ring{at(0, 0), at(3, 0), at(3, 3), at(2, 3), at(2, 1), at(1, 1), at(1, 3), at(0, 3), at(0, 0)}}
	holed := orb.Polygon{box(0, 0, 4, 4), orientRing(box(1, 1, 3, 3), false)}
	for name, p := range map[string]orb.Polygon{"U shape": u, "square with a hole": holed} {
		t.Run(name, func(t *testing.T) {
			pt, ok := InteriorPoint(p)
			if !ok || !planarContains(p, pt) {
				t.Errorf("InteriorPoint = %v, %v: not inside", pt, ok)
			}
		})
	}
}

func TestConvexHull(t *testing.T) {
	sq := []orb.Point{{0, 0}, {2, 0}, {2, 2}, {0, 2}}
	tests := []struct {
		name string
		pts  []orb.Point
		want orb.Ring
	}{
		{"no points", nil, nil},
		{"one point", []orb.Point{{1, 1}}, nil},
		{"two points", []orb.Point{{0, 0}, {1, 1}}, nil},
		{"collinear", []orb.Point{{0, 0}, {2, 2}, {1, 1}}, nil},
		{"one point three times", []orb.Point{{1, 1}, {1, 1}, {1, 1}}, nil},
		{"square, counter-clockwise from the lowest-left corner", sq, orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}},
		{"square given clockwise, with an inside point, an edge point and a repeat",
			[]orb.Point{{0, 2}, {1, 1}, {2, 2}, {2, 0}, {1, 0}, {0, 0}, {2, 2}},
			orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ConvexHull(tc.pts); !slices.Equal(got, tc.want) {
				t.Errorf("ConvexHull(%v) = %v, want %v", tc.pts, got, tc.want)
			}
		})
	}
}

// planarContains is the even-odd point-in-polygon test over all rings.
func planarContains(p orb.Polygon, pt orb.Point) bool {
	in := false
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < a[0]+(pt[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}

// Two streets crossing inside a square block outline, and a dead end:
// four faces, and the dead end comes back as a dangle. The faces cover the
// outline: PostGIS gives ST_Area(geography) = 35,807 m² for it.
func ExamplePolygonize() {
	lines := []orb.LineString{
		{{7.420, 43.730}, {7.422, 43.730}, {7.422, 43.732}, {7.420, 43.732}, {7.420, 43.730}},
		{{7.421, 43.730}, {7.421, 43.732}},
		{{7.420, 43.731}, {7.422, 43.731}},
		{{7.4215, 43.7315}, {7.4218, 43.7318}},
	}
	faces, dangles := Polygonize(lines)
	var total float64
	for _, f := range faces {
		total += Area(f)
	}
	fmt.Printf("%d faces, %d dangles, %.0f m²\n", len(faces), len(dangles), total)
	// Output: 4 faces, 1 dangles, 35807 m²
}
