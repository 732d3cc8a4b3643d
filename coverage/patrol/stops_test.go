package patrol

import (
	"fmt"
	"testing"
)

// TestStopsResume: a scan of a worker's fixes cut anywhere, resumed from
// the cut's open fix with all the fixes from there on, finds the stops of
// one scan of all the fixes: those starting before the open fix are
// settled, the others are found again.
func TestStopsResume(t *testing.T) {
	roads, buildings := StreetLattice(tiananmen, 6, 100)
	pts, err := Simulate(SimOptions{Seed: 11, Day: day0, Roads: roads, Buildings: buildings, StopProb: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	all, open := Stops(pts, TrajectoryOptions{})
	if len(all) < 5 || open >= len(pts) {
		t.Fatalf("%d stops, open fix %d of %d: want several stops and an open fix", len(all), open, len(pts))
	}
	want := fmt.Sprint(all)
	cuts := 0
	for k := 1; k < len(pts); k += 97 {
		head, open := Stops(pts[:k], TrajectoryOptions{})
		var got []Stop
		for _, s := range head {
			if s.Start.Before(pts[open].Time) {
				got = append(got, s)
			}
		}
		tail, _ := Stops(pts[open:], TrajectoryOptions{})
		for _, s := range tail {
			s.First, s.Last = s.First+open, s.Last+open
			got = append(got, s)
		}
		if fmt.Sprint(got) != want {
			t.Fatalf("cut at fix %d (open %d): stops\n%v\nwant\n%v", k, open, got, all)
		}
		cuts++
	}
	if empty, open := Stops(nil, TrajectoryOptions{}); empty != nil || open != 0 {
		t.Errorf("no fixes: %v, open %d", empty, open)
	}
	t.Logf("%d cuts, %d stops", cuts, len(all))
}
