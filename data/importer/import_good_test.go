package importer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/geo"
	"wangge/partition"
)

// providence is the real block file described in shared/data/MANIFEST.md.
const providence = "../../../shared/data/blocks/providence_blocks.geojson"

// readProvidence returns the file's bytes, or skips the test naming it.
func readProvidence(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(providence)
	if err != nil {
		t.Skipf("needs %s: %v", providence, err)
	}
	return b
}

// shoelace is twice the signed planar area of a ring (positive when
// counter-clockwise), written out here as an independent check.
func shoelace(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

func TestDecodeBlocksProvidence(t *testing.T) {
	src := readProvidence(t)
	blocks, err := DecodeBlocks(bytes.NewReader(src), "providence_blocks.geojson", BlockOptions{WeightField: "population"})
	if err != nil {
		t.Fatal(err)
	}
	// Figures from MANIFEST.md.
	if len(blocks) != 3014 {
		t.Fatalf("%d blocks, want 3014", len(blocks))
	}
	ids := make(map[partition.BlockID]bool)
	wards := make(map[string]bool)
	sum, zeros, most := 0, 0, 0
	for _, b := range blocks {
		if b.ID == "" || ids[b.ID] {
			t.Fatalf("block id %q is empty or repeated", b.ID)
		}
		ids[b.ID] = true
		sum += b.Population
		most = max(most, b.Population)
		if b.Population == 0 {
			zeros++
		}
		wards[b.Attrs["ward"]] = true
		if b.Attrs["tract"] == "" || b.Attrs["land_m2"] == "" {
			t.Fatalf("block %s lost its tract or land_m2: %v", b.ID, b.Attrs)
		}
		if err := geo.Validate(b.Geometry); err != nil {
			t.Fatalf("block %s: %v", b.ID, err)
		}
		for _, p := range b.Geometry {
			for i, r := range p {
				if ccw := shoelace(r) > 0; ccw != (i == 0) {
					t.Fatalf("block %s ring %d winds the wrong way for RFC 7946", b.ID, i)
				}
			}
		}
	}
	if sum != 178040 || zeros != 919 || most != 1873 {
		t.Errorf("population sum %d, zeros %d, max %d; MANIFEST.md says 178040, 919, 1873", sum, zeros, most)
	}
	if len(wards) != 15 {
		t.Errorf("%d distinct wards, want the city's 15", len(wards))
	}
	// orb's own GeoJSON decoder is the referee for ids and coordinates.
	fc, err := geojson.UnmarshalFeatureCollection(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != len(blocks) {
		t.Fatalf("orb reads %d features, DecodeBlocks %d blocks", len(fc.Features), len(blocks))
	}
	for i, f := range fc.Features {
		want := f.Geometry
		if p, ok := want.(orb.Polygon); ok {
			want = orb.MultiPolygon{p}
		}
		if fmt.Sprint(f.Properties["id"]) != string(blocks[i].ID) {
			t.Fatalf("feature %d: orb reads id %v, DecodeBlocks %s", i, f.Properties["id"], blocks[i].ID)
		}
		if !orb.Equal(blocks[i].Geometry, geo.Orient(want)) {
			t.Fatalf("feature %d: geometry differs from orb's, wound per RFC 7946", i)
		}
	}
}

func TestDecodeBlocksOptions(t *testing.T) {
	src := readProvidence(t)
	t.Run("another id field with repeats", func(t *testing.T) {
		_, err := DecodeBlocks(bytes.NewReader(src), "p", BlockOptions{IDField: "tract", WeightField: "population"})
		if !errors.Is(err, ErrDuplicateID) {
			t.Errorf("tract as id: got %v, want ErrDuplicateID (tracts hold many blocks)", err)
		}
	})
	t.Run("another weight field kept in attrs", func(t *testing.T) {
		blocks, err := DecodeBlocks(bytes.NewReader(src), "p", BlockOptions{WeightField: "land_m2", ParentField: "ward"})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			if _, err := strconv.ParseFloat(b.Attrs["land_m2"], 64); err != nil {
				t.Fatalf("block %s land_m2 %q: %v", b.ID, b.Attrs["land_m2"], err)
			}
			if b.Parent == "" || b.Attrs["ward"] != "" {
				t.Fatalf("block %s: ward should be the parent, not an attribute: %q %v", b.ID, b.Parent, b.Attrs)
			}
		}
	})
	t.Run("default weight field is missing", func(t *testing.T) {
		_, err := DecodeBlocks(bytes.NewReader(src), "p", BlockOptions{})
		var ie *Error
		if !errors.Is(err, ErrMissingWeight) || !errors.As(err, &ie) || ie.Feature != 0 {
			t.Errorf("got %v, want ErrMissingWeight at feature 0", err)
		}
	})
}

func TestDecodeBlocksSyntaxErrorOffset(t *testing.T) {
	src := readProvidence(t)
	// Break a coordinate deep in the file: the offset must be exact, and
	// the feature index the number of features that start before it.
	at := bytes.Index(src, []byte(`"id": "440070031002001"`))
	if at < 0 {
		t.Skip("block 440070031002001 not in the file")
	}
	at += bytes.Index(src[at:], []byte("-71.")) + 1
	broken := bytes.Clone(src)
	broken[at] = 'x'
	_, err := DecodeBlocks(bytes.NewReader(broken), "p", BlockOptions{WeightField: "population"})
	var ie *Error
	if !errors.Is(err, ErrInvalidJSON) || !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *Error wrapping ErrInvalidJSON", err)
	}
	var se *syntaxError
	if !errors.As(err, &se) || se.Offset != int64(at) {
		t.Errorf("error %v: offset should be %d", err, at)
	}
	if want := bytes.Count(src[:at], []byte(`"type": "Feature"`)) - 1; ie.Feature != want {
		t.Errorf("feature %d, want %d (the count includes the collection's own type)", ie.Feature, want)
	}
}

