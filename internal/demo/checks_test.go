package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/osm"
	"wangge/data/sample"
	"wangge/geo"
	"wangge/internal/app"
	"wangge/partition"
	"wangge/server"
)

// containing lists the grids of plan whose geometry holds the point, by
// planar point-in-polygon, independently of the grid index the demo
// locates incidents with.
func containing(plan partition.Plan, inc incident.Incident) []partition.GridID {
	var out []partition.GridID
	for _, g := range plan.Grids {
		if planar.MultiPolygonContains(g.Geometry, inc.Location) {
			out = append(out, g.ID)
		}
	}
	return out
}

// checkDemoIncidents checks the synthetic incidents: labelled, reported
// by a worker where its track was at that moment, in the grid that holds
// their location (or flagged outside every grid), with their events in
// order and the whole loop represented, escalation and feedback included,
// and no event after the simulated day.
func checkDemoIncidents(t *testing.T, s data.Store, plan partition.Plan, fixes map[patrol.WorkerID][]patrol.TrackPoint, day time.Time) {
	t.Helper()
	incs, err := s.Incidents(context.Background(), data.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != demoIncidentCount {
		t.Fatalf("store holds %d incidents, want %d", len(incs), demoIncidentCount)
	}
	status := make(map[incident.Status]int)
	escalated := 0
	for _, inc := range incs {
		status[inc.Status]++
		if !strings.HasPrefix(string(inc.ID), patrol.SyntheticPrefix) || !strings.Contains(inc.Description, "Synthetic") {
			t.Errorf("incident %s (%q) is not labelled synthetic", inc.ID, inc.Description)
		}
		in := containing(plan, inc)
		switch outside := slices.Contains(inc.Flags, incident.FlagOutsideGrids); {
		case outside && len(in) > 0:
			t.Errorf("incident %s is flagged outside the grids but lies in %v", inc.ID, in)
		case !outside && (len(in) != 1 || in[0] != inc.Grid):
			t.Errorf("incident %s has grid %q but lies in %v", inc.ID, inc.Grid, in)
		}
		if len(inc.Events) == 0 || inc.Events[0].From != "" || inc.Events[len(inc.Events)-1].To != inc.Status {
			t.Errorf("incident %s: events %+v do not lead to %s", inc.ID, inc.Events, inc.Status)
			continue
		}
		for i, e := range inc.Events {
			if i > 0 && (e.From != inc.Events[i-1].To || e.Time.Before(inc.Events[i-1].Time)) {
				t.Errorf("incident %s: event %d %+v does not follow %+v", inc.ID, i, e, inc.Events[i-1])
			}
			if !e.Time.Before(day.AddDate(0, 0, 1)) {
				t.Errorf("incident %s: event %d at %v, after the simulated day", inc.ID, i, e.Time)
			}
			if e.To == incident.StatusEscalated {
				escalated++
			}
		}
		if (inc.Status == incident.StatusClosed) != (inc.Satisfied != nil && inc.Score > 0) {
			t.Errorf("incident %s is %s with feedback %v/%d", inc.ID, inc.Status, inc.Satisfied, inc.Score)
		}
		checkAtStop(t, inc, fixes[inc.Reporter])
	}
	for _, st := range []incident.Status{incident.StatusReported, incident.StatusAccepted,
		incident.StatusHandling, incident.StatusResolved, incident.StatusClosed, incident.StatusEscalated} {
		if status[st] == 0 {
			t.Errorf("no incident is %s: %v", st, status)
		}
	}
	if escalated == 0 || escalated > demoIncidentCount/5 {
		t.Errorf("%d incidents went up a level, want a few", escalated)
	}
}

// checkAtStop checks that the reporter's track was within a stop's reach
// of the incident when it was reported: the fixes just before and after
// lie within 100 m (the 50 m stop radius plus GPS noise).
func checkAtStop(t *testing.T, inc incident.Incident, track []patrol.TrackPoint) {
	t.Helper()
	i, _ := slices.BinarySearchFunc(track, inc.Reported, func(p patrol.TrackPoint, at time.Time) int { return p.Time.Compare(at) })
	if i == 0 || i == len(track) {
		t.Errorf("incident %s reported at %v, outside the track of %s", inc.ID, inc.Reported, inc.Reporter)
		return
	}
	for _, p := range track[i-1 : i+1] {
		if d := geo.Distance(p.Point, inc.Location); d > 100 {
			t.Errorf("incident %s: %s was %.0f m away at %v", inc.ID, inc.Reporter, d, p.Time)
		}
	}
}

// checkDemoKeyPlaces checks the key places: labelled, in their grid,
// without names, visited only when a worker's fix lies within 150 m at
// the visit (the stop's end: its last fix is within the 50 m stop radius
// of the stop's first fix, which is within 50 m of the stop's centre,
// which is within the 50 m visit radius of the place), and some visited,
// some overdue.
func checkDemoKeyPlaces(t *testing.T, s data.Store, plan partition.Plan, fixes []patrol.TrackPoint) {
	t.Helper()
	places, err := s.KeyPlaces(context.Background(), data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	basic := 0
	for _, g := range plan.Grids {
		if g.Kind == partition.Basic {
			basic++
		}
	}
	if len(places) == 0 || len(places) > demoPlacesPerGrid*basic {
		t.Fatalf("%d key places, want some and at most %d per basic grid", len(places), demoPlacesPerGrid)
	}
	visited := 0
	for _, k := range places {
		in := containing(plan, incident.Incident{Location: k.Location})
		if !strings.HasPrefix(string(k.ID), patrol.SyntheticPrefix) || !slices.Contains(demoPlaceCategories, k.Category) ||
			k.VisitInterval != 7*24*time.Hour || len(in) != 1 || in[0] != k.Grid {
			t.Errorf("key place %+v (in grids %v)", k, in)
		}
		if k.LastVisited.IsZero() {
			continue
		}
		visited++
		at := slices.IndexFunc(fixes, func(p patrol.TrackPoint) bool {
			return p.Time.Equal(k.LastVisited) && geo.Distance(p.Point, k.Location) <= 150
		})
		if at < 0 {
			t.Errorf("key place %s visited at %v, when no worker was within 150 m", k.ID, k.LastVisited)
		}
	}
	if visited == 0 || visited == len(places) {
		t.Errorf("%d of %d key places visited, want some visited and some overdue", visited, len(places))
	}
}

// checkServedBlocks serves the demo store on a real port and reads the
// blocks back with a viewer token: all of them, each with the OSM
// attribution.
func checkServedBlocks(t *testing.T, s data.Store, ws *Workspace) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	secret, _, err := app.CreateToken(ctx, s, data.RoleViewer, "", "")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: s, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ctx)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, server.URL(addr)+server.APIPrefix+"/blocks?limit=10000", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET blocks: %s, %v", resp.Status, err)
	}
	if len(fc.Features) != len(ws.osm.Blocks) {
		t.Errorf("API serves %d blocks, the demo built %d", len(fc.Features), len(ws.osm.Blocks))
	}
	for i, f := range fc.Features {
		if attr, _ := f.Properties["attribution"].(string); attr != sample.Attribution {
			t.Errorf("block %d served with attribution %q, want %q", i, attr, sample.Attribution)
			break
		}
	}
}

