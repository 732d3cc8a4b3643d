package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/importer"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
)

// square is the 0.01° square with south-west corner (lon, lat).
func square(lon, lat float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + 0.01, lat}, {lon + 0.01, lat + 0.01}, {lon, lat + 0.01}, {lon, lat}}}}
}

// putIncidentPlans stores three plans: "old", published first (and a
// draft again since), with one grid over everything; "now", published
// last, with grids A (west) and B (east) side by side; and a draft created
// after both with one grid over everything. Only "now" may be used to
// locate incidents.
func putIncidentPlans(t *testing.T, dsn string) {
	t.Helper()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	all := orb.MultiPolygon{{{{117, 34}, {118, 34}, {118, 35}, {117, 35}, {117, 34}}}}
	plans := []partition.Plan{
		{ID: "old", Status: partition.PlanDraft, Created: t0,
			Grids: []partition.Grid{{ID: "OLD", Kind: partition.Basic, Geometry: all}}},
		{ID: "now", Status: partition.PlanDraft, Created: t0.Add(2 * time.Hour),
			Grids: []partition.Grid{{ID: "A", Kind: partition.Basic, Geometry: square(117.30, 34.80)},
				{ID: "B", Kind: partition.Basic, Geometry: square(117.31, 34.80)}}},
		{ID: "draft", Status: partition.PlanDraft, Created: t0.Add(4 * time.Hour),
			Grids: []partition.Grid{{ID: "DRAFT", Kind: partition.Basic, Geometry: all}}},
	}
	withTestStore(t, dsn, func(s data.Store) {
		for _, p := range plans {
			if err := s.PutPlan(context.Background(), p); err != nil {
				t.Fatalf("put plan %s: %v", p.ID, err)
			}
		}
		for i, id := range []partition.PlanID{"old", "now"} {
			if _, err := s.PublishPlan(context.Background(), id, t0.Add(time.Duration(2*i+1)*time.Hour)); err != nil {
				t.Fatalf("publish plan %s: %v", id, err)
			}
		}
	})
}

// incidentsCSV has one incident in grid A, one in B and one in neither.
const incidentsCSV = `id,category,description,address,lat,lon,reported,reporter,status
IA,环境卫生,垃圾堆放,1号楼,34.805,117.305,2026-03-03T08:00:00+08:00,w1,
IB,治安,,,34.805,117.315,2026-03-03T09:00:00+08:00,,discovered
IX,消防,,,34.9,117.5,2026-03-03T10:00:00Z,w2,reported
`

