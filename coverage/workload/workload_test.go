package workload_test

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/coverage/workload/workloadtest"
	"wangge/partition"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func hours(h float64) patrol.Seconds { return patrol.Seconds(h * float64(time.Hour)) }

func TestEstimateByHand(t *testing.T) {
	c := workload.DefaultCoefficients()
	n := c.Estimate(workload.Holding{Households: 200, IncidentsPerMonth: 8.7, StreetM: 3000, KeyPlaces: []patrol.KeyPlace{
		{Category: "elderly-living-alone"},                                   // weekly, 20 min
		{Category: "hardship-household", VisitInterval: 10 * 24 * time.Hour}, // its own 10 days, 30 min
		{Category: "shop"}, // no such category: every 14 days, 20 min
	}})
	near(t, "households", n.Households, 200*3/60.0)
	near(t, "key places", n.KeyPlaces, 20/60.0+0.7*30/60+0.5*20/60)
	near(t, "incidents", n.Incidents, 8.7/(365.25/12/7)*1.5)
	near(t, "patrol", n.Patrol, 3000*5/1.2/3600)
	near(t, "total", n.Total, 10+(20/60.0+0.35+1/6.0)+8.7/(365.25/84)*1.5+3000*5/1.2/3600)
}

func TestLoadsFlags(t *testing.T) {
	c := workload.DefaultCoefficients()
	// 3 min a household: 600 households are 30 h, 1000 are 50 h, 800 40 h.
	r := c.Loads([]workload.GridInput{
		{ID: "A", Kind: partition.Basic, Holding: workload.Holding{Households: 600}, Workers: 1, TrackHours: 60, Handled: 4},
		{ID: "B", Kind: partition.Basic, Holding: workload.Holding{Households: 1000}, Workers: 1},
		{ID: "C", Kind: partition.Basic, Holding: workload.Holding{Households: 800}, Workers: 2},
		{ID: "D", Kind: partition.Dedicated, Holding: workload.Holding{Households: 2000}},
	}, 2)
	near(t, "mean", r.Mean, 40)
	near(t, "max deviation", r.MaxDeviationPct, 25)
	near(t, "A measured", r.Grids[0].Measured, 60/2.0+4*1.5/2)
	near(t, "C per worker", r.Grids[2].PerWorker, 20)
	for i, want := range [][]string{{}, {workload.FlagAboveMean, workload.FlagOverCapacity}, {}, {workload.FlagOverCapacity}} {
		if !slices.Equal(r.Grids[i].Flags, want) {
			t.Errorf("grid %s flags %v, want %v", r.Grids[i].Grid, r.Grids[i].Flags, want)
		}
	}
	if r.Overloaded != 2 {
		t.Errorf("%d overloaded, want 2", r.Overloaded)
	}
}

// scenario is one worker W1 of grid G1 in November 2026 (China Standard
// Time): key places K1 (elderly, weekly) and K2 (every 14 days), and
// incidents moved by W1 and W2.
type scenario struct {
	zone      *time.Location
	day       func(d, h, m int) time.Time
	w1        patrol.Worker
	places    []patrol.KeyPlace
	incidents []incident.Incident
}

func newScenario(t *testing.T) scenario {
	t.Helper()
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	s := scenario{zone: zone, w1: patrol.Worker{ID: "W1", Name: "一号", Role: patrol.RoleFullTime, Grids: []partition.GridID{"G1"}}}
	s.day = func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, zone) }
	s.places = []patrol.KeyPlace{
		{ID: "K1", Category: "elderly-living-alone", Location: orb.Point{117.5, 34.8}, VisitInterval: 7 * 24 * time.Hour, Grid: "G1"},
		{ID: "K2", Category: "disabled", Location: orb.Point{117.51, 34.8}, VisitInterval: 14 * 24 * time.Hour, Grid: "G1"},
		{ID: "K3", Category: "hardship-household", Location: orb.Point{117.52, 34.8}, VisitInterval: 30 * 24 * time.Hour, Grid: "G1", LastVisited: s.day(3, 10, 0)},
		{ID: "K4", Category: "hazard", Location: orb.Point{117.53, 34.8}, VisitInterval: 7 * 24 * time.Hour, Grid: "G1", LastVisited: s.day(20, 10, 0)},
	}
	w1 := incident.Actor{Role: incident.ActorWorker, Worker: "W1", Grids: []partition.GridID{"G1"}}
	w2 := incident.Actor{Role: incident.ActorWorker, Worker: "W2", Grids: []partition.GridID{"G1"}}
	mk := func(id incident.ID, cat string, status incident.Status, by incident.Actor, at time.Time, moves ...any) incident.Incident {
		inc, err := incident.Create(incident.Incident{ID: id, Category: cat, Status: status, Grid: "G1", Location: orb.Point{117.5, 34.8}}, by, at, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(moves); i += 3 {
			if err := incident.Transition(&inc, moves[i].(incident.Status), moves[i+1].(incident.Actor), moves[i+2].(time.Time), ""); err != nil {
				t.Fatal(err)
			}
		}
		return inc
	}
	s.incidents = []incident.Incident{
		// I1: discovered 09:00, reported 09:30, accepted, handled and resolved by W1 on the 5th.
		mk("I1", "environment", incident.StatusDiscovered, w1, s.day(5, 9, 0),
			incident.StatusReported, w1, s.day(5, 9, 30), incident.StatusAccepted, w1, s.day(5, 10, 0),
			incident.StatusHandling, w1, s.day(5, 11, 0), incident.StatusResolved, w1, s.day(5, 15, 0)),
		// I2: a base-information report by W1 on the 5th, never settled.
		mk("I2", "info", incident.StatusReported, w1, s.day(5, 11, 0)),
		// I3: W2's report, escalated by W1 on the 5th.
		mk("I3", "safety", incident.StatusReported, w2, s.day(4, 16, 0), incident.StatusEscalated, w1, s.day(5, 12, 0)),
		// I5: discovered by W1 on the 6th at 08:00, reported only at 12:00 (not prompt).
		mk("I5", "environment", incident.StatusDiscovered, w1, s.day(6, 8, 0), incident.StatusReported, w1, s.day(6, 12, 0)),
	}
	return s
}