// TestGridStreets checks which streets a grid's worker patrols on a
// 100 m square grid: the streets inside it and those along its outline,
// not a parallel street 50 m away, and of a street leaving the grid only
// the part within the reach.
func TestGridStreets(t *testing.T) {
	proj := geo.NewProjection(orb.Point{7.42, 43.73})
	at := func(x, y float64) orb.Point { return proj.Inverse(orb.Point{x, y}) }
	square := orb.Polygon{{at(0, 0), at(100, 0), at(100, 100), at(0, 100), at(0, 0)}}
	g := partition.Grid{ID: "G", Geometry: orb.MultiPolygon{square}}
	tests := []struct {
		name string
		line orb.LineString
		want int // segments kept
	}{
		{"inside", orb.LineString{at(20, 50), at(50, 50), at(80, 50)}, 2},
		{"along the outline", orb.LineString{at(0, 0), at(50, 0), at(100, 0)}, 2},
		{"5 m outside", orb.LineString{at(0, -5), at(100, -5)}, 1},
		{"50 m outside", orb.LineString{at(0, -50), at(50, -50), at(100, -50)}, 0},
		{"leaving", orb.LineString{at(50, 90), at(50, 110), at(50, 150), at(50, 200)}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := 0
			for _, run := range gridStreets([]osm.Road{{Line: tc.line}}, g) {
				got += len(run) - 1
			}
			if got != tc.want {
				t.Errorf("%d segments kept, want %d", got, tc.want)
			}
		})
	}
}
