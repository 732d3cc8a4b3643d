package importer

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"wangge/geo"
	"wangge/partition"
)

// square is a valid closed ring around (x, y), counter-clockwise.
func square(x, y float64) string {
	return fmt.Sprintf("[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]", x, y, x+1, y, x+1, y+1, x, y+1, x, y)
}

// feature writes a Feature with the given properties and Polygon rings.
func feature(props, rings string) string {
	return `{"type":"Feature","properties":{` + props + `},"geometry":{"type":"Polygon","coordinates":[` + rings + `]}}`
}

// collection wraps features in a FeatureCollection.
func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + "]}"
}

// good is a valid feature with id and households.
func good(id string) string {
	return feature(`"id":"`+id+`","households":10`, square(0, 0))
}

// badInput is one rejected file and what the rejection must say.
type badInput struct {
	name    string
	input   string
	want    error  // sentinel the error wraps
	feature int    // -1: outside any feature
	id      string // block id named, or ""
	field   string
	text    string // must appear in the message
}

func badInputs() []badInput {
	bad := `{"type":"Feature",x}`
	return []badInput{
		{"invalid JSON", collection(good("a"), bad), ErrInvalidJSON, 1, "", "",
			fmt.Sprintf("invalid JSON at byte %d", strings.Index(collection(good("a"), bad), "x}"))},
		{"truncated file", collection(good("a"))[:60], ErrInvalidJSON, 0, "", "", "unexpected end of file"},
		{"empty file", "", ErrInvalidJSON, -1, "", "", "unexpected end of file"},
		{"top level array", `[1,2]`, ErrNotFeatureCollection, -1, "", "", `"["`},
		{"single feature", good("a"), ErrNotFeatureCollection, -1, "", "type", `"Feature"`},
		{"no type member", `{"features":[]}`, ErrNotFeatureCollection, -1, "", "type", "no type member"},
		{"no features member", `{"type":"FeatureCollection"}`, ErrNotFeatureCollection, -1, "", "features", "no features"},
		{"features not an array", `{"type":"FeatureCollection","features":{}}`, ErrNotFeatureCollection, -1, "", "", "array of features"},
		{"feature not an object", collection(good("a"), `17`), ErrNotFeatureCollection, 1, "", "", "not an object"},
		{"feature type wrong", collection(strings.Replace(good("a"), `"Feature"`, `"Fature"`, 1)), ErrNotFeatureCollection, 0, "", "type", `"Fature"`},
		{"trailing data", collection(good("a")) + ` {}`, ErrInvalidJSON, -1, "", "", "after the end"},
		{"missing id", collection(good("a"), feature(`"households":3`, square(0, 0))), ErrMissingID, 1, "", "properties.id", `"id"`},
		{"empty id", collection(feature(`"id":"","households":3`, square(0, 0))), ErrMissingID, 0, "", "properties.id", `"id"`},
		{"id is an object", collection(feature(`"id":{"a":1},"households":3`, square(0, 0))), ErrBadProperty, 0, "", "properties.id", `{"a":1}`},
		{"duplicate id", collection(good("a"), good("b"), good("a")), ErrDuplicateID, 2, "a", "properties.id", "features 0 and 2"},
		{"point geometry", collection(`{"type":"Feature","properties":{"id":"p","households":1},"geometry":{"type":"Point","coordinates":[1,2]}}`),
			geo.ErrNotPolygon, 0, "p", "geometry.type", "Point"},
		{"linestring geometry", collection(`{"type":"Feature","properties":{"id":"l","households":1},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}`),
			geo.ErrNotPolygon, 0, "l", "geometry.type", "LineString"},
		{"null geometry", collection(`{"type":"Feature","properties":{"id":"n","households":1},"geometry":null}`),
			geo.ErrNotPolygon, 0, "n", "geometry", "null"},
		{"unknown geometry type", collection(`{"type":"Feature","properties":{"id":"u","households":1},"geometry":{"type":"Polygn","coordinates":[]}}`),
			ErrBadGeometry, 0, "u", "geometry.type", "Polygn"},
		{"no coordinates", collection(`{"type":"Feature","properties":{"id":"c","households":1},"geometry":{"type":"Polygon"}}`),
			ErrBadGeometry, 0, "c", "geometry.coordinates", "no coordinates"},
		{"coordinates nested wrongly", collection(`{"type":"Feature","properties":{"id":"w","households":1},"geometry":{"type":"Polygon","coordinates":7}}`),
			ErrBadGeometry, 0, "w", "geometry.coordinates", "Polygon"},
		{"unclosed ring", collection(good("a"), feature(`"id":"o","households":1`, `[[0,0],[1,0],[1,1],[0,1]]`)),
			geo.ErrUnclosedRing, 1, "o", "geometry.coordinates", "ring 0"},
		{"too few points", collection(feature(`"id":"t","households":1`, `[[0,0],[1,0],[0,0]]`)),
			geo.ErrTooFewPoints, 0, "t", "geometry.coordinates", "ring 0"},
		{"self-intersecting ring", collection(feature(`"id":"x","households":1`, `[[0,0],[1,1],[1,0],[0,1],[0,0]]`)),
			geo.ErrSelfIntersection, 0, "x", "geometry.coordinates", "ring 0"},
		{"overflowing coordinate", collection(feature(`"id":"f","households":1`, `[[0,0],[1,0],[1e999,1],[0,1],[0,0]]`)),
			geo.ErrBadCoordinate, 0, "f", "geometry.coordinates", "1e999"},
		{"NaN string coordinate", collection(feature(`"id":"s","households":1`, `[[0,0],[1,0],["NaN",1],[0,1],[0,0]]`)),
			geo.ErrBadCoordinate, 0, "s", "geometry.coordinates", `"NaN"`},
		{"null coordinate", collection(feature(`"id":"z","households":1`, `[[0,0],[1,0],[null,1],[0,1],[0,0]]`)),
			geo.ErrBadCoordinate, 0, "z", "geometry.coordinates", "vertex 2"},
		{"position with one number", collection(feature(`"id":"q","households":1`, `[[0,0],[1],[1,1],[0,1],[0,0]]`)),
			geo.ErrBadCoordinate, 0, "q", "geometry.coordinates", "vertex 1"},
		{"longitude out of range", collection(feature(`"id":"g","households":1`, square(200, 0))),
			geo.ErrBadCoordinate, 0, "g", "geometry.coordinates", "[200, 0] is not a longitude"},
		{"latitude out of range", collection(feature(`"id":"h","households":1`, square(0, -91))),
			geo.ErrBadCoordinate, 0, "h", "geometry.coordinates", "[0, -91] is not"},
		{"bad hole of a multipolygon", collection(`{"type":"Feature","properties":{"id":"m","households":1},"geometry":{"type":"MultiPolygon","coordinates":[[` +
			square(0, 0) + `],[` + square(5, 5) + `,[[5.2,5.2],[5.4,5.2],[5.4,5.4],[5.2,5.4]]]]}}`),
			geo.ErrUnclosedRing, 0, "m", "geometry.coordinates", "polygon 1, ring 1"},
		{"negative weight", collection(good("a"), feature(`"id":"n","households":-3`, square(0, 0))),
			ErrBadWeight, 1, "n", "properties.households", "-3 is negative"},
		{"string weight", collection(feature(`"id":"s","households":"12"`, square(0, 0))),
			ErrBadWeight, 0, "s", "properties.households", `"12" is not a number`},
		{"boolean weight", collection(feature(`"id":"b","households":true`, square(0, 0))),
			ErrBadWeight, 0, "b", "properties.households", "true is not a number"},
		{"fractional households", collection(feature(`"id":"h","households":2.5`, square(0, 0))),
			ErrBadWeight, 0, "h", "properties.households", "2.5 is not a whole number"},
		{"overflowing weight", collection(feature(`"id":"o","households":1e999`, square(0, 0))),
			ErrBadWeight, 0, "o", "properties.households", "out of range"},
		{"missing weight", collection(good("a"), feature(`"id":"m","population":3`, square(0, 0))),
			ErrMissingWeight, 1, "m", "properties.households", `"households"`},
		{"null weight", collection(feature(`"id":"m","households":null`, square(0, 0))),
			ErrMissingWeight, 0, "m", "properties.households", `"households"`},
		{"bad population besides the weight", collection(feature(`"id":"p","households":3,"population":-1`, square(0, 0))),
			ErrBadWeight, 0, "p", "properties.population", "negative"},
		{"kind is an array", collection(feature(`"id":"k","households":3,"kind":["school"]`, square(0, 0))),
			ErrBadProperty, 0, "k", "properties.kind", `["school"]`},
		{"properties not an object", collection(`{"type":"Feature","properties":[1],"geometry":null}`),
			ErrBadProperty, 0, "", "properties", "JSON array"},
		{"geometry not an object", collection(`{"type":"Feature","properties":{"id":"g","households":1},"geometry":5}`),
			ErrBadGeometry, 0, "g", "geometry", "JSON number"},
	}
}