func TestDecodeBlocksReadsEveryPart(t *testing.T) {
	cw := "[[0,0],[0,1],[1,1],[1,0],[0,0]]"                       // exterior wound clockwise
	hole := "[[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.4],[0.2,0.2]]" // hole wound counter-clockwise
	src := "\xEF\xBB\xBF" + `{"name":"x","crs":null,"type":"FeatureCollection","features":[
	{"type":"Feature","id":"f1","properties":{"households":1e2,"population":250.0,"kind":"school","name":"No. 3 Middle School",
	  "parent":"370402","ward":7,"open":true,"tags":{"a": [1, 2]},"note":null},
	 "geometry":{"type":"Polygon","coordinates":[` + cw + `,` + hole + `]}},
	{"type":"Feature","properties":{"id":42,"households":0},
	 "geometry":{"type":"MultiPolygon","coordinates":[[[[5,5,12.5],[6,5,12.5],[6,6,12.5],[5,5,12.5]]],[` + square(8, 8) + `]]}}
	]}`
	blocks, err := DecodeBlocks(strings.NewReader(src), "in", BlockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Fatalf("%d blocks, want 2", len(blocks))
	}
	a, b := blocks[0], blocks[1]
	if a.ID != "f1" || a.Households != 100 || a.Population != 250 || a.Kind != "school" ||
		a.Name != "No. 3 Middle School" || a.Parent != "370402" {
		t.Errorf("first block %+v", a)
	}
	wantAttrs := map[string]string{"ward": "7", "open": "true", "tags": `{"a":[1,2]}`}
	if len(a.Attrs) != len(wantAttrs) {
		t.Errorf("attrs %v, want %v", a.Attrs, wantAttrs)
	}
	for k, v := range wantAttrs {
		if a.Attrs[k] != v {
			t.Errorf("attr %s = %q, want %q", k, a.Attrs[k], v)
		}
	}
	if len(a.Geometry) != 1 || len(a.Geometry[0]) != 2 || shoelace(a.Geometry[0][0]) <= 0 || shoelace(a.Geometry[0][1]) >= 0 {
		t.Errorf("first geometry %v: want one polygon, exterior counter-clockwise, hole clockwise", a.Geometry)
	}
	if b.ID != "42" || b.Households != 0 || b.Attrs != nil || len(b.Geometry) != 2 || b.Geometry[0][0][1] != (orb.Point{6, 5}) {
		t.Errorf("second block %+v", b)
	}
}

func BenchmarkDecodeBlocks(b *testing.B) {
	src := readProvidence(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBlocks(bytes.NewReader(src), "p", BlockOptions{WeightField: "population"}); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleDecodeBlocks() {
	src := `{"type":"FeatureCollection","features":[
	  {"type":"Feature","properties":{"id":"b1","households":320,"ward":"3"},
	   "geometry":{"type":"Polygon","coordinates":[[[117.55,34.86],[117.56,34.86],[117.56,34.87],[117.55,34.86]]]}},
	  {"type":"Feature","properties":{"id":"b2","households":-4},
	   "geometry":{"type":"Polygon","coordinates":[[[117.56,34.86],[117.57,34.86],[117.57,34.87],[117.56,34.86]]]}}]}`
	_, err := DecodeBlocks(strings.NewReader(src), "blocks.geojson", BlockOptions{})
	fmt.Println(err)
	blocks, _ := DecodeBlocks(strings.NewReader(strings.Replace(src, "-4", "40", 1)), "blocks.geojson", BlockOptions{})
	for _, b := range blocks {
		fmt.Println(b.ID, b.Households, b.Attrs)
	}
	// Output:
	// blocks.geojson: feature 1 (id "b2"): properties.households: importer: bad weight: -4 is negative
	// b1 320 map[ward:3]
	// b2 40 map[]
}
