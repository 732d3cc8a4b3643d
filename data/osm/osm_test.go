package osm

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"wangge/geo"
)

// xmlExtract builds a small OSM XML extract: streets on the lines
// u = 0, 1, 2, 3 and v = 0, 1, 2, 3 (thousandths of a degree from a spot
// in Monaco), each running from -0.5 to 3.5 with a node every 0.5, and
// optionally a boundary relation around (-0.25, -0.25)-(3.25, 3.25), a building
// way and a way referencing nodes that are missing.
type xmlExtract struct {
	o      osm.OSM
	ids    map[[2]float64]osm.NodeID
	nextID int64
}

func newXMLExtract() *xmlExtract {
	return &xmlExtract{ids: make(map[[2]float64]osm.NodeID)}
}

// node returns the node at (u, v), adding it once.
func (x *xmlExtract) node(u, v float64) osm.WayNode {
	k := [2]float64{u, v}
	if id, ok := x.ids[k]; ok {
		return osm.WayNode{ID: id}
	}
	x.nextID++
	id := osm.NodeID(x.nextID)
	x.ids[k] = id
	x.o.Nodes = append(x.o.Nodes, &osm.Node{ID: id, Lon: 7.42 + u/1000, Lat: 43.73 + v/1000, Visible: true})
	return osm.WayNode{ID: id}
}

// way adds a way through the (u, v) pairs with the tags k1, v1, k2, v2, …
func (x *xmlExtract) way(uv []float64, kv ...string) osm.WayID {
	x.nextID++
	w := &osm.Way{ID: osm.WayID(x.nextID), Visible: true}
	for i := 0; i+1 < len(uv); i += 2 {
		w.Nodes = append(w.Nodes, x.node(uv[i], uv[i+1]))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		w.Tags = append(w.Tags, osm.Tag{Key: kv[i], Value: kv[i+1]})
	}
	x.o.Ways = append(x.o.Ways, w)
	return w.ID
}

// streets adds the 4 × 4 street grid.
func (x *xmlExtract) streets(highway string) {
	for i := 0.0; i <= 3; i++ {
		var h, v []float64
		for s := -0.5; s <= 3.5; s += 0.5 {
			h = append(h, s, i)
			v = append(v, i, s)
		}
		x.way(h, "highway", highway)
		x.way(v, "highway", highway)
	}
}

// boundary adds an admin_level 8 boundary relation around
// (-0.25, -0.25)-(3.25, 3.25), drawn as two ways.
func (x *xmlExtract) boundary() {
	a := x.way([]float64{-0.25, -0.25, 3.25, -0.25, 3.25, 3.25})
	b := x.way([]float64{3.25, 3.25, -0.25, 3.25, -0.25, -0.25})
	x.o.Relations = append(x.o.Relations, &osm.Relation{ID: 1, Visible: true,
		Tags: osm.Tags{{Key: "type", Value: "boundary"}, {Key: "boundary", Value: "administrative"},
			{Key: "admin_level", Value: "8"}, {Key: "name", Value: "Test"}},
		Members: osm.Members{{Type: osm.TypeWay, Ref: int64(a), Role: "outer"}, {Type: osm.TypeWay, Ref: int64(b), Role: "outer"}},
	})
}

