package track

import (
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// geojsonSeeds are hand-written GeoJSON inputs.
var geojsonSeeds = []struct {
	name, in string
	n        int
	err      error
	field    string
}{
	{"points with time", `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3,39.9]},"properties":{"time":"2024-05-01T08:00:00Z","worker":"w1","accuracy":5}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3,39.9,44]},"properties":{"timestamp":1714550405}}]}`, 2, nil, ""},
	{"linestring with times", `{"features":[{"type":"Feature","properties":{"times":["2024-05-01T08:00:00Z","2024-05-01T08:00:05Z"]},
"geometry":{"type":"LineString","coordinates":[[116.3,39.9],[116.3001,39.9]]}}],"type":"FeatureCollection"}`, 2, nil, ""},
	{"linestring with coordTimes, single feature", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[1,3],[1,4]]},
"properties":{"coordTimes":[1714550400000,1714550405000,1714550410000]}}`, 3, nil, ""},
	{"multilinestring nested times", `{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[1,2],[1,3]],[[2,2]]]},
"properties":{"coordinateProperties":{"times":[["2024-05-01T08:00:00Z","2024-05-01T08:00:01Z"],["2024-05-01T09:00:00Z"]]}}}`, 3, nil, ""},
	{"multilinestring flat times", `{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[1,2],[1,3]],[[2,2]]]},
"properties":{"times":["2024-05-01T08:00:00Z","2024-05-01T08:00:01Z","2024-05-01T09:00:00Z"]}}`, 3, nil, ""},
	{"empty collection", `{"type":"FeatureCollection","features":[]}`, 0, nil, ""},
	{"polygon", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]},"properties":{}}`, 0, ErrUnsupported, "geometry.type"},
	{"bare geometry", `{"type":"Point","coordinates":[1,2]}`, 0, ErrUnsupported, "type"},
	{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}]}`, 0, ErrMissingField, "geometry"},
	{"point without time", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`, 0, ErrMissingField, "properties.time"},
	{"point with bad time", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"time":"noon"}}`, 0, ErrBadValue, "properties.time"},
	{"point with text accuracy", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"time":0,"accuracy":"5"}}`, 0, ErrBadValue, "properties.accuracy"},
	{"one number position", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]},"properties":{"time":0}}`, 0, ErrSyntax, "coordinates"},
	{"latitude out of range", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,95]},"properties":{"time":0}}`, 0, ErrOutOfRange, "coordinates"},
	{"line without times", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[1,3]]},"properties":{}}`, 0, ErrMissingField, "properties.times"},
	{"too few times", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[1,3]]},"properties":{"times":[0]}}`, 0, ErrSyntax, "properties.times"},
	{"too many times", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]},"properties":{"times":[0,1]}}`, 0, ErrSyntax, "properties.times"},
	{"bad time in line", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]},"properties":{"times":[true]}}`, 0, ErrBadValue, "properties.times[0]"},
	{"time out of range", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"time":1e300}}`, 0, ErrOutOfRange, "properties.time"},
	{"features not an array", `{"type":"FeatureCollection","features":{}}`, 0, ErrSyntax, "features"},
	{"feature of wrong type", `{"type":"FeatureCollection","features":[{"type":"Point"}]}`, 0, ErrSyntax, "type"},
	{"array at top", `[]`, 0, ErrSyntax, ""},
	{"truncated", `{"type":"FeatureCollection","features":[{"type":"Feature"`, 0, ErrSyntax, ""},
}

func TestGeoJSONSeeds(t *testing.T) {
	for _, tc := range geojsonSeeds {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := DecodeGeoJSON(strings.NewReader(tc.in), DecodeOptions{Worker: "w0"})
			checkContract(t, "geojson", pts, err)
			checkSeed(t, pts, err, tc.n, tc.err, tc.field)
		})
	}
}

func TestGeoJSONValues(t *testing.T) {
	pts, err := DecodeGeoJSON(strings.NewReader(geojsonSeeds[0].in), DecodeOptions{Worker: "w0"})
	if err != nil {
		t.Fatal(err)
	}
	// 1714550405 s is 2024-05-01T08:00:05Z.
	want := []patrol.TrackPoint{
		{Worker: "w1", Time: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), Point: orb.Point{116.3, 39.9}, Accuracy: 5},
		{Worker: "w0", Time: time.Date(2024, 5, 1, 8, 0, 5, 0, time.UTC), Point: orb.Point{116.3, 39.9}, Altitude: 44},
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("point %d: got %+v\nwant %+v", i, pts[i], want[i])
		}
	}
	pts, err = DecodeGeoJSON(strings.NewReader(geojsonSeeds[3].in), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC); !pts[2].Time.Equal(at) || pts[2].Point != (orb.Point{2, 2}) {
		t.Errorf("third vertex %+v, want (2,2) at %v", pts[2], at)
	}
}

func TestGeoJSONErrorPosition(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"time":0}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"time":"soon"}}]}`
	_, err := DecodeGeoJSON(strings.NewReader(in), DecodeOptions{Source: "t.geojson"})
	// The offset is where the decoder stood before the feature: after the
	// previous one, before the comma and white space that lead to it.
	end, start := strings.LastIndex(in, "}},")+2, strings.LastIndex(in, "\n{")+1
	de, ok := err.(*DecodeError)
	if !ok || de.Feature != 1 || de.Offset < int64(end) || de.Offset > int64(start) {
		t.Fatalf("got %v, want feature 1 at a byte in [%d, %d]", err, end, start)
	}
}

func FuzzGeoJSONTrack(f *testing.F) {
	for _, s := range geojsonSeeds {
		f.Add(s.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pts, err := DecodeGeoJSON(strings.NewReader(in), DecodeOptions{})
		checkContract(t, "geojson", pts, err)
	})
}
