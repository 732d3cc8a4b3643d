package geo

import (
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
)

// reversed returns a reversed copy of r.
func reversed(r orb.Ring) orb.Ring {
	out := slices.Clone(r)
	slices.Reverse(out)
	return out
}

func TestOrient(t *testing.T) {
	ccw := square(0, 0, 4)
	cw := reversed(ccw)
	holeCCW := square(1, 1, 1)
	holeCW := reversed(holeCCW)
	cases := []struct {
		name string
		in   orb.Geometry
		want orb.Geometry
	}{
		{"ccw shell kept", orb.Polygon{ccw}, orb.Polygon{ccw}},
		{"cw shell reversed", orb.Polygon{cw}, orb.Polygon{ccw}},
		{"hole made clockwise", orb.Polygon{cw, holeCCW}, orb.Polygon{ccw, holeCW}},
		{"clockwise hole kept", orb.Polygon{ccw, holeCW}, orb.Polygon{ccw, holeCW}},
		{"multipolygon", orb.MultiPolygon{{cw}, {ccw, holeCCW}}, orb.MultiPolygon{{ccw}, {ccw, holeCW}}},
		{"collection", orb.Collection{orb.Point{1, 1}, orb.Polygon{cw}}, orb.Collection{orb.Point{1, 1}, orb.Polygon{ccw}}},
		{"line string untouched", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{0, 0}, {1, 1}}},
		{"across the antimeridian",
			orb.Polygon{{{179, 0}, {179, 1}, {-179, 1}, {-179, 0}, {179, 0}}},
			orb.Polygon{{{179, 0}, {-179, 0}, {-179, 1}, {179, 1}, {179, 0}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := wkt.MarshalString(tc.in)
			got := Orient(tc.in)
			if !orb.Equal(got, tc.want) {
				t.Errorf("Orient = %s, want %s", wkt.MarshalString(got), wkt.MarshalString(tc.want))
			}
			if wkt.MarshalString(tc.in) != before {
				t.Errorf("Orient changed its input")
			}
		})
	}
}

// TestOrientProvidenceMatchesPostGIS checks every oriented block with
// PostGIS's ST_IsPolygonCCW (exterior counter-clockwise, holes clockwise).
func TestOrientProvidenceMatchesPostGIS(t *testing.T) {
	blocks := loadBlocks(t)
	conn := pgtest.Conn(t)
	batch := make([]string, len(blocks))
	for i, bl := range blocks {
		batch[i] = wkt.MarshalString(Orient(bl.Geom))
	}
	var notCCW int
	err := conn.QueryRow(context.Background(),
		"SELECT count(*) FROM unnest($1::text[]) w WHERE NOT ST_IsPolygonCCW(ST_GeomFromText(w))", batch).Scan(&notCCW)
	if err != nil {
		t.Fatal(err)
	}
	if notCCW != 0 {
		t.Errorf("PostGIS finds %d of %d oriented blocks not wound RFC 7946 way", notCCW, len(blocks))
	}
	for _, bl := range blocks {
		if a, b := Area(bl.Geom), Area(Orient(bl.Geom)); relErr(b, a) > 1e-12 {
			t.Fatalf("block %s: Orient changed the area from %v to %v", bl.ID, a, b)
		}
	}
}