// incidentsGeoJSON is incidentsCSV as GeoJSON.
const incidentsGeoJSON = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"IA","geometry":{"type":"Point","coordinates":[117.305,34.805]},
  "properties":{"category":"环境卫生","description":"垃圾堆放","address":"1号楼","reported":"2026-03-03T08:00:00+08:00","reporter":"w1"}},
 {"type":"Feature","id":"IB","geometry":{"type":"Point","coordinates":[117.315,34.805]},
  "properties":{"category":"治安","reported":"2026-03-03T09:00:00+08:00","status":"discovered"}},
 {"type":"Feature","id":"IX","geometry":{"type":"Point","coordinates":[117.5,34.9]},
  "properties":{"category":"消防","reported":"2026-03-03T10:00:00Z","reporter":"w2","status":"reported"}}]}`

// writeTemp writes text to a file named name in a fresh directory.
func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedIncidents lists the incidents stored at dsn, by id.
func storedIncidents(t *testing.T, dsn string) map[incident.ID]incident.Incident {
	t.Helper()
	out := map[incident.ID]incident.Incident{}
	withTestStore(t, dsn, func(s data.Store) {
		list, err := s.Incidents(context.Background(), data.IncidentQuery{})
		if err != nil {
			t.Fatalf("list incidents: %v", err)
		}
		for _, in := range list {
			out[in.ID] = in
		}
	})
	return out
}

func TestImportIncidents(t *testing.T) {
	files := []struct{ name, text string }{{"incidents.csv", incidentsCSV}, {"incidents.geojson", incidentsGeoJSON}}
	want := []struct {
		id       incident.ID
		grid     partition.GridID
		level    incident.Level
		status   incident.Status
		actor    string
		outside  bool
		reported time.Time
	}{
		{"IA", "A", incident.LevelGrid, incident.StatusReported, "worker:w1", false, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"IB", "B", incident.LevelGrid, incident.StatusDiscovered, "admin", false, time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC)},
		{"IX", "", incident.LevelStreet, incident.StatusReported, "worker:w2", true, time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)},
	}
	for _, st := range trackStores {
		for _, f := range files {
			t.Run(st.name+"/"+f.name, func(t *testing.T) {
				dsn := st.dsn(t)
				putIncidentPlans(t, dsn)
				file := writeTemp(t, f.name, f.text)
				stdout, _, err := runCLI(t, "import", "incidents", file, "--db", dsn)
				if err != nil {
					t.Fatalf("import: %v", err)
				}
				if !strings.Contains(stdout, "3 new") || !strings.Contains(stdout, "plan now") {
					t.Errorf("report %q: want 3 new, located in plan now", stdout)
				}
				got := storedIncidents(t, dsn)
				for _, w := range want {
					in, ok := got[w.id]
					switch {
					case !ok:
						t.Fatalf("incident %s not stored", w.id)
					case in.Grid != w.grid || in.Level != w.level || in.Status != w.status || !in.Reported.Equal(w.reported):
						t.Errorf("%s: grid %q level %s status %s reported %v; want %q %s %s %v",
							w.id, in.Grid, in.Level, in.Status, in.Reported, w.grid, w.level, w.status, w.reported)
					case slices.Contains(in.Flags, incident.FlagOutsideGrids) != w.outside:
						t.Errorf("%s: flags %v, outside grids %v", w.id, in.Flags, w.outside)
					case len(in.Events) != 1 || in.Events[0].To != w.status || in.Events[0].Actor != w.actor || !in.Events[0].Time.Equal(w.reported):
						t.Errorf("%s: events %+v, want one creation by %s at %v", w.id, in.Events, w.actor, w.reported)
					}
				}
				testReimportKeepsHistory(t, dsn, file)
			})
		}
	}
}

// testReimportKeepsHistory moves IA on, imports the file again and checks
// that nothing new is stored and IA keeps its later state.
func testReimportKeepsHistory(t *testing.T, dsn, file string) {
	t.Helper()
	ctx := context.Background()
	withTestStore(t, dsn, func(s data.Store) {
		in, err := s.Incident(ctx, "IA")
		if err != nil {
			t.Fatal(err)
		}
		leader := incident.Actor{Role: incident.ActorLeader, Grids: []partition.GridID{"A"}}
		if err := incident.Transition(&in, incident.StatusAccepted, leader, in.Reported.Add(time.Hour), "ok"); err != nil {
			t.Fatal(err)
		}
		if err := s.PutIncidents(ctx, []incident.Incident{in}); err != nil {
			t.Fatal(err)
		}
	})
	stdout, _, err := runCLI(t, "import", "incidents", file, "--db", dsn)
	if err != nil {
		t.Fatalf("import again: %v", err)
	}
	if !strings.Contains(stdout, "0 new, 3 already stored") {
		t.Errorf("report of the second import %q: want 0 new, 3 already stored", stdout)
	}
	if in := storedIncidents(t, dsn)["IA"]; in.Status != incident.StatusAccepted || len(in.Events) != 2 {
		t.Fatalf("IA after importing again: %s with %d events, want accepted with 2", in.Status, len(in.Events))
	}
}

// TestImportIncidentsWithoutPlan: incidents imported while no plan is
// published are flagged no_plan, then located by the publication of one
// (app.PublishPlan), each with an event saying so; publishing again
// locates none.
func TestImportIncidentsWithoutPlan(t *testing.T) {
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			file := writeTemp(t, "incidents.csv", incidentsCSV)
			stdout, _, err := runCLI(t, "import", "incidents", file, "--db", dsn)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if !strings.Contains(stdout, "3 reported while no plan was in force") {
				t.Errorf("report %q does not say no plan was in force", stdout)
			}
			got := storedIncidents(t, dsn)
			if len(got) != 3 {
				t.Fatalf("%d incidents stored, want 3", len(got))
			}
			for id, in := range got {
				if in.Grid != "" || in.Level != incident.LevelStreet || !slices.Equal(in.Flags, []string{incident.FlagNoPlan}) {
					t.Errorf("%s: grid %q level %s flags %v; want no grid, street level, no_plan", id, in.Grid, in.Level, in.Flags)
				}
			}
			putIncidentPlans(t, dsn) // publishes "old", then "now" through the store
			for _, located := range []int{3, 0} {
				withTestStore(t, dsn, func(s data.Store) {
					a, err := app.New(app.Options{Store: s})
					if err != nil {
						t.Fatal(err)
					}
					pub, err := a.PublishPlan(context.Background(), access.Principal{Role: data.RoleAdmin}, "now", true)
					if err != nil || pub.Located != located {
						t.Fatalf("publish: located %d, %v; want %d", pub.Located, err, located)
					}
				})
			}
			got = storedIncidents(t, dsn)
			for id, grid := range map[incident.ID]partition.GridID{"IA": "A", "IB": "B", "IX": ""} {
				in := got[id]
				last := in.Events[len(in.Events)-1]
				outside := slices.Contains(in.Flags, incident.FlagOutsideGrids)
				if in.Grid != grid || outside != (grid == "") || slices.Contains(in.Flags, incident.FlagNoPlan) ||
					len(in.Events) != 2 || last.Actor != incident.ActorSystem || !strings.Contains(last.Note, "plan now") {
					t.Errorf("%s after publishing: grid %q flags %v events %+v; want grid %q and one locating event", id, in.Grid, in.Flags, in.Events, grid)
				}
			}
		})
	}
}

// TestImportIncidentsPlanAtReport: each incident is located in the plan
// in force when it was reported (putIncidentPlans: "old", one grid over
// everything, from 01:00 to 03:00 on 1 January 2026, then "now"), and one
// reported before any plan is flagged no_plan.
func TestImportIncidentsPlanAtReport(t *testing.T) {
	const csv = `id,category,description,address,lat,lon,reported,reporter,status
