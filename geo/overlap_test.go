package geo

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
)

func multi(g orb.Geometry) orb.MultiPolygon {
	switch x := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{x}
	case orb.MultiPolygon:
		return x
	}
	return nil
}

// shifted is mp moved dx metres east and dy north (near its centre).
func shifted(mp orb.MultiPolygon, dx, dy float64) orb.MultiPolygon {
	c := mp.Bound().Center()
	proj := NewProjection(c)
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, p := range out {
		for _, r := range p {
			for i, pt := range r {
				q := proj.Forward(pt)
				r[i] = proj.Inverse(orb.Point{q[0] + dx, q[1] + dy})
			}
		}
	}
	return out
}

func TestOverlapAreaSquares(t *testing.T) {
	sq := func(x0, y0, s float64) orb.MultiPolygon {
		d := s * 1e-5
		return orb.MultiPolygon{{{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}}}
	}
	a := sq(120, 30, 10)
	for _, tc := range []struct {
		name string
		b    orb.MultiPolygon
		want float64 // share of a's area
	}{
		{"same", sq(120, 30, 10), 1},
		{"edge neighbour", sq(120+1e-4, 30, 10), 0},
		{"corner neighbour", sq(120+1e-4, 30+1e-4, 10), 0},
		{"half", sq(120+0.5e-4, 30, 10), 0.5},
		{"inside", sq(120+0.25e-4, 30+0.25e-4, 5), 0.25},
		{"apart", sq(121, 30, 10), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := OverlapArea(a, tc.b) / Area(a)
			if math.Abs(got-tc.want) > 1e-3 {
				t.Errorf("share %.5f, want %.5f", got, tc.want)
			}
			clip := Intersection(a, tc.b)
			if got := Area(clip) / Area(a); math.Abs(got-tc.want) > 1e-3 || (tc.want == 0) != (len(clip) == 0) {
				t.Errorf("intersection %v: share %.5f, want %.5f", clip, got, tc.want)
			}
		})
	}
}

// TestOverlapAreaPostGIS compares OverlapArea with PostGIS on Providence
// blocks against their neighbours moved 7 m east and 3 m north, and
// against themselves (adjacent blocks share nothing).
func TestOverlapAreaPostGIS(t *testing.T) {
	blocks := loadBlocks(t)[:300]
	conn := pgtest.Conn(t)
	var aw, bw []string
	var got []float64
	for i := 0; i+1 < len(blocks); i++ {
		a := multi(blocks[i].Geom)
		for _, b := range []orb.MultiPolygon{multi(blocks[i+1].Geom), shifted(a, 7, 3), shifted(multi(blocks[i+1].Geom), 7, 3)} {
			aw, bw = append(aw, wkt.MarshalString(a)), append(bw, wkt.MarshalString(b))
			got = append(got, OverlapArea(a, b))
		}
	}
	rows, err := conn.Query(context.Background(), `SELECT ST_Area(ST_Intersection(ST_GeomFromText(a, 4326), ST_GeomFromText(b, 4326))::geography)
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, b, i) ORDER BY i`, aw, bw)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i, nonzero := 0, 0
	for rows.Next() {
		var want float64
		if err := rows.Scan(&want); err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[i]-want) > 0.5+1e-3*want {
			t.Errorf("pair %d: %.2f m², PostGIS %.2f m²", i, got[i], want)
		}
		if want > 1 {
			nonzero++
		}
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(got) || nonzero < len(got)/3 {
		t.Fatalf("%d pairs compared, %d overlapping: the test compares too little", i, nonzero)
	}
}

// TestIntersectionPostGIS clips Providence blocks to their neighbours
// moved 7 m east and 3 m north, to themselves moved, and to a hexagon
// over a corner, and compares with PostGIS: our polygon is valid, has the
// area of ST_Intersection, and differs from it by less than 0.1 m² plus
// a millionth of it.
func TestIntersectionPostGIS(t *testing.T) {
	blocks := loadBlocks(t)[:200]
	conn := pgtest.Conn(t)
	var aw, bw, cw []string
	for i := 0; i+1 < len(blocks); i++ {
		a := multi(blocks[i].Geom)
		for _, b := range []orb.MultiPolygon{shifted(a, 7, 3), shifted(multi(blocks[i+1].Geom), 7, 3), {CellPolygon(Cell(a[0][0][0], 10))}} {
			aw, bw = append(aw, wkt.MarshalString(a)), append(bw, wkt.MarshalString(b))
			cw = append(cw, wkt.MarshalString(Intersection(a, b)))
		}
	}
	rows, err := conn.Query(context.Background(), `SELECT ST_IsValid(c), ST_Area(c::geography), ST_Area(i::geography),
			ST_Area(ST_SymDifference(c, i)::geography)
		FROM (SELECT ST_GeomFromText(c, 4326) AS c, ST_Intersection(ST_GeomFromText(a, 4326), ST_GeomFromText(b, 4326)) AS i, n
			FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(a, b, c, n)) s ORDER BY n`, aw, bw, cw)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, nonzero := 0, 0
	for rows.Next() {
		var valid bool
		var ours, want, diff float64
		if err := rows.Scan(&valid, &ours, &want, &diff); err != nil {
			t.Fatal(err)
		}
		if !valid || math.Abs(ours-want) > 0.1+1e-6*want || diff > 0.1+1e-6*want {
			t.Errorf("pair %d: valid %v, %.3f m², PostGIS %.3f m², symmetric difference %.3f m²", n, valid, ours, want, diff)
		}
		if want > 1 {
			nonzero++
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(cw) || nonzero < len(cw)/2 {
		t.Fatalf("%d pairs compared, %d overlapping: the test compares too little", n, nonzero)
	}
	t.Logf("%d pairs, %d overlapping", n, nonzero)
}