func TestDecodeBlocksRejects(t *testing.T) {
	for _, tt := range badInputs() {
		t.Run(tt.name, func(t *testing.T) {
			blocks, err := DecodeBlocks(strings.NewReader(tt.input), "in.geojson", BlockOptions{})
			if err == nil {
				t.Fatalf("accepted %d blocks, want an error", len(blocks))
			}
			if blocks != nil {
				t.Errorf("returned %d blocks with the error, want none", len(blocks))
			}
			checkImportError(t, err, tt)
		})
	}
}

// checkImportError asserts that err is the rejection tt describes.
func checkImportError(t *testing.T, err error, tt badInput) {
	t.Helper()
	if !errors.Is(err, tt.want) {
		t.Errorf("error %q does not wrap %q", err, tt.want)
	}
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %q is a %T, want *Error", err, err)
	}
	if ie.File != "in.geojson" || ie.Feature != tt.feature || ie.ID != tt.id || ie.Field != tt.field {
		t.Errorf("got file %q feature %d id %q field %q, want in.geojson %d %q %q",
			ie.File, ie.Feature, ie.ID, ie.Field, tt.feature, tt.id, tt.field)
	}
	msg := err.Error()
	wants := []string{"in.geojson: ", tt.text}
	if tt.feature >= 0 {
		wants = append(wants, fmt.Sprintf("feature %d", tt.feature))
	}
	if tt.id != "" {
		wants = append(wants, fmt.Sprintf("(id %q)", tt.id))
	}
	if tt.field != "" {
		wants = append(wants, ": "+tt.field+": ")
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not say %q", msg, w)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message %q is more than one line", msg)
	}
}