EARLY,治安,,,34.805,117.305,2026-01-01T00:59:59Z,,
OLDA,治安,,,34.805,117.305,2026-01-01T01:00:00Z,,
OLDX,治安,,,34.9,117.5,2026-01-01T02:59:59Z,,
NOWA,治安,,,34.805,117.305,2026-01-01T03:00:00Z,,
NOWX,治安,,,34.9,117.5,2026-03-03T10:00:00Z,,
`
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			putIncidentPlans(t, dsn)
			stdout, _, err := runCLI(t, "import", "incidents", writeTemp(t, "incidents.csv", csv), "--db", dsn)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if want := "5 new, 0 already stored; located in plan now 2, plan old 2; 1 outside every grid of their plan; 1 reported while no plan was in force"; !strings.Contains(stdout, want) {
				t.Errorf("report %q does not say %q", stdout, want)
			}
			got := storedIncidents(t, dsn)
			for id, want := range map[incident.ID]struct {
				grid partition.GridID
				flag string
			}{"EARLY": {"", incident.FlagNoPlan}, "OLDA": {"OLD", ""}, "OLDX": {"OLD", ""}, "NOWA": {"A", ""}, "NOWX": {"", incident.FlagOutsideGrids}} {
				in := got[id]
				if in.Grid != want.grid || (want.flag == "") != (len(in.Flags) == 0) || (want.flag != "" && !slices.Equal(in.Flags, []string{want.flag})) {
					t.Errorf("%s: grid %q flags %v; want grid %q, flag %q", id, in.Grid, in.Flags, want.grid, want.flag)
				}
			}
		})
	}
}

func TestImportIncidentsBadFile(t *testing.T) {
	badCSV := strings.Replace(incidentsCSV, "34.9,117.5", "34.9,east", 1)
	badGeoJSON := strings.Replace(incidentsGeoJSON, `"Point","coordinates":[117.5,34.9]`, `"LineString","coordinates":[[117.5,34.9],[117.6,34.9]]`, 1)
	cases := []struct {
		name, file, text, field string
		line, feature           int
		err                     error
	}{
		{"csv bad lon on line 4", "bad.csv", badCSV, "lon", 4, -1, importer.ErrBadValue},
		{"geojson line feature 2", "bad.geojson", badGeoJSON, "geometry.type", 0, 2, importer.ErrBadGeometry},
		{"other extension", "bad.xlsx", incidentsCSV, "", 0, 0, errIncidentFormat},
	}
	for _, st := range trackStores {
		for _, tc := range cases {
			t.Run(st.name+"/"+tc.name, func(t *testing.T) {
				dsn := st.dsn(t)
				file := writeTemp(t, tc.file, tc.text)
				_, _, err := runCLI(t, "import", "incidents", "--db", dsn, file)
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				var ie *importer.Error
				if errors.As(err, &ie) && (ie.File != file || ie.Line != tc.line || ie.Feature != tc.feature || ie.Field != tc.field) {
					t.Fatalf("error names %s line %d feature %d field %q; want %s line %d feature %d field %q",
						ie.File, ie.Line, ie.Feature, ie.Field, file, tc.line, tc.feature, tc.field)
				}
				if got := storedIncidents(t, dsn); len(got) != 0 {
					t.Fatalf("%d incidents of a bad file stored, want none", len(got))
				}
			})
		}
	}
}
