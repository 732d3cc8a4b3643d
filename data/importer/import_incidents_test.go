package importer_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data/importer"
)

const incidentsHeader = "id,category,description,address,lat,lon,reported,reporter,status\n"

// incidentCase is one input of the incident decoders; the cases are the
// seeds of FuzzDecodeIncidents too.
type incidentCase struct {
	name    string
	geojson bool
	input   string
	ids     []incident.ID // the drafts, when the file is good
	err     error         // the sentinel, when it is bad
	line    int           // CSV line of the error
	feature int           // GeoJSON feature of the error, -1 outside any
	field   string
}

var incidentCases = []incidentCase{
	{name: "csv good", input: incidentsHeader +
		"I1,环境卫生,垃圾堆放,3号楼,34.8,117.3,2026-03-03T08:00:00+08:00,w1,\n" +
		"I2,治安,\"two, words\",,34.81,117.31,2026-03-03 09:30:00Z,,discovered\n",
		ids: []incident.ID{"I1", "I2"}},
	{name: "csv bom, upper case, only required columns", input: "\ufeffID,Category,Lat,Lon,Reported\nA,x,1,2,2026-01-01T00:00:00Z\n",
		ids: []incident.ID{"A"}},
	{name: "csv header only", input: incidentsHeader},
	{name: "csv empty", input: "", err: importer.ErrInvalidCSV, line: 1},
	{name: "csv no reported column", input: "id,category,lat,lon\n", err: importer.ErrMissingColumn, line: 1, field: "reported"},
	{name: "csv column twice", input: "id,category,lat,lon,reported,lat\n", err: importer.ErrInvalidCSV, line: 1, field: "lat"},
	{name: "csv lat not a number", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI2,x,,,north,117.3,2026-03-03T08:00:00Z,,\n",
		err: importer.ErrBadValue, line: 3, field: "lat"},
	{name: "csv lat beyond the pole", input: incidentsHeader + "I1,x,,,95,117.3,2026-03-03T08:00:00Z,,\n", err: importer.ErrBadValue, line: 2, field: "lat"},
	{name: "csv lon empty", input: incidentsHeader + "I1,x,,,34,,2026-03-03T08:00:00Z,,\n", err: importer.ErrMissingValue, line: 2, field: "lon"},
	{name: "csv empty id", input: incidentsHeader + ",x,,,34.8,117.3,2026-03-03T08:00:00Z,,\n", err: importer.ErrMissingID, line: 2, field: "id"},
	{name: "csv id twice", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI1,y,,,34.8,117.3,2026-03-03T08:00:00Z,,\n",
		err: importer.ErrDuplicateID, line: 3, field: "id"},
	{name: "csv time without offset", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00,,\n", err: importer.ErrBadValue, line: 2, field: "reported"},
	{name: "csv time not a time", input: incidentsHeader + "I1,x,,,34.8,117.3,yesterday,,\n", err: importer.ErrBadValue, line: 2, field: "reported"},
	{name: "csv closed status", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,closed\n", err: importer.ErrBadValue, line: 2, field: "status"},
	{name: "csv empty category", input: incidentsHeader + "I1, ,,,34.8,117.3,2026-03-03T08:00:00Z,,\n", err: importer.ErrMissingValue, line: 2, field: "category"},
	{name: "csv short row", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI2,x\n", err: importer.ErrInvalidCSV, line: 3},
	{name: "csv multi-line field then bad row", input: incidentsHeader + "I1,x,\"two\nlines\",,34.8,117.3,2026-03-03T08:00:00Z,,\nI2,x,,,34.8,999,2026-03-03T08:00:00Z,,\n",
		err: importer.ErrBadValue, line: 4, field: "lon"},
	{name: "csv not utf-8", input: incidentsHeader + "I1,x,\xff\xfe,,34.8,117.3,2026-03-03T08:00:00Z,,\n", err: importer.ErrBadValue, line: 2, field: "description"},

	{name: "geojson good", geojson: true, input: `{"type":"FeatureCollection","features":[
		{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[117.3,34.8,40]},
		 "properties":{"category":"环境卫生","reported":"2026-03-03T08:00:00+08:00","reporter":"w1"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[117.31,34.81]},
		 "properties":{"id":"I2","category":"治安","reported":"2026-03-03T09:30:00Z","status":"discovered","address":null}}]}`,
		ids: []incident.ID{"7", "I2"}},
	{name: "geojson syntax", geojson: true, input: `{"type":"FeatureCollection","features":[}`, err: importer.ErrInvalidJSON, feature: -1},
	{name: "geojson a feature", geojson: true, input: `{"type":"Feature","features":[]}`, err: importer.ErrNotFeatureCollection, feature: -1, field: "type"},
	{name: "geojson features not an array", geojson: true, input: `{"type":"FeatureCollection","features":{}}`,
		err: importer.ErrNotFeatureCollection, feature: -1, field: "features"},
	{name: "geojson line", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
		"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrBadGeometry, feature: 0, field: "geometry.type"},
	{name: "geojson null geometry", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
		"geometry":null,"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrBadGeometry, feature: 0, field: "geometry"},
	{name: "geojson longitude out of range", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
		"geometry":{"type":"Point","coordinates":[200,10]},"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrBadGeometry, feature: 0, field: "geometry.coordinates[0]"},
	{name: "geojson no id", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature",
		"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrMissingID, feature: 0, field: "properties.id"},
	{name: "geojson id twice", geojson: true, input: `{"type":"FeatureCollection","features":[
		{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}},
		{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"category":"x","reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrDuplicateID, feature: 1, field: "properties.id"},
	{name: "geojson category an object", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
		"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"category":{"zh":"x"},"reported":"2026-03-03T08:00:00Z"}}]}`,
		err: importer.ErrBadProperty, feature: 0, field: "properties.category"},
	{name: "geojson no report time", geojson: true, input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
		"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"category":"x"}}]}`,
		err: importer.ErrMissingValue, feature: 0, field: "properties.reported"},
}

// decodeIncidents runs the decoder of the case's format.
func decodeIncidents(geojson bool, input string) ([]incident.Incident, error) {
	if geojson {
		return importer.DecodeIncidentsGeoJSON(strings.NewReader(input), "in.geojson")
	}
	return importer.DecodeIncidentsCSV(strings.NewReader(input), "in.csv")
}

func TestDecodeIncidents(t *testing.T) {
	for _, tc := range incidentCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeIncidents(tc.geojson, tc.input)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				var ids []incident.ID
				for _, d := range got {
					ids = append(ids, d.ID)
				}
				if strings.Join(idStrings(ids), ",") != strings.Join(idStrings(tc.ids), ",") {
					t.Fatalf("ids %v, want %v", ids, tc.ids)
				}
				return
			}
			var ie *importer.Error
			if !errors.As(err, &ie) || !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want an *Error wrapping %v", err, tc.err)
			}
			wantFeature := tc.feature
			if !tc.geojson {
				wantFeature = -1
			}
			if ie.Line != tc.line || ie.Feature != wantFeature || ie.Field != tc.field {
				t.Fatalf("error at line %d, feature %d, field %q; want line %d, feature %d, field %q (%v)",
					ie.Line, ie.Feature, ie.Field, tc.line, wantFeature, tc.field, err)
			}
		})
	}
}

// incidentCaseNamed finds a case of incidentCases by name.
func incidentCaseNamed(t *testing.T, name string) incidentCase {
	t.Helper()
	for _, c := range incidentCases {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no incident case %q", name)
	return incidentCase{}
}

func idStrings(ids []incident.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// TestDecodeIncidentsFields checks every field of the good files against
// values worked out by hand (08:00 at +08:00 is 00:00 UTC).
func TestDecodeIncidentsFields(t *testing.T) {
	at := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    incidentCase
		want []incident.Incident
	}{
		{"csv", incidentCaseNamed(t, "csv good"), []incident.Incident{
			{ID: "I1", Category: "环境卫生", Description: "垃圾堆放", Address: "3号楼", Location: orb.Point{117.3, 34.8}, Reported: at, Reporter: "w1"},
			{ID: "I2", Category: "治安", Description: "two, words", Location: orb.Point{117.31, 34.81}, Reported: at.Add(9*time.Hour + 30*time.Minute),
				Status: incident.StatusDiscovered}}},
		{"geojson", incidentCaseNamed(t, "geojson good"), []incident.Incident{
			{ID: "7", Category: "环境卫生", Location: orb.Point{117.3, 34.8}, Reported: at, Reporter: "w1"},
			{ID: "I2", Category: "治安", Location: orb.Point{117.31, 34.81}, Reported: at.Add(9*time.Hour + 30*time.Minute),
				Status: incident.StatusDiscovered}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeIncidents(tt.c.geojson, tt.c.input)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d drafts, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if !g.Reported.Equal(w.Reported) {
					t.Errorf("draft %d reported %v, want %v", i, g.Reported, w.Reported)
				}
				g.Reported = w.Reported
				if g.ID != w.ID || g.Category != w.Category || g.Description != w.Description || g.Address != w.Address ||
					g.Location != w.Location || g.Reporter != w.Reporter || g.Status != w.Status {
					t.Errorf("draft %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

// FuzzDecodeIncidents feeds both decoders the same bytes: neither may
// panic; a refusal is an *Error naming the file; every draft they
// accept is one incident.Create takes, with a unique id.
func FuzzDecodeIncidents(f *testing.F) {
	for _, tc := range incidentCases {
		f.Add(tc.input)
	}
	f.Fuzz(func(t *testing.T, input string) {
		for _, geojson := range []bool{false, true} {
			drafts, err := decodeIncidents(geojson, input)
			if err != nil {
				var ie *importer.Error
				if !errors.As(err, &ie) || (ie.File != "in.csv" && ie.File != "in.geojson") {
					t.Fatalf("geojson %v: error %v is not an *Error naming the file", geojson, err)
				}
				continue
			}
			seen := map[incident.ID]bool{}
			for _, d := range drafts {
				if seen[d.ID] {
					t.Fatalf("geojson %v: id %q twice", geojson, d.ID)
				}
				seen[d.ID] = true
				if _, err := incident.Create(d, incident.Actor{Role: incident.ActorAdmin}, d.Reported, "", nil); err != nil {
					t.Fatalf("geojson %v: accepted draft %+v is refused by Create: %v", geojson, d, err)
				}
			}
		}
	})
}
