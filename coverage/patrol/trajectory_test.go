package patrol

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// tiananmen is the origin of the synthetic tracks of these tests.
var tiananmen = orb.Point{116.3975, 39.9087}

// day0 is the morning the simulated days of these tests start.
var day0 = time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)

// planeTrack makes one worker's fixes from plane coordinates (metres east
// and north of tiananmen) and times in seconds after t0.
func planeTrack(t *testing.T, xy [][2]float64, secs []float64) []TrackPoint {
	t.Helper()
	if len(xy) != len(secs) {
		t.Fatalf("planeTrack: %d positions, %d times", len(xy), len(secs))
	}
	proj := geo.NewProjection(tiananmen)
	t0 := time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)
	pts := make([]TrackPoint, len(xy))
	for i := range xy {
		pts[i] = TrackPoint{Worker: "w1", Time: t0.Add(time.Duration(secs[i] * float64(time.Second))),
			Point: proj.Inverse(orb.Point{xy[i][0], xy[i][1]})}
	}
	return pts
}

// walkStayWalk is a day hand-built for its figures: 100 s walking east at
// 1 m/s (fixes every 10 s), 10 minutes standing at x = 100 m with fixes
// scattered ±8 m, 100 s walking on east at 1.5 m/s, a 20-minute signal
// gap over which the worker moved 300 m north, then 100 s walking north.
func walkStayWalk(t *testing.T) []TrackPoint {
	t.Helper()
	var xy [][2]float64
	var secs []float64
	for i := 0; i <= 10; i++ { // 0..100 s, x 0..100
		xy = append(xy, [2]float64{float64(i * 10), 0})
		secs = append(secs, float64(i*10))
	}
	jitter := [][2]float64{{8, 0}, {0, 8}, {-8, 0}, {0, -8}}
	for i := 1; i <= 20; i++ { // 130..700 s at x≈100
		j := jitter[i%4]
		xy = append(xy, [2]float64{100 + j[0], j[1]})
		secs = append(secs, float64(100+i*30))
	}
	xy = append(xy, [2]float64{100, 0})
	secs = append(secs, 730)   // last fix of the stop
	for i := 1; i <= 10; i++ { // 740..830 s, x 115..250
		xy = append(xy, [2]float64{100 + float64(i*15), 0})
		secs = append(secs, 730+float64(i*10))
	}
	for i := 0; i <= 10; i++ { // gap of 1200 s, then north
		xy = append(xy, [2]float64{250, 300 + float64(i*10)})
		secs = append(secs, 830+1200+float64(i*10))
	}
	return planeTrack(t, xy, secs)
}

