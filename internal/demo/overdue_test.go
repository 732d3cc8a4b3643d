package demo

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	orbgeo "github.com/paulmach/orb/geo"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
)

// TestOverdueIncremental replays the demo's patrol day: the key places
// start never visited, and two servers on one store ask for the overdue
// places of every grid every 7 minutes of the day, each reading the fixes
// of the hour before it (the clock's), one worker's fixes of 10:00–11:00
// uploaded late, at 14:00. The last answer is the one of a computation
// from scratch over all the fixes near the places, as the route made it
// before visits were examined incrementally; the requests after the
// first read far fewer fixes than the day's.
func TestOverdueIncremental(t *testing.T) {
	ctx := context.Background()
	s, _, _ := buildDemo(t)
	places, err := s.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range places {
		places[i].LastVisited = time.Time{}
	}
	if err := s.PutKeyPlaces(ctx, places); err != nil {
		t.Fatal(err)
	}
	all, err := s.TrackPoints(ctx, data.TrackQuery{})
	if err != nil {
		t.Fatal(err)
	}
	first, last := all[0].Time, all[0].Time
	for _, p := range all {
		first, last = minT(first, p.Time), maxT(last, p.Time)
	}
	// The fixes a phone kept offline: the half hour up to the last visit
	// of a place, by the worker who made it.
	full := fromScratch(t, s, places, first, last.Add(time.Second))
	var lateWorker patrol.WorkerID
	var lateTo time.Time
search:
	for _, k := range full {
		for _, p := range all {
			if !k.LastVisited.IsZero() && p.Time.Equal(k.LastVisited) && orbgeo.Distance(p.Point, k.Location) < patrol.DefaultVisitRadius+50 {
				lateWorker, lateTo = p.Worker, k.LastVisited.Add(time.Second)
				break search
			}
		}
	}
	late, err := s.TrackPoints(ctx, data.TrackQuery{Worker: lateWorker, From: lateTo.Add(-30 * time.Minute), To: lateTo})
	if err != nil || len(late) == 0 {
		t.Fatalf("%d late fixes, %v", len(late), err)
	}
	if _, err := s.DeleteTrackPoints(ctx, data.TrackQuery{Worker: lateWorker, From: late[0].Time, To: lateTo}); err != nil {
		t.Fatal(err)
	}

	var clock time.Time
	servers := make([]*app.App, 2)
	for i := range servers {
		if servers[i], err = app.New(app.Options{Store: s, Now: func() time.Time { return clock }}); err != nil {
			t.Fatal(err)
		}
	}
	// ref is the places as the route had them when it read every fix of
	// the week at each request: the answers must be the same at every one.
	ref := places
	visits, requests := 0, 0
	for clock = first; clock.Before(last.Add(15 * time.Minute)); clock = clock.Add(7 * time.Minute) {
		if late != nil && clock.After(lateTo.Add(time.Hour)) {
			if _, err := s.PutTrackPoints(ctx, late); err != nil {
				t.Fatal(err)
			}
			late = nil
		}
		ans, err := servers[requests%2].OverdueVisits(ctx, access.Operator, "", 7)
		if err != nil {
			t.Fatal(err)
		}
		visits += ans.Visits
		requests++
		ref = fromScratch(t, s, ref, ans.Since, clock)
		got, err := json.Marshal(ans.Grids)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(patrol.Overdue(ref, clock))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("request %d at %v: incremental answer\n%s\nwant, from scratch,\n%s", requests, clock, got, want)
		}
		stored, err := s.KeyPlaces(ctx, data.BBoxQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range stored {
			if !k.LastVisited.Equal(ref[i].LastVisited) {
				t.Fatalf("request %d at %v: %s last visited %v, from scratch %v", requests, clock, k.ID, k.LastVisited, ref[i].LastVisited)
			}
		}
	}
	// A place added where a worker stopped in the day is found visited.
	added := patrol.KeyPlace{ID: "zz-added", Category: "disabled", Location: all[0].Point, VisitInterval: 24 * time.Hour, Grid: ref[0].Grid}
	if err := servers[0].PutKeyPlaces(ctx, access.Operator, []patrol.KeyPlace{added}); err != nil {
		t.Fatal(err)
	}
	if ans, err := servers[1].OverdueVisits(ctx, access.Operator, "", 7); err != nil || ans.Visits != 1 {
		t.Fatalf("after a place was added at the first fix: %d visits found, %v; want it visited", ans.Visits, err)
	}
	if late != nil || visits == 0 {
		t.Fatalf("late fixes not uploaded (%v), %d visits found over %d requests", late == nil, visits, requests)
	}
	t.Logf("%d requests, %d visits found", requests, visits)
}

// fromScratch is places visited by the stops of every worker's fixes in
// [since, now) in the box of the places, found in one scan of each: the
// route before visits were examined incrementally.
func fromScratch(t *testing.T, s data.Store, places []patrol.KeyPlace, since, now time.Time) []patrol.KeyPlace {
	box := places[0].Location.Bound()
	for _, p := range places[1:] {
		box = box.Extend(p.Location)
	}
	box = orbgeo.BoundPad(box, patrol.DefaultVisitRadius+200)
	pts, err := s.TrackPoints(context.Background(), data.TrackQuery{From: since, To: now, BBox: &box})
	if err != nil {
		t.Fatal(err)
	}
	var stops []patrol.Stop
	for lo := 0; lo < len(pts); {
		hi := lo + 1
		for hi < len(pts) && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		stops = append(stops, patrol.Trajectory(pts[lo:hi], patrol.TrajectoryOptions{}).Stops...)
		lo = hi
	}
	return patrol.Visits(places, stops, patrol.DefaultVisitRadius)
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
