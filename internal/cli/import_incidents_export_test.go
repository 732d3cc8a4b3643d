package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/partition"
)

// sf311Flags read testdata/sf311_cases.csv, an export in the columns of
// San Francisco's 311 cases (CaseID, Opened, Status "Open"/"Closed",
// Latitude/Longitude 0 for an unknown place, a case on several rows).
var sf311Flags = []string{"--map", "id=CaseID", "--map", "reported=Opened", "--map", "category=Category",
	"--map", "description=Request Details", "--map", "address=Address", "--map", "lat=Latitude", "--map", "lon=Longitude",
	"--map", "media_url=Media URL", "--map", "status=Status", "--zone", "America/Los_Angeles",
	"--time-layout", "01/02/2006 03:04:05 PM", "--duplicates", "last", "--unlocated", "skip"}

// TestImportIncidentsExports imports the synthetic exports of testdata as
// they are, into a store with one area over grids A and B: each import
// prints its counts by reason and stores what it kept, in the export's
// status (the last row of a repeated id wins with --duplicates last, the
// first with the configuration's first).
func TestImportIncidentsExports(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		summary  string
		skip     string // one row stderr names
		statuses map[incident.ID]incident.Status
	}{
		{"sf311 csv, flags", append([]string{"testdata/sf311_cases.csv"}, sf311Flags...),
			"10 rows read, 4 kept, 6 skipped (duplicate_id 2, no_location 1, outside_areas 1, zero_location 2); 4 new",
			`skipped line 4 (id "103"): zero_location`,
			map[incident.ID]incident.Status{"101": incident.StatusReported, "102": incident.StatusClosed,
				"104": incident.StatusReported, "107": incident.StatusReported}},
		{"georeport geojson, config", []string{"testdata/georeport_requests.geojson", "--config", "testdata/georeport_import.toml"},
			"5 rows read, 3 kept, 2 skipped (duplicate_id 1, zero_location 1); 3 new",
			`skipped feature 1 (id "GR-2"): zero_location`,
			map[incident.ID]incident.Status{"GR-1": incident.StatusReported, "GR-3": incident.StatusClosed, "GR-4": incident.StatusReported}},
	}
	for _, st := range trackStores {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				dsn := st.dsn(t)
				putIncidentPlans(t, dsn)
				withTestStore(t, dsn, func(s data.Store) {
					area := partition.Area{ID: "heping", Name: "和平街道", Level: partition.AreaLevel("street"),
						Geometry: orb.MultiPolygon{{{{117.29, 34.79}, {117.33, 34.79}, {117.33, 34.82}, {117.29, 34.82}, {117.29, 34.79}}}}}
					if err := s.PutAreas(context.Background(), []partition.Area{area}); err != nil {
						t.Fatal(err)
					}
				})
				stdout, stderr, err := runCLI(t, append(append([]string{"import", "incidents"}, tt.args...), "--db", dsn)...)
				if err != nil {
					t.Fatalf("import: %v\n%s", err, stderr)
				}
				if !strings.Contains(stdout, tt.summary) {
					t.Errorf("summary %q, want %q", stdout, tt.summary)
				}
				got := storedIncidents(t, dsn)
				if len(got) != len(tt.statuses) {
					t.Errorf("%d stored, want %d", len(got), len(tt.statuses))
				}
				for id, status := range tt.statuses {
					if in := got[id]; in.Status != status || in.Grid == "" || slices.Contains(in.Flags, incident.FlagOutsideGrids) {
						t.Errorf("%s: status %q grid %q flags %v; want %q in a grid", id, in.Status, in.Grid, in.Flags, status)
					}
				}
				if !strings.Contains(stderr, tt.skip) {
					t.Errorf("stderr does not name %q:\n%s", tt.skip, stderr)
				}
			})
		}
	}
}