func TestTrajectoryHandBuilt(t *testing.T) {
	pts := walkStayWalk(t)
	// The grid covers x < 150 m: the first walk, the stop and half of the
	// second walk.
	proj := geo.NewProjection(tiananmen)
	grid := orb.MultiPolygon{{{
		proj.Inverse(orb.Point{-50, -50}), proj.Inverse(orb.Point{150, -50}),
		proj.Inverse(orb.Point{150, 50}), proj.Inverse(orb.Point{-50, 50}), proj.Inverse(orb.Point{-50, -50}),
	}}}
	r := Trajectory(pts, TrajectoryOptions{Grids: []orb.MultiPolygon{grid}})

	t.Run("stop", func(t *testing.T) {
		if len(r.Stops) != 1 {
			t.Fatalf("stops = %d, want 1: %+v", len(r.Stops), r.Stops)
		}
		s := r.Stops[0]
		// The stay-point rule anchors the stop at fix 6 (x = 60 m, 60 s):
		// fixes 7…31 (the rest of the walk in and the scatter, at most
		// 48 m away) stay within 50 m of it, fix 32 (x = 115 m) does not.
		if s.First != 6 || s.Last != 31 || time.Duration(s.Duration) != 670*time.Second {
			t.Errorf("stop fixes %d…%d, %v; want 6…31, 670 s", s.First, s.Last, time.Duration(s.Duration))
		}
		if time.Duration(r.Stopped) != 670*time.Second {
			t.Errorf("stopped %v, want 670 s", time.Duration(r.Stopped))
		}
		// Centre: the mean of x = 60, 70, 80, 90, 100, the scatter
		// (mean 100) and 100: 2500/26 m.
		c := proj.Forward(s.Center)
		if math.Hypot(c[0]-2500.0/26, c[1]) > 0.01 {
			t.Errorf("stop centre at %.2f, %.2f m, want (%.2f, 0)", c[0], c[1], 2500.0/26)
		}
	})
	t.Run("gaps", func(t *testing.T) {
		if len(r.Gaps) != 1 || time.Duration(r.Gaps[0].Duration) != 1200*time.Second {
			t.Fatalf("gaps = %+v, want one of 1200 s", r.Gaps)
		}
		if math.Abs(r.Gaps[0].Distance-300) > 0.01 { // from (250,0) to (250,300)
			t.Errorf("gap distance %.2f m, want 300", r.Gaps[0].Distance)
		}
	})
	t.Run("times add up", func(t *testing.T) {
		sum := time.Duration(r.Moving + r.Stopped + r.GapTime)
		if sum != time.Duration(r.Duration) || time.Duration(r.Duration) != 2130*time.Second {
			t.Errorf("moving+stopped+gap = %v, duration %v, want 2130 s", sum, time.Duration(r.Duration))
		}
		if time.Duration(r.Inside+r.Outside) != time.Duration(r.Duration-r.GapTime) {
			t.Errorf("inside %v + outside %v != %v", time.Duration(r.Inside), time.Duration(r.Outside), time.Duration(r.Duration-r.GapTime))
		}
		// Outside: half the 10 s from x = 145 to 160 m, six steps from
		// 160 to 250 m, and the 100 s walk north.
		if got := time.Duration(r.Outside); got != 165*time.Second {
			t.Errorf("outside = %v, want 165 s", got)
		}
	})
	t.Run("distance", func(t *testing.T) {
		// 100 m east, the stop's scatter: 20 hops between points 8 m
		// off (100,0) in turn, 8√2 m each except the first and the
		// last (8 m), then 150 m east, 300 m across the gap, 100 m north.
		want := 100 + 8 + 19*8*math.Sqrt2 + 8 + 150 + 300 + 100
		if math.Abs(r.Distance-want) > 0.05 {
			t.Errorf("distance %.2f m, want %.2f", r.Distance, want)
		}
	})
	t.Run("trips", func(t *testing.T) {
		if len(r.Trips) != 2 || r.Trips[0].Last != r.Stops[0].First || r.Trips[1].First != r.Stops[0].Last {
			t.Errorf("trips %+v around stop %+v", r.Trips, r.Stops[0])
		}
	})
}

func TestTrajectoryNoStop(t *testing.T) {
	cases := []struct {
		name string
		xy   [][2]float64
		secs []float64
	}{
		{"too short", [][2]float64{{0, 0}, {5, 0}, {0, 5}}, []float64{0, 120, 290}},
		{"too far", [][2]float64{{0, 0}, {30, 0}, {60, 0}, {90, 0}}, []float64{0, 200, 400, 600}},
		{"empty", nil, nil},
		{"moving before and after a gap", [][2]float64{{0, 0}, {40, 0}, {150, 0}}, []float64{0, 30, 1230}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Trajectory(planeTrack(t, tc.xy, tc.secs), TrajectoryOptions{})
			if len(r.Stops) != 0 {
				t.Errorf("stops %+v, want none", r.Stops)
			}
			if len(tc.xy) > 0 && time.Duration(r.Moving+r.GapTime) != time.Duration(tc.secs[len(tc.secs)-1]*float64(time.Second)) {
				t.Errorf("moving %v + gaps %v, want all of it", time.Duration(r.Moving), time.Duration(r.GapTime))
			}
		})
	}
}