// FuzzDecodeBlocks feeds arbitrary bytes to the decoder: it must never
// panic, must reject with one line naming the file, and whatever it
// accepts must be valid blocks with unique ids.
func FuzzDecodeBlocks(f *testing.F) {
	for _, tt := range badInputs() {
		f.Add(tt.input)
	}
	f.Add(collection(good("a"), good("b")))
	f.Add(collection(feature(`"id":7,"households":1e2,"population":3,"kind":"school","x":[1,{"y":null}]`, square(1, 1)+`,[[1.2,1.2],[1.4,1.2],[1.4,1.4],[1.2,1.2]]`)))
	f.Fuzz(func(t *testing.T, input string) {
		blocks, err := DecodeBlocks(strings.NewReader(input), "fuzz.geojson", BlockOptions{})
		if err != nil {
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %q is a %T, want *Error", err, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.geojson") || strings.Contains(msg, "\n") {
				t.Fatalf("message %q is not one line starting with the file", msg)
			}
			return
		}
		seen := make(map[partition.BlockID]bool)
		for _, b := range blocks {
			if b.ID == "" || seen[b.ID] {
				t.Fatalf("accepted an empty or repeated id %q", b.ID)
			}
			seen[b.ID] = true
			if b.Households < 0 || b.Population < 0 {
				t.Fatalf("accepted a negative count in %+v", b)
			}
			if err := geo.Validate(b.Geometry); err != nil {
				t.Fatalf("accepted invalid geometry of %s: %v", b.ID, err)
			}
		}
	})
}
