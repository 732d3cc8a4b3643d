package partition_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"wangge/partition"
)

const twoBlocks = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","households":12,"kind":"school","name":"No. 1"},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30.001],[120,30]]]}},
{"type":"Feature","properties":{"id":7,"households":3},"geometry":{"type":"MultiPolygon","coordinates":[[[[120.001,30],[120.002,30],[120.002,30.001],[120.001,30.001],[120.001,30]]]]}}]}`

func TestReadBlocks(t *testing.T) {
	blocks, err := partition.ReadBlocks(strings.NewReader(twoBlocks), "two.geojson", "id")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 || blocks[0].ID != "a" || blocks[1].ID != "7" || blocks[0].Households != 12 ||
		blocks[0].Kind != "school" || blocks[0].Name != "No. 1" || blocks[1].Attrs["households"] != "3" || len(blocks[1].Geometry) != 1 {
		t.Errorf("decoded %+v", blocks)
	}
}

func TestReadBlocksNamesTheBadFeature(t *testing.T) {
	square := `"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}`
	tests := []struct {
		name, input, want string
	}{
		{"not json", `{"type":`, "f.geojson"},
		{"missing id", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},` + square + `}]}`, "f.geojson: feature 0, id: missing block id"},
		{"duplicate id", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},` + square + `},{"type":"Feature","properties":{"id":"x"},` + square + `}]}`,
			`f.geojson: feature 1, id: duplicate id "x" (also feature 0)`},
		{"point", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
			"f.geojson: feature 0, geometry: orb.Point is not a Polygon or MultiPolygon"},
		{"bad count", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x","households":-2},` + square + `}]}`,
			`f.geojson: feature 0, households: "-2" is not a count`},
		{"short ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[1,2]]]}}]}`,
			"f.geojson: feature 0, geometry: geo:"},
		{"bow tie", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`,
			"f.geojson: feature 0, geometry: geo:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := partition.ReadBlocks(strings.NewReader(tc.input), "f.geojson", "id")
			if !errors.Is(err, partition.ErrInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInput naming %q", err, tc.want)
			}
		})
	}
}

func TestGridsRoundTrip(t *testing.T) {
	blocks := mosaic(3, 3, hh(10))
	res := draw(t, blocks, partition.Options{Weight: "hh", Count: 3, Tolerance: 0.01, Seed: 2})
	var buf bytes.Buffer
	if err := partition.WriteGrids(&buf, res.Grids); err != nil {
		t.Fatal(err)
	}
	back, err := partition.ReadGrids(bytes.NewReader(buf.Bytes()), "grids.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := partition.WriteGrids(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("grids do not survive a round trip:\n%s\n%s", buf.String(), again.String())
	}
}

func FuzzReadBlocks(f *testing.F) {
	f.Add(twoBlocks)
	f.Add(`{"type":"FeatureCollection","features":[]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":null},"geometry":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		blocks, err := partition.ReadBlocks(strings.NewReader(s), "fuzz", "id")
		if err != nil {
			if !errors.Is(err, partition.ErrInput) {
				t.Fatalf("error %v is not ErrInput", err)
			}
			return
		}
		for _, b := range blocks {
			if b.ID == "" || len(b.Geometry) == 0 {
				t.Fatalf("accepted block %+v", b)
			}
		}
	})
}

func FuzzReadGrids(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"G001","kind":"basic","blocks":["a"],"weight":3,"flags":[]},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"G001","kind":"odd","blocks":["a"]},"geometry":null}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		grids, err := partition.ReadGrids(strings.NewReader(s), "fuzz")
		if err != nil {
			if !errors.Is(err, partition.ErrInput) {
				t.Fatalf("error %v is not ErrInput", err)
			}
			return
		}
		for _, g := range grids {
			if g.ID == "" || len(g.Blocks) == 0 || (g.Kind != partition.Basic && g.Kind != partition.Dedicated) {
				t.Fatalf("accepted grid %+v", g)
			}
		}
	})
}

func FuzzReadBoundaries(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ward":7},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"G1","properties":{"kind":"dedicated","parent":"c"},"geometry":{"type":"MultiPolygon","coordinates":[[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ward":"1","kind":"odd"},"geometry":null}]}`)
	f.Add(`{"type":"Feature"}`)
	f.Fuzz(func(t *testing.T, s string) {
		bs, err := partition.ReadBoundaries(strings.NewReader(s), "fuzz", "ward")
		if err != nil {
			if !errors.Is(err, partition.ErrInput) {
				t.Fatalf("error %v is not ErrInput", err)
			}
			return
		}
		for _, b := range bs {
			if b.ID == "" || len(b.Geometry) == 0 || (b.Kind != partition.Basic && b.Kind != partition.Dedicated) {
				t.Fatalf("accepted boundary %+v", b)
			}
		}
	})
}

// TestReadBlocksTakesTheFeatureID reads blocks as GET /api/v1/blocks
// writes them, the id as the feature's id.
func TestReadBlocksTakesTheFeatureID(t *testing.T) {
	src := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"b1","properties":{"households":3},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30.001],[120,30]]]}}]}`
	blocks, err := partition.ReadBlocks(strings.NewReader(src), "api.geojson", "id")
	if err != nil || len(blocks) != 1 || blocks[0].ID != "b1" {
		t.Fatalf("blocks %+v, error %v", blocks, err)
	}
}

func TestAttrFallsBackOnFields(t *testing.T) {
	b := partition.Block{Households: 12, Kind: "school", Parent: "c1", Attrs: map[string]string{"ward": "3", "kind": "market"}}
	for _, tc := range []struct{ field, want string }{
		{"ward", "3"}, {"kind", "market"}, {"households", "12"}, {"population", "0"}, {"parent", "c1"}, {"name", ""},
	} {
		if got, _ := b.Attr(tc.field); got != tc.want {
			t.Errorf("Attr(%q) = %q, want %q", tc.field, got, tc.want)
		}
	}
	if _, ok := b.Attr("tract"); ok {
		t.Error("Attr found an absent field")
	}
}