// stopAt is a 20-minute stop 10 m from p ending at end.
func stopAt(p orb.Point, end time.Time) patrol.Stop {
	return patrol.Stop{Worker: "W1", Start: end.Add(-20 * time.Minute), End: end, Duration: hours(1.0 / 3), Center: orb.Point{p[0] + 0.0001, p[1]}}
}

func TestLogByHand(t *testing.T) {
	s := newScenario(t)
	tr := patrol.TrajectoryReport{Worker: "W1", Fixes: 2000, Distance: 4200, Moving: hours(1), Stopped: hours(0.5), GapTime: hours(1.0 / 6), Inside: hours(4000.0 / 3600),
		Stops: []patrol.Stop{stopAt(s.places[0].Location, s.day(5, 10, 20))}}
	l := workload.Log(workload.LogInput{Worker: s.w1, From: s.day(5, 0, 0), To: s.day(6, 0, 0), Zone: s.zone, Trajectory: tr, Coverage: 0.42,
		KeyPlaces: s.places, Stops: tr.Stops, Incidents: s.incidents, BaseInfoCategories: []string{"info"}})
	if l.Date != "2026-11-05" || l.Fixes != 2000 || l.DistanceM != 4200 || l.PatrolS != hours(1.5) || l.InsideS != hours(4000.0/3600) || l.Stops != 1 || l.Coverage != 0.42 {
		t.Errorf("figures %+v", l)
	}
	ids := func(xs ...string) []incident.ID {
		out := []incident.ID{}
		for _, x := range xs {
			out = append(out, incident.ID(x))
		}
		return out
	}
	// K1 visited by the stop; K2 never visited; K3 visited on the 3rd
	// (interval 30 days); K4's stored visit is after the day, so unknown
	// at its end: overdue as never visited.
	if want := []patrol.KeyPlaceID{"K1"}; !slices.Equal(l.KeyPlacesVisited, want) {
		t.Errorf("visited %v, want %v", l.KeyPlacesVisited, want)
	}
	if want := []patrol.KeyPlaceID{"K2", "K4"}; !slices.Equal(l.KeyPlacesOverdue, want) {
		t.Errorf("overdue %v, want %v", l.KeyPlacesOverdue, want)
	}
	for _, c := range []struct {
		name      string
		got, want []incident.ID
	}{
		{"discovered", l.Discovered, ids("I1", "I2")}, {"reported", l.Reported, ids("I1", "I2")},
		{"handled", l.Handled, ids("I1")}, {"escalated", l.Escalated, ids("I3")}, {"base info", l.BaseInfo, ids("I2")},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s %v, want %v", c.name, c.got, c.want)
		}
	}
}

// sheet is the hand-checked assessment of the scenario's November.
func sheet(t *testing.T) workload.Sheet {
	s := newScenario(t)
	places := s.places[:2] // K1 weekly, K2 every 14 days
	var stops []patrol.Stop
	for _, d := range []int{2, 9, 16, 23} { // K1 on four days: 30 ÷ 7 → 4 asked
		stops = append(stops, stopAt(places[0].Location, s.day(d, 10, 0)))
	}
	stops = append(stops, stopAt(places[1].Location, s.day(9, 11, 0))) // K2 on one day of the 2 asked
	days := []workload.DayLog{
		{Date: "2026-11-05", Fixes: 100, InsideS: hours(3), PatrolS: hours(4), DistanceM: 5000, BaseInfo: []incident.ID{"I2"}},
		{Date: "2026-11-06", Fixes: 100, InsideS: hours(5), PatrolS: hours(6), DistanceM: 7000},
	}
	return workload.Assess("2026-11", s.day(1, 0, 0), s.day(1, 0, 0).AddDate(0, 1, 0), workload.DefaultTargets(),
		[]workload.WorkerMonth{{Worker: s.w1, Days: days, Stops: stops, KeyPlaces: places, Incidents: s.incidents}})
}

