package importer_test

import (
	"errors"
	"maps"
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
	opts    importer.IncidentOptions
	skipped map[importer.Reason]int // rows left out, when the file is good
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
	{name: "csv unknown status", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,frobbed\n", err: importer.ErrBadValue, line: 2, field: "status"},
	{name: "csv status vocabulary", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,Closed\nI2,x,,,34.8,117.3,2026-03-03T08:00:00Z,, In Progress \n" +
		"I3,x,,,34.8,117.3,2026-03-03T08:00:00Z,,Open\nI4,x,,,34.8,117.3,2026-03-03T08:00:00Z,,Sent to DPW\n",
		opts: importer.IncidentOptions{Statuses: map[string]incident.Status{"sent to dpw": incident.StatusAccepted}}, ids: []incident.ID{"I1", "I2", "I3", "I4"}},
	{name: "csv status mapped onto duplicate", input: incidentsHeader, opts: importer.IncidentOptions{Statuses: map[string]incident.Status{"dup": incident.StatusDuplicate}},
		err: importer.ErrBadOption},
	{name: "csv map unknown field", input: incidentsHeader, opts: importer.IncidentOptions{Columns: map[string]string{"colour": "x"}}, err: importer.ErrBadOption},
	{name: "csv mapped columns", input: "service_request_id,service_name,Latitude,Longitude,requested_datetime\nR1,Graffiti,37.7,-122.4,2026-03-03 08:00:00\n",
		opts: importer.IncidentOptions{Columns: map[string]string{"id": "service_request_id", "category": "service_name", "lat": "latitude",
			"lon": "Longitude", "reported": "requested_datetime"}, Zone: time.FixedZone("PST", -8*3600)}, ids: []incident.ID{"R1"}},
	{name: "csv mapped column missing", input: "id,category,lat,lon,reported\n", opts: importer.IncidentOptions{Columns: map[string]string{"reported": "opened"}},
		err: importer.ErrMissingColumn, line: 1, field: "reported"},
	{name: "csv time layout", input: incidentsHeader + "I1,x,,,34.8,117.3,03/03/2026 08:00:00 AM,,\n",
		opts: importer.IncidentOptions{TimeLayout: "01/02/2006 03:04:05 PM"}, ids: []incident.ID{"I1"}},
	{name: "csv time not in the layout", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03,,\n",
		opts: importer.IncidentOptions{TimeLayout: "01/02/2006 03:04:05 PM"}, err: importer.ErrBadValue, line: 2, field: "reported"},
	{name: "csv id twice, first kept", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI2,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI1,y,,,34.8,117.3,2026-03-03T08:00:00Z,,\n",
		opts: importer.IncidentOptions{Duplicates: importer.DuplicatesFirst}, ids: []incident.ID{"I1", "I2"}, skipped: map[importer.Reason]int{importer.ReasonDuplicate: 1}},
	{name: "csv id twice, last kept", input: incidentsHeader + "I1,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI2,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI1,y,,,34.8,117.3,2026-03-03T08:00:00Z,,\n",
		opts: importer.IncidentOptions{Duplicates: importer.DuplicatesLast}, ids: []incident.ID{"I2", "I1"}, skipped: map[importer.Reason]int{importer.ReasonDuplicate: 1}},
	{name: "csv at (0, 0)", input: incidentsHeader + "I1,x,,,0,0,2026-03-03T08:00:00Z,,\n", err: importer.ErrBadValue, line: 2, field: "lat"},
	{name: "csv no location", input: incidentsHeader + "I1,x,,,,,2026-03-03T08:00:00Z,,\n", err: importer.ErrBadValue, line: 2, field: "lat"},
	{name: "csv unlocated skipped", input: incidentsHeader + "I1,x,,,0,0,2026-03-03T08:00:00Z,,\nI2,x,,,,,2026-03-03T08:00:00Z,,\n" +
		"I3,x,,,34.8,117.3,2026-03-03T08:00:00Z,,\nI4,x,,,1,1,2026-03-03T08:00:00Z,,\n",
		opts: importer.IncidentOptions{Unlocated: importer.UnlocatedSkip, Inside: func(p orb.Point) bool { return p[0] > 100 }}, ids: []incident.ID{"I3"},
		skipped: map[importer.Reason]int{importer.ReasonZero: 1, importer.ReasonNoLocation: 1, importer.ReasonOutside: 1}},
	{name: "csv outside refused", input: incidentsHeader + "I4,x,,,1,1,2026-03-03T08:00:00Z,,\n",
		opts: importer.IncidentOptions{Inside: func(p orb.Point) bool { return p[0] > 100 }}, err: importer.ErrBadValue, line: 2, field: "lat"},
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
		err: importer.ErrBadValue, feature: 0, field: "geometry"},
	{name: "geojson mapped, unlocated and repeated skipped", geojson: true, input: `{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":null,"properties":{"case":"a","type":"x","opened":"2026-03-03T08:00:00Z"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"case":"b","type":"x","opened":"2026-03-03T08:00:00Z"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"case":"c","type":"x","opened":"2026-03-03T08:00:00Z","state":"Closed"}},
		{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"case":"c","type":"x","opened":"2026-03-03T08:00:00Z"}}]}`,
		opts: importer.IncidentOptions{Columns: map[string]string{"id": "case", "category": "type", "reported": "opened", "status": "state"},
			Duplicates: importer.DuplicatesFirst, Unlocated: importer.UnlocatedSkip}, ids: []incident.ID{"c"},
		skipped: map[importer.Reason]int{importer.ReasonNoLocation: 1, importer.ReasonZero: 1, importer.ReasonDuplicate: 1}},
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
func decodeIncidents(geojson bool, input string, o importer.IncidentOptions) (importer.Incidents, error) {
	if geojson {
		return importer.DecodeIncidentsGeoJSON(strings.NewReader(input), "in.geojson", o)
	}
	return importer.DecodeIncidentsCSV(strings.NewReader(input), "in.csv", o)
}

func TestDecodeIncidents(t *testing.T) {
	for _, tc := range incidentCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeIncidents(tc.geojson, tc.input, tc.opts)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				var ids []incident.ID
				for _, d := range got.Drafts {
					ids = append(ids, d.ID)
				}
				if strings.Join(idStrings(ids), ",") != strings.Join(idStrings(tc.ids), ",") {
					t.Fatalf("ids %v, want %v", ids, tc.ids)
				}
				if counts := got.Counts(); !maps.Equal(counts, tc.skipped) && len(counts)+len(tc.skipped) > 0 {
					t.Fatalf("skipped %v, want %v", counts, tc.skipped)
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
			file, err := decodeIncidents(tt.c.geojson, tt.c.input, tt.c.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := file.Drafts
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
// panic; a refusal is an *Error naming the file; every row read is kept
// or skipped, and every draft they keep is one incident.Imported takes,
// with a unique id.
func FuzzDecodeIncidents(f *testing.F) {
	for _, tc := range incidentCases {
		f.Add(tc.input)
	}
	f.Fuzz(func(t *testing.T, input string) {
		for _, geojson := range []bool{false, true} {
			file, err := decodeIncidents(geojson, input, importer.IncidentOptions{Duplicates: importer.DuplicatesLast, Unlocated: importer.UnlocatedSkip})
			if err != nil {
				var ie *importer.Error
				if !errors.As(err, &ie) || (ie.File != "in.csv" && ie.File != "in.geojson") {
					t.Fatalf("geojson %v: error %v is not an *Error naming the file", geojson, err)
				}
				continue
			}
			if file.Rows != len(file.Drafts)+len(file.Skipped) {
				t.Fatalf("geojson %v: %d rows, %d kept and %d skipped", geojson, file.Rows, len(file.Drafts), len(file.Skipped))
			}
			seen := map[incident.ID]bool{}
			for _, d := range file.Drafts {
				if seen[d.ID] {
					t.Fatalf("geojson %v: id %q twice", geojson, d.ID)
				}
				seen[d.ID] = true
				if _, err := incident.Imported(d, incident.Actor{Role: incident.ActorAdmin}, d.Reported, "", nil); err != nil {
					t.Fatalf("geojson %v: accepted draft %+v is refused by Imported: %v", geojson, d, err)
				}
			}
		}
	})
}

// TestDecodeIncidentsStatuses checks the vocabulary: export values in any
// case, the default ones and a mapped one.
func TestDecodeIncidentsStatuses(t *testing.T) {
	c := incidentCaseNamed(t, "csv status vocabulary")
	file, err := decodeIncidents(false, c.input, c.opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []incident.Status{incident.StatusClosed, incident.StatusHandling, incident.StatusReported, incident.StatusAccepted}
	for i, d := range file.Drafts {
		if d.Status != want[i] {
			t.Errorf("draft %s: status %q, want %q", d.ID, d.Status, want[i])
		}
	}
}