// A worker whose phone loses the signal and comes back at the same door
// has stayed: the gap is listed, and it lies inside a stop.
func TestTrajectoryStopOverGap(t *testing.T) {
	pts := planeTrack(t, [][2]float64{{0, 0}, {5, 0}, {3, 4}, {200, 0}}, []float64{0, 10, 1210, 1300})
	r := Trajectory(pts, TrajectoryOptions{})
	if len(r.Stops) != 1 || r.Stops[0].First != 0 || r.Stops[0].Last != 2 {
		t.Fatalf("stops %+v, want fixes 0…2", r.Stops)
	}
	if len(r.Gaps) != 1 || time.Duration(r.Stopped) != 10*time.Second || time.Duration(r.GapTime) != 1200*time.Second {
		t.Errorf("gaps %+v, stopped %v, gap time %v", r.Gaps, time.Duration(r.Stopped), time.Duration(r.GapTime))
	}
}

// A phone that goes quiet for 3 minutes and comes back 10 m away is a
// stay with StopSilence of 2 minutes, though shorter than StopMinDuration;
// not when the silence is shorter than StopSilence, nor when the worker
// comes back 80 m away, nor with StopSilence off.
func TestTrajectoryStopSilence(t *testing.T) {
	const silence = 2 * time.Minute
	cases := []struct {
		name  string
		back  [2]float64 // where the fix after the silence lies
		quiet float64    // seconds of silence
		opt   time.Duration
		stops int
	}{
		{"back at the door", [2]float64{10, 0}, 180, silence, 1},
		{"off", [2]float64{10, 0}, 180, 0, 0},
		{"silence too short", [2]float64{10, 0}, 100, silence, 0},
		{"back elsewhere", [2]float64{80, 0}, 180, silence, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Walking east at 1 m/s to x = 0, the silence, walking on east.
			xy := [][2]float64{{-60, 0}, {-30, 0}, {0, 0}, tc.back, {tc.back[0] + 20, 0}, {tc.back[0] + 40, 0}}
			secs := []float64{0, 30, 60, 60 + tc.quiet, 80 + tc.quiet, 100 + tc.quiet}
			r := Trajectory(planeTrack(t, xy, secs), TrajectoryOptions{StopSilence: tc.opt})
			if len(r.Stops) != tc.stops {
				t.Fatalf("stops %+v, want %d", r.Stops, tc.stops)
			}
			if tc.stops == 1 {
				s := r.Stops[0]
				if s.First != 1 || s.Last != 3 || time.Duration(r.Stopped) != time.Duration(tc.quiet+30)*time.Second {
					t.Errorf("stop %d…%d, stopped %v; want fixes 1…3 (within 50 m of fix 1), %v s", s.First, s.Last, time.Duration(r.Stopped), tc.quiet+30)
				}
			}
		})
	}
}

// nearTest must answer exactly as geo.Distance <= radius, also just
// inside and just outside the radius, far north, near the pole and
// across 180°.
func TestNearTest(t *testing.T) {
	for _, anchor := range []orb.Point{{116.4, 39.9}, {0, 0}, {25.0, 69.5}, {10, 89.9997}, {179.9997, -16.5}} {
		t.Run(fmt.Sprint(anchor), func(t *testing.T) {
			proj := geo.NewProjection(anchor)
			near := newNearTest(anchor, scaleAt(anchor[1]), 50)
			for deg := 0.0; deg < 360; deg += 7.5 {
				for _, r := range []float64{10, 49.4, 49.99, 49.999, 49.9999, 50.0001, 50.001, 50.01, 50.6, 80} {
					s, c := math.Sincos(deg * math.Pi / 180)
					p := proj.Inverse(orb.Point{r * s, r * c})
					if p[0] > 180 {
						p[0] -= 360
					}
					if got, want := near.within(p, scaleAt(p[1])), geo.Distance(anchor, p) <= 50; got != want {
						t.Errorf("%.2f m at %v°: within %v, geo.Distance says %v", r, deg, got, want)
					}
				}
			}
		})
	}
}

