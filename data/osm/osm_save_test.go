package osm

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"wangge/data/gpkg"
	"wangge/partition"
)

// TestOSMRoadLayer imports a small extract whose roads are known by hand
// and stores them: the 8 residential streets of the grid, a named footway,
// a service road whose middle node the extract lacks (two parts), a
// highway way with a single node present (no line, no road) and a
// waterway (not a road).
func TestOSMRoadLayer(t *testing.T) {
	x := newXMLExtract()
	x.streets("residential")
	footway := x.way([]float64{0.2, 0.2, 0.8, 0.7}, "highway", "footway", "name", "Chemin des Pêcheurs")
	service := x.way([]float64{1.2, 1.2, 1.4, 1.3, 1.6, 1.2, 1.8, 1.3, 1.9, 1.4}, "highway", "service")
	stub := x.way([]float64{2.2, 2.2, 2.4, 2.3}, "highway", "steps")
	x.way([]float64{1.5, -0.5, 1.5, 3.5}, "waterway", "river")
	for _, w := range x.o.Ways {
		switch w.ID {
		case service:
			w.Nodes[2] = osm.WayNode{ID: 1 << 40}
		case stub:
			w.Nodes[1] = osm.WayNode{ID: 1<<40 + 1}
		}
	}
	res, err := Import(context.Background(), bytes.NewReader(x.bytes(t)), Options{File: "roads.osm"})
	if err != nil {
		t.Fatal(err)
	}
	roads := res.RoadLayer()
	byID := make(map[partition.RoadID]partition.Road, len(roads))
	classes := make(map[string]int)
	for _, r := range roads {
		byID[r.ID] = r
		classes[r.Class]++
	}
	cases := []struct {
		name      string
		got, want int
	}{
		{"roads", len(roads), 10},
		{"residential", classes["residential"], 8},
		{"footway", classes["footway"], 1},
		{"service", classes["service"], 1},
		{"steps (one node present)", classes["steps"], 0},
		{"parts of the service road", len(byID[roadIDOf(service)].Geometry), 2},
		{"parts of the footway", len(byID[roadIDOf(footway)].Geometry), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("%d, want %d", tc.got, tc.want)
			}
		})
	}
	fw := byID[roadIDOf(footway)]
	want := orb.MultiLineString{{at(0.2, 0.2), at(0.8, 0.7)}}
	if fw.Name != "Chemin des Pêcheurs" || len(fw.Geometry[0]) != 2 ||
		!fw.Geometry[0][0].Equal(want[0][0]) || !fw.Geometry[0][1].Equal(want[0][1]) {
		t.Fatalf("footway %+v, want name Chemin des Pêcheurs and line %v", fw, want)
	}

	ctx := context.Background()
	g, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "roads.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := Save(ctx, g, res, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	stored, err := g.Road(ctx, roadIDOf(service))
	if err != nil {
		t.Fatal(err)
	}
	if stored.Class != "service" || len(stored.Geometry) != 2 || len(stored.Geometry[0]) != 2 || len(stored.Geometry[1]) != 2 {
		t.Fatalf("stored service road %+v, want two parts of two points", stored)
	}
}

// roadIDOf is the store id of the road of an OSM way.
func roadIDOf(w osm.WayID) partition.RoadID {
	return partition.RoadID(fmt.Sprintf("w%d", w))
}
