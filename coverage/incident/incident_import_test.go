package incident_test

import (
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/partition"
)

// oneGrid locates every point with a positive longitude in grid G1.
type oneGrid struct{}

func (oneGrid) Locate(p orb.Point) (partition.GridID, bool) { return "G1", p[0] > 0 }

func TestImported(t *testing.T) {
	at := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	admin := incident.Actor{Role: incident.ActorAdmin}
	tests := []struct {
		status incident.Status
		events int
		err    bool
	}{
		{"", 1, false}, {incident.StatusDiscovered, 1, false}, {incident.StatusClosed, 2, false},
		{incident.StatusHandling, 2, false}, {incident.StatusDuplicate, 0, true}, {incident.StatusEscalated, 0, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			inc, err := incident.Imported(incident.Incident{ID: "I1", Category: "x", Location: orb.Point{1, 1}, Status: tt.status},
				admin, at, "imported", oneGrid{})
			if tt.err {
				if err == nil {
					t.Fatalf("imported as %q", tt.status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.status
			if want == "" {
				want = incident.StatusReported
			}
			if inc.Status != want || len(inc.Events) != tt.events || inc.Events[len(inc.Events)-1].To != want || inc.Grid != "G1" {
				t.Fatalf("got status %q grid %q events %+v", inc.Status, inc.Grid, inc.Events)
			}
		})
	}
}

// TestLocateUnplanned: an incident filed with no plan is located when one
// is published, with an event; it is located once only; an escalated one
// keeps its level; one in no grid is flagged outside_grids.
func TestLocateUnplanned(t *testing.T) {
	at := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	admin := incident.Actor{Role: incident.ActorAdmin}
	file := func(lon float64) incident.Incident {
		t.Helper()
		inc, err := incident.Create(incident.Incident{ID: "I1", Category: "x", Location: orb.Point{lon, 1},
			Flags: []string{incident.FlagNoPlan}}, admin, at, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	inc := file(1)
	if inc.Level != incident.LevelStreet || slices.Contains(inc.Flags, incident.FlagOutsideGrids) {
		t.Fatalf("filed with no plan: level %s flags %v", inc.Level, inc.Flags)
	}
	if !incident.LocateUnplanned(&inc, "P1", oneGrid{}, at.Add(time.Hour)) {
		t.Fatal("not located")
	}
	last := inc.Events[len(inc.Events)-1]
	if inc.Grid != "G1" || inc.Level != incident.LevelGrid || len(inc.Flags) != 0 || last.Actor != incident.ActorSystem ||
		last.From != last.To || last.Note != "located on the publication of plan P1: in grid G1" {
		t.Fatalf("located: %+v", inc)
	}
	if incident.LocateUnplanned(&inc, "P2", oneGrid{}, at.Add(2*time.Hour)) {
		t.Fatal("located twice")
	}

	out := file(-1)
	incident.LocateUnplanned(&out, "P1", oneGrid{}, at)
	if out.Grid != "" || out.Level != incident.LevelStreet || !slices.Equal(out.Flags, []string{incident.FlagOutsideGrids}) {
		t.Fatalf("in no grid: %+v", out)
	}

	esc := file(1)
	if err := incident.Transition(&esc, incident.StatusEscalated, admin, at, "to the city"); err != nil {
		t.Fatal(err)
	}
	level := esc.Level
	incident.LocateUnplanned(&esc, "P1", oneGrid{}, at)
	if esc.Level != level || esc.Grid != "G1" {
		t.Fatalf("escalated: level %s grid %s, want %s G1", esc.Level, esc.Grid, level)
	}
}
