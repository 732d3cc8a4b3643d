package access

import (
	"errors"
	"testing"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// TestPolicyMatrix checks every principal against every kind of scoped
// resource, in its own grid, another grid and (for workers) shared by
// both, for reading and for writing. The expectations are written out by
// hand, one letter a cell (Y allowed, N denied), in the order of
// resources below.
func TestPolicyMatrix(t *testing.T) {
	g1, g2 := partition.GridID("G1"), partition.GridID("G2")
	resources := []struct {
		name string
		r    Resource
	}{
		{"own grid", GridOf(g1)},
		{"other grid", GridOf(g2)},
		{"own worker", WorkerOf(patrol.Worker{ID: "W1", Grids: []partition.GridID{g1}})},
		{"other worker", WorkerOf(patrol.Worker{ID: "W2", Grids: []partition.GridID{g2}})},
		{"shared worker", WorkerOf(patrol.Worker{ID: "W3", Grids: []partition.GridID{g1, g2}})},
		{"own key place", KeyPlaceOf(patrol.KeyPlace{ID: "K1", Grid: g1})},
		{"other key place", KeyPlaceOf(patrol.KeyPlace{ID: "K2", Grid: g2})},
		{"own track", TrackOf("W1")},
		{"other track", TrackOf("W2")},
		{"report as self", ReportAs("W1")},
		{"report as other", ReportAs("W2")},
		{"plan", PlanOf("P1")},
	}
	cases := []struct {
		name        string
		p           Principal
		read, write string
	}{
		{"admin", Principal{Role: data.RoleAdmin}, "YYYYYYYYYYYY", "YYYYYYYYYYYY"},
		{"planner", Principal{Role: data.RolePlanner}, "YYNNNNNYYNNY", "YYNNNNNYYNNY"},
		{"leader of G1", Principal{Role: data.RoleLeader, Grid: g1}, "YNYNYYNYYYYY", "NNYNNYNYYYYN"},
		{"leader of no grid", Principal{Role: data.RoleLeader}, "NNNNNNNNNNNY", "NNNNNNNNNNNN"},
		{"worker W1", Principal{Role: data.RoleWorker, Worker: "W1"}, "NNYNNNNYNYNY", "NNNNNNNYNYNN"},
		{"worker of no one", Principal{Role: data.RoleWorker}, "NNNNNNNNNNNY", "NNNNNNNNNNNN"},
		{"viewer", Principal{Role: data.RoleViewer}, "NNNNNNNNNNNY", "NNNNNNNNNNNN"},
	}
	for _, c := range cases {
		for _, act := range []struct {
			a    Action
			want string
		}{{Read, c.read}, {Write, c.write}} {
			if len(act.want) != len(resources) {
				t.Fatalf("%s %s: %d expectations for %d resources", c.name, act.a, len(act.want), len(resources))
			}
			for i, res := range resources {
				t.Run(c.name+"/"+string(act.a)+"/"+res.name, func(t *testing.T) {
					err := Check(c.p, act.a, res.r)
					want := act.want[i] == 'Y'
					if (err == nil) != want {
						t.Fatalf("allowed = %v, want %v (%v)", err == nil, want, err)
					}
					var d *Denied
					if err != nil && (!errors.Is(err, ErrForbidden) || !errors.As(err, &d) || d.Reason == "") {
						t.Errorf("denial %v is not a *Denied with a reason wrapping ErrForbidden", err)
					}
				})
			}
		}
	}
}

// TestLeaderCannotNarrowASharedWorker is the case a tester found: a
// leader of one grid rewrote a worker shared by all grids to its own grid
// only. The stored worker is the resource, and it is not the leader's
// alone.
func TestLeaderCannotNarrowASharedWorker(t *testing.T) {
	leader := Principal{Role: data.RoleLeader, Grid: "G001", TokenID: "t1"}
	shared := patrol.Worker{ID: "sim-leader", Grids: []partition.GridID{"G001", "G002", "G003"}}
	err := Check(leader, Write, WorkerOf(shared))
	var d *Denied
	if !errors.As(err, &d) {
		t.Fatalf("err = %v, want *Denied", err)
	}
	const want = "worker sim-leader belongs to grids [G001 G002 G003]; a leader of grid G001 changes only workers of that grid alone"
	if d.Reason != want {
		t.Errorf("reason %q, want %q", d.Reason, want)
	}
}

func TestActor(t *testing.T) {
	cases := []struct {
		name    string
		p       Principal
		grids   []partition.GridID
		wantErr bool
		want    int // grids the actor holds
	}{
		{"admin", Principal{Role: data.RoleAdmin}, nil, false, 0},
		{"leader with its grid", Principal{Role: data.RoleLeader, Grid: "G1"}, nil, false, 1},
		{"worker with its grids", Principal{Role: data.RoleWorker, Worker: "W1"}, []partition.GridID{"G1", "G2"}, false, 2},
		{"worker token of no worker", Principal{Role: data.RoleWorker}, nil, true, 0},
		{"planner", Principal{Role: data.RolePlanner}, nil, true, 0},
		{"viewer", Principal{Role: data.RoleViewer}, nil, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Actor(c.p, c.grids)
			if (err != nil) != c.wantErr || !c.wantErr && len(a.Grids) != c.want {
				t.Fatalf("Actor = %+v, %v", a, err)
			}
			if err != nil && !errors.Is(err, ErrForbidden) {
				t.Errorf("err %v does not wrap ErrForbidden", err)
			}
		})
	}
}
