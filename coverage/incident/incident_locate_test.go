package incident_test

import (
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/geo"
	"wangge/partition"
)

func TestCreate(t *testing.T) {
	cases := []struct {
		name   string
		draft  incident.Incident
		actor  incident.Actor
		grid   partition.GridID
		level  incident.Level
		flags  []string
		status incident.Status
	}{
		{"in grid A", incident.Incident{ID: "I1", Category: "litter", Location: incidenttest.InA}, incidenttest.WorkerA, "G1", incident.LevelGrid, nil, incident.StatusReported},
		{"in grid B by the public", incident.Incident{ID: "I2", Category: "litter", Location: incidenttest.InB}, incidenttest.Public, "G2", incident.LevelGrid, nil, incident.StatusReported},
		{"discovered", incident.Incident{ID: "I3", Category: "litter", Location: incidenttest.InA, Status: incident.StatusDiscovered}, incidenttest.WorkerA, "G1", incident.LevelGrid, nil, incident.StatusDiscovered},
		{"outside every grid", incident.Incident{ID: "I4", Category: "litter", Location: incidenttest.Nowhere}, incidenttest.WorkerA, "", incident.LevelStreet, []string{incident.FlagOutsideGrids}, incident.StatusReported},
		{"address only", incident.Incident{ID: "I5", Category: "litter", Address: "1 Main St", Grid: "G1", Flags: []string{incident.FlagNoLocation}}, incidenttest.Public, "", incident.LevelStreet, []string{incident.FlagNoLocation}, incident.StatusReported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc, err := incident.Create(c.draft, c.actor, incidenttest.T0, "seen", incidenttest.Index())
			if err != nil {
				t.Fatal(err)
			}
			if inc.Grid != c.grid || inc.Level != c.level || !slices.Equal(inc.Flags, c.flags) || inc.Status != c.status {
				t.Fatalf("grid %q level %s flags %v status %s", inc.Grid, inc.Level, inc.Flags, inc.Status)
			}
			want := incident.Event{Time: incidenttest.T0, Actor: c.actor.String(), To: c.status, Level: c.level, Note: "seen"}
			if len(inc.Events) != 1 || inc.Events[0] != want || !inc.Reported.Equal(incidenttest.T0) || inc.Reporter != c.actor.Worker {
				t.Errorf("events %+v reported %v reporter %q", inc.Events, inc.Reported, inc.Reporter)
			}
		})
	}
}

func TestCreateRefused(t *testing.T) {
	ok := incident.Incident{ID: "I1", Category: "litter", Location: incidenttest.InA}
	with := func(f func(*incident.Incident)) incident.Incident { d := ok; f(&d); return d }
	cases := []struct {
		name  string
		draft incident.Incident
		actor incident.Actor
		zero  bool
		want  error
	}{
		{"no id", with(func(d *incident.Incident) { d.ID = "" }), incidenttest.WorkerA, false, incident.ErrCreate},
		{"no category", with(func(d *incident.Incident) { d.Category = "" }), incidenttest.WorkerA, false, incident.ErrCreate},
		{"starts accepted", with(func(d *incident.Incident) { d.Status = incident.StatusAccepted }), incidenttest.WorkerA, false, incident.ErrCreate},
		{"no time", ok, incidenttest.WorkerA, true, incident.ErrCreate},
		{"public discovers", with(func(d *incident.Incident) { d.Status = incident.StatusDiscovered }), incidenttest.Public, false, incident.ErrNotPermitted},
		{"unknown role", ok, incident.Actor{Role: "mayor"}, false, incident.ErrNotPermitted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := incidenttest.T0
			if c.zero {
				at = time.Time{}
			}
			if _, err := incident.Create(c.draft, c.actor, at, "", incidenttest.Index()); !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
}

// TestCurrentGrid moves the boundary between the two grids in a later plan:
// the incident keeps its grid at report time and CurrentGrid gives the new
// one.
func TestCurrentGrid(t *testing.T) {
	inc := incidenttest.New(t, "I1")
	moved := []partition.Grid{
		{ID: "G1", Parent: "C1", Geometry: incidenttest.Square(117.49, 34.80, 0.01)},
		{ID: "G2", Parent: "C1", Geometry: orb.MultiPolygon{{{{117.50, 34.80}, {117.52, 34.80}, {117.52, 34.81}, {117.50, 34.81}, {117.50, 34.80}}}}},
	}
	later := incident.NewGridIndex(moved)
	if g, ok := incident.CurrentGrid(inc, later); !ok || g != "G2" {
		t.Errorf("current grid %q %v, want G2", g, ok)
	}
	if inc.Grid != "G1" {
		t.Errorf("grid at report time %q, want G1", inc.Grid)
	}
	if g, ok := incident.CurrentGrid(incident.Incident{Location: incidenttest.InA, Flags: []string{incident.FlagNoLocation}}, later); ok {
		t.Errorf("an incident without location is in %q", g)
	}
	if p := later.Parents(); p["G1"] != "C1" || len(p) != 2 {
		t.Errorf("parents %v", p)
	}
}

// TestGridIndexProvidence locates a point inside every real census block of
// Providence among the 15 council wards built from those blocks; the ward
// attribute of the block is the independent answer.
func TestGridIndexProvidence(t *testing.T) {
	const name = "../../../shared/data/blocks/providence_blocks.geojson"
	f, err := os.Open(name)
	if err != nil {
		t.Skipf("missing %s: %v", name, err)
	}
	defer f.Close()
	blocks, err := partition.ReadBlocks(f, name, "id")
	if err != nil {
		t.Fatal(err)
	}
	grids, err := partition.PlanFromField(blocks, "ward", "population")
	if err != nil {
		t.Fatal(err)
	}
	ix := incident.NewGridIndex(grids)
	for _, b := range blocks {
		p, ok := interiorPoint(b.Geometry)
		if !ok {
			continue
		}
		got, found := ix.Locate(p)
		if want := b.Attrs["ward"]; !found || got != partition.GridID(want) {
			t.Errorf("block %s (ward %s): point %v located in %q", b.ID, want, p, got)
		}
	}
}

// interiorPoint is geo.InteriorPoint of the largest-bounded polygon of mp.
func interiorPoint(mp orb.MultiPolygon) (orb.Point, bool) {
	if len(mp) == 0 {
		return orb.Point{}, false
	}
	poly := mp[0]
	for _, p := range mp[1:] {
		if b, c := p.Bound(), poly.Bound(); (b.Max[0]-b.Min[0])*(b.Max[1]-b.Min[1]) > (c.Max[0]-c.Min[0])*(c.Max[1]-c.Min[1]) {
			poly = p
		}
	}
	return geo.InteriorPoint(poly)
}