// flatDist2 agrees with geo.Distance as its comment says: to 3·10⁻⁹
// within flatMaxStep (so the steps it measures keep the day's distance
// within millimetres of PostGIS's) and to 2·10⁻⁷ within flatMaxNear (far
// less than the 0.01% nearTest relies on), anywhere within ±flatMaxLat.
func TestFlatDist(t *testing.T) {
	for _, tc := range []struct{ d, rel float64 }{{5, 3e-9}, {flatMaxStep, 3e-9}, {flatMaxNear, 2e-7}} {
		worst := 0.0
		for lat := -flatMaxLat; lat <= flatMaxLat; lat += 2.5 {
			a := orb.Point{179.99 - lat, lat}
			kx, ky := geo.MetresPerDegree(lat)
			for deg := 0.0; deg < 360; deg += 15 {
				s, c := math.Sincos(deg * math.Pi / 180)
				b := orb.Point{a[0] + tc.d*s/kx, a[1] + tc.d*c/ky}
				if math.Abs(b[1]) > flatMaxLat {
					continue
				}
				got, want := math.Sqrt(flatDist2(a, b, scaleAt(a[1]), scaleAt(b[1]))), geo.Distance(a, b)
				worst = max(worst, math.Abs(got-want)/want)
			}
		}
		if worst > tc.rel {
			t.Errorf("%g m: off by %.2g, want at most %g", tc.d, worst, tc.rel)
		}
	}
}

func TestSimplifyLine(t *testing.T) {
	cases := []struct {
		name string
		zig  float64 // metres off the straight line at every other fix
		want int     // vertices kept
	}{
		{"jitter below tolerance", 3, 2},
		{"zigzag above tolerance", 30, 11},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var xy [][2]float64
			var secs []float64
			for i := 0; i <= 10; i++ {
				y := 0.0
				if i%2 == 1 {
					y = tc.zig
				}
				xy = append(xy, [2]float64{float64(i * 50), y})
				secs = append(secs, float64(i*40))
			}
			pts := planeTrack(t, xy, secs)
			line := Trajectory(pts, TrajectoryOptions{}).Line
			if len(line) != tc.want {
				t.Fatalf("kept %d vertices, want %d", len(line), tc.want)
			}
			if line[0] != pts[0].Point || line[len(line)-1] != pts[len(pts)-1].Point {
				t.Errorf("ends moved: %v … %v", line[0], line[len(line)-1])
			}
		})
	}
}

func TestTrajectoryGeoJSON(t *testing.T) {
	r := Trajectory(walkStayWalk(t), TrajectoryOptions{})
	fc := r.GeoJSON()
	kinds := map[string]int{}
	for _, f := range fc.Features {
		kinds[f.Properties.MustString("kind")]++
	}
	if kinds["line"] != 1 || kinds["stop"] != len(r.Stops) || kinds["gap"] != len(r.Gaps) {
		t.Errorf("features by kind %v; stops %d, gaps %d", kinds, len(r.Stops), len(r.Gaps))
	}
}

// BenchmarkTrajectory analyses a simulated 8-hour patrol day (a fix every
// 5 s) and reports fixes per second.
func BenchmarkTrajectory(b *testing.B) {
	roads, buildings := StreetLattice(tiananmen, 6, 100)
	pts, err := Simulate(SimOptions{Seed: 1, Day: day0, Roads: roads, Buildings: buildings})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Trajectory(pts, TrajectoryOptions{})
	}
	b.ReportMetric(float64(len(pts))*float64(b.N)/b.Elapsed().Seconds(), "fixes/s")
}

// NoLine leaves out the display line and its times, and nothing else.
func TestTrajectoryNoLine(t *testing.T) {
	pts := walkStayWalk(t)
	full := Trajectory(pts, TrajectoryOptions{})
	bare := Trajectory(pts, TrajectoryOptions{NoLine: true})
	if len(full.Line) == 0 || len(full.Times) != len(full.Line) || bare.Line != nil || bare.Times != nil {
		t.Fatalf("line of %d points (%d times), and %d (%d times) without", len(full.Line), len(full.Times), len(bare.Line), len(bare.Times))
	}
	full.Line, full.Times = nil, nil
	if !reflect.DeepEqual(full, bare) {
		t.Errorf("figures differ without the line:\n%+v\n%+v", full, bare)
	}
}
