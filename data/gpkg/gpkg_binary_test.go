package gpkg

import (
	"bytes"
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestGeoPackageBlobHeader(t *testing.T) {
	poly := orb.MultiPolygon{{{{1, 2}, {4, 2}, {4, 7}, {1, 7}, {1, 2}}}}
	b, err := gpkgBlob(poly)
	if err != nil {
		t.Fatal(err)
	}
	// By hand from OGC 12-128r18 §2.1.3: magic "GP", version 0, flags
	// 0b0000_0011 (envelope [minx, maxx, miny, maxy], little-endian), srs_id
	// 4326 little-endian, then 4 doubles, then WKB starting with byte order 1
	// and type 6 (MultiPolygon).
	want := []byte{'G', 'P', 0, 0x03, 0xE6, 0x10, 0, 0}
	if string(b[:8]) != string(want) {
		t.Fatalf("header % x, want % x", b[:8], want)
	}
	if b[40] != 1 || b[41] != 6 {
		t.Fatalf("WKB starts % x, want 01 06", b[40:42])
	}
	h, err := gpkgParse(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := []float64{1, 4, 2, 7}; len(h.envelope) != 4 || h.envelope[0] != got[0] || h.envelope[1] != got[1] ||
		h.envelope[2] != got[2] || h.envelope[3] != got[3] {
		t.Fatalf("envelope %v, want %v", h.envelope, got)
	}
	p := gpkgPointBlob(orb.Point{117.5, 34.25})
	if p[3] != 0x01 || len(p) != 29 || p[8] != 1 || p[9] != 1 {
		t.Fatalf("point blob % x: want flags 01 (no envelope), 29 bytes, WKB 01 01…", p)
	}
	bound, err := gpkgBound(p)
	if err != nil || bound != (orb.Bound{Min: orb.Point{117.5, 34.25}, Max: orb.Point{117.5, 34.25}}) {
		t.Fatalf("bound of a point blob: %v, %v", bound, err)
	}
}

func TestGeoPackageBlobRejects(t *testing.T) {
	good := gpkgPointBlob(orb.Point{1, 2})
	cases := []struct {
		name string
		blob []byte
	}{
		{"empty", nil},
		{"short", good[:5]},
		{"magic", append([]byte("XP"), good[2:]...)},
		{"version", append([]byte{'G', 'P', 1}, good[3:]...)},
		{"extended", append([]byte{'G', 'P', 0, 0x21}, good[4:]...)},
		{"envelope code 5", append([]byte{'G', 'P', 0, 0x0B}, good[4:]...)},
		{"short envelope", append([]byte{'G', 'P', 0, 0x09}, good[4:]...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := gpkgParse(tc.blob); !errors.Is(err, errGPKGBlob) {
				t.Fatalf("error %v, want one wrapping errGPKGBlob", err)
			}
		})
	}
	if _, err := gpkgMultiPolygon(good); err == nil {
		t.Fatal("a point blob decoded as a MultiPolygon")
	}
}

func TestGeoPackageIntersects(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}
	sq := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}
	cases := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"point inside", orb.Point{0.5, 0.5}, true},
		{"point on edge", orb.Point{1, 0.3}, true},
		{"point outside", orb.Point{1.01, 0.3}, false},
		{"square overlapping", orb.MultiPolygon{sq(0.5, 0.5, 2, 2)}, true},
		{"square containing the box", orb.MultiPolygon{sq(-1, -1, 2, 2)}, true},
		{"square inside the box", orb.MultiPolygon{sq(0.2, 0.2, 0.4, 0.4)}, true},
		{"square touching a side", orb.MultiPolygon{sq(1, 0.2, 2, 0.4)}, true},
		{"square apart", orb.MultiPolygon{sq(1.5, 0, 2, 1)}, false},
		// A thin sliver crossing the box with every vertex outside it.
		{"sliver across", orb.MultiPolygon{{{{-1, 0.4}, {2, 0.4}, {2, 0.6}, {-1, 0.6}, {-1, 0.4}}}}, true},
		// A triangle whose envelope covers the box but which passes beside it.
		{"triangle beside", orb.MultiPolygon{{{{-1, 3.5}, {3.5, -1}, {4, 4}, {-1, 3.5}}}}, false},
		// The box sits in the hole of a polygon.
		{"box in a hole", orb.MultiPolygon{{sq(-2, -2, 3, 3)[0], sq(-1, -1, 2, 2)[0]}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := gpkgIntersects(tc.g, box); got != tc.want {
				t.Fatalf("gpkgIntersects = %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzGeoPackageBinary(f *testing.F) {
	poly, _ := gpkgBlob(orb.MultiPolygon{{{{1, 2}, {4, 2}, {4, 7}, {1, 7}, {1, 2}}}})
	f.Add(poly)
	lines, _ := gpkgBlob(orb.MultiLineString{{{1, 2}, {4, 2}}, {{5, 5}, {6, 7}, {8, 8}}})
	f.Add(lines)
	line, _ := gpkgBlob(orb.LineString{{117, 34}, {117.1, 34.2}})
	f.Add(line)
	f.Add(gpkgPointBlob(orb.Point{117, 34}))
	f.Add([]byte("GP\x00\x01\xe6\x10\x00\x00"))
	f.Add([]byte("GP\x00\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := gpkgBound(b); err != nil {
			return
		}
		fuzzRoundTrip(t, b, gpkgMultiPolygon)
		fuzzRoundTrip(t, b, gpkgMultiLineString)
	})
}

// fuzzRoundTrip checks that what decode reads from b encodes and decodes
// to the same geometry, bit for bit (NaN included, which orb.Equal would
// call different from itself).
func fuzzRoundTrip[G orb.Geometry](t *testing.T, b []byte, decode func([]byte) (G, error)) {
	t.Helper()
	g, err := decode(b)
	if err != nil {
		return
	}
	again, err := gpkgBlob(g)
	if err != nil {
		return
	}
	g2, err := decode(again)
	if err != nil {
		t.Fatalf("%v encoded does not decode: %v", g, err)
	}
	if twice, err := gpkgBlob(g2); err != nil || !bytes.Equal(again, twice) {
		t.Fatalf("round trip of %v gave %v, %v", g, g2, err)
	}
}
