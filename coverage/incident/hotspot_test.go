package incident_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/partition"
)

// hotspotSet: three incidents at the same spot of grid A on day 1, one a
// metre away on day 2, one in grid B (about 950 m east) on day 1, one
// outside every grid and one with an address only.
func hotspotSet(t *testing.T) []incident.Incident {
	t.Helper()
	day := 24 * time.Hour
	drafts := []struct {
		at    time.Time
		draft incident.Incident
	}{
		{incidenttest.T0, incident.Incident{Location: incidenttest.InA}},
		{incidenttest.T0.Add(time.Hour), incident.Incident{Location: incidenttest.InA}},
		{incidenttest.T0.Add(2 * time.Hour), incident.Incident{Location: incidenttest.InA}},
		{incidenttest.T0.Add(day + time.Hour), incident.Incident{Location: orb.Point{incidenttest.InA[0] + 0.00001, incidenttest.InA[1]}}},
		{incidenttest.T0.Add(3 * time.Hour), incident.Incident{Location: incidenttest.InB}},
		{incidenttest.T0.Add(4 * time.Hour), incident.Incident{Location: incidenttest.Nowhere}},
		{incidenttest.T0.Add(5 * time.Hour), incident.Incident{Address: "somewhere", Flags: []string{incident.FlagNoLocation}}},
	}
	var out []incident.Incident
	for i, d := range drafts {
		d.draft.ID, d.draft.Category = incident.ID(rune('a'+i)), "litter"
		inc, err := incident.Create(d.draft, incidenttest.Public, d.at, "", incidenttest.Index())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, inc)
	}
	return out
}

func TestHotspots(t *testing.T) {
	set := hotspotSet(t)
	day := 24 * time.Hour
	type bin struct {
		at    orb.Point
		count int
		start string
	}
	// Ties in count run by cell index: the cell of nowhere (8930a24f…)
	// sorts before that of inB (8930b199…).
	cases := []struct {
		name string
		q    incident.HotspotQuery
		want []bin
	}{
		{"all time, res 9", incident.HotspotQuery{Resolution: 9}, []bin{{incidenttest.InA, 4, ""}, {incidenttest.Nowhere, 1, ""}, {incidenttest.InB, 1, ""}}},
		{"day 1 only", incident.HotspotQuery{Resolution: 9, From: incidenttest.T0, To: incidenttest.T0.Add(day)}, []bin{{incidenttest.InA, 3, ""}, {incidenttest.Nowhere, 1, ""}, {incidenttest.InB, 1, ""}}},
		{"per day", incident.HotspotQuery{Resolution: 9, From: incidenttest.T0, To: incidenttest.T0.Add(2 * day), Step: day}, []bin{
			{incidenttest.InA, 3, "2026-03-01T08:00:00Z"}, {incidenttest.Nowhere, 1, "2026-03-01T08:00:00Z"}, {incidenttest.InB, 1, "2026-03-01T08:00:00Z"},
			{incidenttest.InA, 1, "2026-03-02T08:00:00Z"}}},
		{"res 5 joins A and B", incident.HotspotQuery{Resolution: 5, From: incidenttest.T0, To: incidenttest.T0.Add(day)}, []bin{{incidenttest.InA, 4, ""}, {incidenttest.Nowhere, 1, ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fc, err := incident.Hotspots(set, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != len(c.want) {
				t.Fatalf("%d features, want %d", len(fc.Features), len(c.want))
			}
			for i, w := range c.want {
				f := fc.Features[i]
				poly, ok := f.Geometry.(orb.Polygon)
				if !ok || !planar.PolygonContains(poly, w.at) {
					t.Errorf("feature %d: %v does not contain %v", i, f.Geometry, w.at)
				}
				if planar.Area(poly) <= 0 {
					t.Errorf("feature %d: ring not counter-clockwise", i)
				}
				cell := h3.LatLngToCell(h3.NewLatLng(w.at[1], w.at[0]), c.q.Resolution)
				if f.Properties["cell"] != cell.String() || f.Properties["count"] != w.count || f.Properties["resolution"] != c.q.Resolution {
					t.Errorf("feature %d: properties %v, want cell %s count %d", i, f.Properties, cell, w.count)
				}
				if start, _ := f.Properties["start"].(string); start != w.start {
					t.Errorf("feature %d: start %q, want %q", i, start, w.start)
				}
			}
			if _, err := json.Marshal(fc); err != nil {
				t.Errorf("encode: %v", err)
			}
		})
	}
}

func TestHotspotsBadQuery(t *testing.T) {
	cases := map[string]incident.HotspotQuery{
		"resolution 16":      {Resolution: 16},
		"resolution -1":      {Resolution: -1},
		"step without start": {Resolution: 9, Step: time.Hour},
		"negative step":      {Resolution: 9, From: incidenttest.T0, Step: -time.Hour},
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := incident.Hotspots(nil, q); !errors.Is(err, incident.ErrHotspotQuery) {
				t.Errorf("err %v, want ErrHotspotQuery", err)
			}
		})
	}
}

func TestGridLoads(t *testing.T) {
	set := hotspotSet(t)
	households := map[partition.GridID]int{"G1": 500, "G2": 250, "G3": 1000}
	cases := []struct {
		name     string
		from, to time.Time
		want     []incident.GridLoad
	}{
		{"all time", time.Time{}, time.Time{}, []incident.GridLoad{
			{"G1", 4, 500, 8}, {"G2", 1, 250, 4}, {"", 2, 0, 0}, {"G3", 0, 1000, 0}}},
		{"first two hours", incidenttest.T0, incidenttest.T0.Add(2 * time.Hour), []incident.GridLoad{{"G1", 2, 500, 4}, {"G2", 0, 250, 0}, {"G3", 0, 1000, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := incident.GridLoads(set, households, c.from, c.to)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
