package coverage

import (
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

func TestCreate(t *testing.T) {
	cases := []struct {
		name   string
		draft  Incident
		actor  Actor
		grid   partition.GridID
		level  Level
		flags  []string
		status IncidentStatus
	}{
		{"in grid A", Incident{ID: "I1", Category: "litter", Location: inA}, workerA, "G1", LevelGrid, nil, StatusReported},
		{"in grid B by the public", Incident{ID: "I2", Category: "litter", Location: inB}, public, "G2", LevelGrid, nil, StatusReported},
		{"discovered", Incident{ID: "I3", Category: "litter", Location: inA, Status: StatusDiscovered}, workerA, "G1", LevelGrid, nil, StatusDiscovered},
		{"outside every grid", Incident{ID: "I4", Category: "litter", Location: nowhere}, workerA, "", LevelStreet, []string{FlagOutsideGrids}, StatusReported},
		{"address only", Incident{ID: "I5", Category: "litter", Address: "1 Main St", Grid: "G1", Flags: []string{FlagNoLocation}}, public, "", LevelStreet, []string{FlagNoLocation}, StatusReported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc, err := Create(c.draft, c.actor, t0, "seen", testIndex())
			if err != nil {
				t.Fatal(err)
			}
			if inc.Grid != c.grid || inc.Level != c.level || !slices.Equal(inc.Flags, c.flags) || inc.Status != c.status {
				t.Fatalf("grid %q level %s flags %v status %s", inc.Grid, inc.Level, inc.Flags, inc.Status)
			}
			want := IncidentEvent{Time: t0, Actor: c.actor.String(), To: c.status, Level: c.level, Note: "seen"}
			if len(inc.Events) != 1 || inc.Events[0] != want || !inc.Reported.Equal(t0) || inc.Reporter != c.actor.Worker {
				t.Errorf("events %+v reported %v reporter %q", inc.Events, inc.Reported, inc.Reporter)
			}
		})
	}
}

func TestCreateRefused(t *testing.T) {
	ok := Incident{ID: "I1", Category: "litter", Location: inA}
	with := func(f func(*Incident)) Incident { d := ok; f(&d); return d }
	cases := []struct {
		name  string
		draft Incident
		actor Actor
		zero  bool
		want  error
	}{
		{"no id", with(func(d *Incident) { d.ID = "" }), workerA, false, ErrCreate},
		{"no category", with(func(d *Incident) { d.Category = "" }), workerA, false, ErrCreate},
		{"starts accepted", with(func(d *Incident) { d.Status = StatusAccepted }), workerA, false, ErrCreate},
		{"no time", ok, workerA, true, ErrCreate},
		{"public discovers", with(func(d *Incident) { d.Status = StatusDiscovered }), public, false, ErrNotPermitted},
		{"unknown role", ok, Actor{Role: "mayor"}, false, ErrNotPermitted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := t0
			if c.zero {
				at = time.Time{}
			}
			if _, err := Create(c.draft, c.actor, at, "", testIndex()); !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
}

// TestCurrentGrid moves the boundary between the two grids in a later plan:
// the incident keeps its grid at report time and CurrentGrid gives the new
// one.
func TestCurrentGrid(t *testing.T) {
	inc := newIncident(t, "I1")
	moved := []partition.Grid{
		{ID: "G1", Parent: "C1", Geometry: square(117.49, 34.80, 0.01)},
		{ID: "G2", Parent: "C1", Geometry: orb.MultiPolygon{{{{117.50, 34.80}, {117.52, 34.80}, {117.52, 34.81}, {117.50, 34.81}, {117.50, 34.80}}}}},
	}
	later := NewGridIndex(moved)
	if g, ok := CurrentGrid(inc, later); !ok || g != "G2" {
		t.Errorf("current grid %q %v, want G2", g, ok)
	}
	if inc.Grid != "G1" {
		t.Errorf("grid at report time %q, want G1", inc.Grid)
	}
	if g, ok := CurrentGrid(Incident{Location: inA, Flags: []string{FlagNoLocation}}, later); ok {
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
	const name = "../../shared/data/blocks/providence_blocks.geojson"
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
	ix := NewGridIndex(grids)
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