// bytes is the extract as OSM XML.
func (x *xmlExtract) bytes(t testing.TB) []byte {
	t.Helper()
	b, err := xml.Marshal(&x.o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportOSMSynthetic(t *testing.T) {
	inner := orb.Polygon{{at(-0.25, -0.25), at(3.25, -0.25), at(3.25, 3.25), at(-0.25, 3.25), at(-0.25, -0.25)}}
	tests := []struct {
		name       string
		build      func(x *xmlExtract)
		minM2      float64
		blocks     int
		area       float64 // total block area, m²
		households int
		warnings   int
	}{
		{
			// 5 × 5 pieces: 9 whole cells, 12 strips 0.00025° wide (about
			// 2,230 m²) and 4 corners 0.00025° square (about 560 m²).
			name:   "boundary clips the grid into 25 pieces",
			build:  func(x *xmlExtract) { x.streets("residential"); x.boundary() },
			blocks: 25, area: geo.Area(inner),
		},
		{
			name:   "corner pieces under the threshold merge",
			build:  func(x *xmlExtract) { x.streets("residential"); x.boundary() },
			minM2:  1000,
			blocks: 21, area: geo.Area(inner),
		},
		{
			// The river at u = 1.5 halves the five pieces of the middle
			// column; the railway in a tunnel at v = 1.5 cuts nothing.
			name: "a river cuts blocks, a railway tunnel does not",
			build: func(x *xmlExtract) {
				x.streets("residential")
				x.boundary()
				x.way([]float64{1.5, -0.5, 1.5, 3.5}, "waterway", "river")
				x.way([]float64{-0.5, 1.5, 3.5, 1.5}, "railway", "rail", "tunnel", "yes")
			},
			blocks: 30, area: geo.Area(inner),
		},
		{
			// A 0.0005° × 0.0005° residential building with 4 levels: about
			// 2,230 m² × 4 / 90 m² = 99 dwellings (hand arithmetic below).
			name: "a building in the centre block, a way missing nodes",
			build: func(x *xmlExtract) {
				x.streets("residential")
				x.boundary()
				x.way([]float64{1.25, 1.25, 1.75, 1.25, 1.75, 1.75, 1.25, 1.75, 1.25, 1.25},
					"building", "apartments", "building:levels", "4")
				x.way([]float64{1.1, 1.1, 1.2, 1.1}, "highway", "footway")
				x.o.Ways[len(x.o.Ways)-1].Nodes = append(x.o.Ways[len(x.o.Ways)-1].Nodes, osm.WayNode{ID: 999999})
			},
			blocks: 25, area: geo.Area(inner),
			households: int(geo.Area(orb.Polygon{{at(1.25, 1.25), at(1.75, 1.25), at(1.75, 1.75), at(1.25, 1.75), at(1.25, 1.25)}})*4/90 + 0.5),
			warnings:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newXMLExtract()
			tt.build(x)
			res, err := Import(context.Background(), bytes.NewReader(x.bytes(t)), Options{File: "test.osm", MinBlockM2: tt.minM2})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Blocks) != tt.blocks {
				t.Fatalf("%d blocks, want %d", len(res.Blocks), tt.blocks)
			}
			if res.BoundaryName != "Test" {
				t.Errorf("boundary %q, want Test", res.BoundaryName)
			}
			var area float64
			hh := 0
			for _, b := range res.Blocks {
				area += geo.Area(b.Geometry)
				hh += b.Households
			}
			if math.Abs(area-tt.area) > 1e-4*tt.area {
				t.Errorf("blocks cover %.1f m², want %.1f m²", area, tt.area)
			}
			if hh != tt.households || res.Dwellings != tt.households {
				t.Errorf("households %d (dwellings %d), want %d", hh, res.Dwellings, tt.households)
			}
			if len(res.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", res.Warnings, tt.warnings)
			}
			if tt.warnings > 0 && (res.MissingNodes != 1 || res.WaysMissingNodes != 1) {
				t.Errorf("missing %d nodes in %d ways, want 1 in 1", res.MissingNodes, res.WaysMissingNodes)
			}
		})
	}
}

// at is a point u, v thousandths of a degree from the test spot.
func at(u, v float64) orb.Point { return orb.Point{7.42 + u/1000, 43.73 + v/1000} }

func TestImportOSMBadInput(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile(monacoPath)
	if os.IsNotExist(err) {
		t.Skipf("test data %s is missing", monacoPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	noRoads := newXMLExtract()
	noRoads.way([]float64{0, 0, 1, 0, 1, 1, 0, 0}, "building", "yes")
	paths := newXMLExtract()
	paths.streets("path")
	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"truncated PBF", whole[:len(whole)/2], ErrBadOSM},
		{"PBF cut inside its header", whole[:20], ErrBadOSM},
		{"text file", []byte("id,lon,lat\n1,7.42,43.73\n"), ErrNotOSM},
		{"empty file", nil, ErrNotOSM},
		{"no roads at all", noRoads.bytes(t), ErrNoRoads},
		{"only paths, which do not cut", paths.bytes(t), ErrNoRoads},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.osm.pbf")
			if err := os.WriteFile(path, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, err = Import(context.Background(), f, Options{File: path})
			var oe *Error
			if !errors.Is(err, tt.want) || !errors.As(err, &oe) || oe.File != path {
				t.Fatalf("error %v, want an *Error for %s wrapping %v", err, path, tt.want)
			}
		})
	}
}

func FuzzReadOSM(f *testing.F) {
	// Seeds stay small: the fuzzer minimises every new input it finds, and
	// minimising kilobytes of XML takes most of a short run.
	f.Add([]byte(`<osm><node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="1"/><node id="3" lat="1" lon="1"/>` +
		`<way id="4"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="highway" v="residential"/></way>` +
		`<relation id="5"><member type="way" ref="4" role="outer"/><tag k="type" v="multipolygon"/></relation></osm>`))
	f.Add([]byte("<osm><node id='1' lat='1' lon='2'/><way id='2'><nd ref='1'/><nd ref='3'/></way></osm>"))
	f.Add([]byte{0, 0, 0, 14, 10, 9, 'O', 'S', 'M', 'H', 'e', 'a', 'd', 'e', 'r', 24, 1})
	f.Add([]byte("not osm"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := readOSM(context.Background(), bytes.NewReader(b), "fuzz")
		if err != nil {
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		for _, w := range d.ways {
			d.wayLines(w)
		}
	})
}