func TestAssessByHand(t *testing.T) {
	sh := sheet(t)
	if len(sh.Workers) != 1 || len(sh.Workers[0].Items) != 5 {
		t.Fatalf("sheet %+v", sh)
	}
	w := sh.Workers[0]
	want := []struct {
		value, score float64
		evidence     []string
	}{
		{1, 15 * 1 / 20.0, []string{"I2"}},                       // base information: I2
		{8, 30 * 8 / 88.0, []string{"2026-11-05", "2026-11-06"}}, // 3 h + 5 h inside
		{0.5, 20 * 0.5, []string{"K2 1/2"}},                      // K1 kept (4 of 4), K2 missed
		{1, 15 * 1 / 10.0, []string{"I1"}},                       // I1 in 30 min; I5 after 4 h; I2 is no problem
		{1 / 3.0, 20 / 3.0 / 0.95, []string{"I3", "I5"}},         // of I1, I3, I5 only I1 settled
	}
	total := 0.0
	for i, it := range w.Items {
		near(t, it.Key+" value", it.Value, want[i].value)
		near(t, it.Key+" score", it.Score, want[i].score)
		if !slices.Equal(it.Evidence, want[i].evidence) {
			t.Errorf("%s evidence %v, want %v", it.Key, it.Evidence, want[i].evidence)
		}
		total += want[i].score
	}
	near(t, "total", w.Score, total)
	near(t, "max", sh.MaxScore, 100)
	if len(sh.Grids) != 1 || sh.Grids[0].Grid != "G1" {
		t.Errorf("grids %+v", sh.Grids)
	}
	near(t, "grid mean score", sh.Grids[0].MeanScore, total)
	var svg bytes.Buffer
	if err := w.WriteSVG(&svg, sh, workload.Zh); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(svg.String(), "<rect"); n != 4 || !strings.HasPrefix(svg.String(), "<svg") {
		t.Errorf("chart has %d bars, want 2 days × 2", n)
	}
}

// TestXLSXMatchesJSON opens the written workbook with Python's openpyxl,
// a reader other than the writer, and compares every number of the main
// table and every day with the JSON of the same sheet.
func TestXLSXMatchesJSON(t *testing.T) {
	workloadtest.CheckXLSX(t, sheet(t))
}

// BuildMonth carries the month's last visits from day to day: each day
// must be the Log of that day given all the month's stops so far (what
// LogInput.Stops asks for), with key places stored visited before, during
// and after the month.
func TestBuildMonthMatchesLog(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, zone)
	d := patrol.NewSynthDistrict(orb.Point{116.4, 39.9}, 1)
	pts, err := d.Patrol(start, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	w := patrol.Worker{ID: "w1", Role: patrol.RoleFullTime}
	for i := range pts {
		pts[i].Worker = w.ID
	}
	var places []patrol.KeyPlace
	for i, b := range d.Buildings[:min(12, len(d.Buildings))] {
		k := patrol.KeyPlace{ID: patrol.KeyPlaceID(string(rune('A' + i))), Location: b, VisitInterval: 48 * time.Hour}
		k.LastVisited = start.Add(time.Duration(i%4-1) * 30 * time.Hour) // before, in and after the month
		places = append(places, k)
	}
	days := workload.Days(start, start.AddDate(0, 0, 4), zone)
	in := workload.MonthInput{Worker: w, Fixes: pts, Grids: []orb.MultiPolygon{d.Grids[0].Geometry}, KeyPlaces: places}
	got := workload.BuildMonth(in, days, zone, nil)
	var stops []patrol.Stop
	visited := 0
	for i, day := range days {
		lo, _ := slices.BinarySearchFunc(pts, day[0], func(p patrol.TrackPoint, t time.Time) int { return p.Time.Compare(t) })
		hi, _ := slices.BinarySearchFunc(pts, day[1], func(p patrol.TrackPoint, t time.Time) int { return p.Time.Compare(t) })
		tr := patrol.Trajectory(pts[lo:hi], patrol.TrajectoryOptions{Grids: in.Grids, NoLine: true})
		stops = append(stops, tr.Stops...)
		want := workload.Log(workload.LogInput{Worker: w, From: day[0], To: day[1], Zone: zone, Trajectory: tr,
			KeyPlaces: places, Stops: stops})
		if !reflect.DeepEqual(got.Days[i], want) {
			t.Errorf("day %d:\n%+v\nwant\n%+v", i, got.Days[i], want)
		}
		visited += len(want.KeyPlacesVisited)
	}
	if visited == 0 || len(stops) == 0 {
		t.Errorf("%d stops, %d visits: the test proves nothing", len(stops), visited)
	}
}
