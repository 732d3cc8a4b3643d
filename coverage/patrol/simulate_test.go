package patrol

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

func simDay(t *testing.T, o SimOptions) []simFix {
	t.Helper()
	if o.Roads == nil {
		o.Roads, o.Buildings = StreetLattice(tiananmen, 6, 100)
	}
	if o.Day.IsZero() {
		o.Day = day0
	}
	fixes, err := simulate(o)
	if err != nil {
		t.Fatal(err)
	}
	return fixes
}

func TestSimulateSpeeds(t *testing.T) {
	fixes := simDay(t, SimOptions{Seed: 1, Workers: 3, GapProb: -1})
	var moving []float64
	for i := 1; i < len(fixes); i++ {
		a, b := fixes[i-1], fixes[i]
		if a.Worker != b.Worker || !b.moving {
			continue
		}
		v := math.Hypot(b.truth[0]-a.truth[0], b.truth[1]-a.truth[1]) / DefaultSimInterval.Seconds()
		// Straight-line speed over a step is at most the walking speed
		// (less when the step turns a corner).
		if v > DefaultMaxWalkSpeed+1e-9 {
			t.Fatalf("fix %d: %.3f m/s", i, v)
		}
		moving = append(moving, v)
	}
	slices.Sort(moving)
	med := moving[len(moving)/2]
	if med < DefaultMinWalkSpeed || med > DefaultMaxWalkSpeed {
		t.Errorf("median walking speed %.3f m/s, want within [%v, %v]", med, DefaultMinWalkSpeed, DefaultMaxWalkSpeed)
	}
	if frac := float64(len(moving)) / float64(len(fixes)); frac < 0.3 || frac > 0.98 {
		t.Errorf("moving in %.0f%% of fixes: want walking and stops", 100*frac)
	}
}

// TestSimulateNoise checks the error of the fixes outside drift: for a
// two-dimensional normal error of RMS σ, the RMS is σ and a share
// 1 − 1/e ≈ 63.2% of errors is below σ.
func TestSimulateNoise(t *testing.T) {
	for _, noise := range []float64{5, 15} {
		t.Run(fmt.Sprintf("%.0f m", noise), func(t *testing.T) {
			fixes := simDay(t, SimOptions{Seed: 7, Workers: 4, Noise: noise})
			var sum2 float64
			below, n := 0, 0
			for _, f := range fixes {
				if f.drift {
					continue
				}
				d := math.Hypot(f.noisy[0]-f.truth[0], f.noisy[1]-f.truth[1])
				sum2 += d * d
				if d < noise {
					below++
				}
				n++
			}
			rms := math.Sqrt(sum2 / float64(n))
			if math.Abs(rms-noise) > 0.1*noise {
				t.Errorf("RMS error %.2f m, want %.0f ± 10%%", rms, noise)
			}
			if share := float64(below) / float64(n); math.Abs(share-(1-1/math.E)) > 0.05 {
				t.Errorf("%.3f of errors below σ, want %.3f", share, 1-1/math.E)
			}
		})
	}
}

func TestSimulateDeterministic(t *testing.T) {
	a, _ := Simulate(SimOptions{Seed: 3, Workers: 2, Roads: mustRoads(), Day: day0})
	b, _ := Simulate(SimOptions{Seed: 3, Workers: 2, Roads: mustRoads(), Day: day0})
	c, _ := Simulate(SimOptions{Seed: 4, Workers: 2, Roads: mustRoads(), Day: day0})
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Error("same seed, different days")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 3 and 4 gave the same day")
	}
	for _, p := range a {
		if !strings.HasPrefix(string(p.Worker), SyntheticPrefix) {
			t.Fatalf("worker %q is not labelled synthetic", p.Worker)
		}
	}
}

func mustRoads() []orb.LineString {
	roads, _ := StreetLattice(tiananmen, 4, 120)
	return roads
}

// TestSimulateStopsAndGaps runs Trajectory over simulated days: its stops
// lie at the buildings the walkers visit, and signal gaps appear only when
// asked for.
func TestSimulateStopsAndGaps(t *testing.T) {
	roads, buildings := StreetLattice(tiananmen, 6, 100)
	proj := geo.NewProjection(tiananmen)
	cases := []struct {
		name    string
		gapProb float64
		gaps    bool
	}{
		{"gaps", 0.02, true},
		{"no gaps", -1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := Simulate(SimOptions{Seed: 11, Day: day0, Roads: roads, Buildings: buildings, GapProb: tc.gapProb, DriftProb: -1})
			if err != nil {
				t.Fatal(err)
			}
			r := Trajectory(pts, TrajectoryOptions{})
			if (len(r.Gaps) > 0) != tc.gaps {
				t.Errorf("%d gaps", len(r.Gaps))
			}
			if len(r.Stops) == 0 {
				t.Fatal("no stop in an 8-hour day")
			}
			for _, s := range r.Stops {
				c := proj.Forward(s.Center)
				best := math.Inf(1)
				for _, b := range buildings {
					xy := proj.Forward(b)
					best = min(best, math.Hypot(c[0]-xy[0], c[1]-xy[1]))
				}
				// A stop's fixes are within 50 m of its first; its centre
				// sits near the building, or at worst on the way to it.
				if best > DefaultStopRadius {
					t.Errorf("stop at %v, %.0f m from the nearest building", s.Center, best)
				}
			}
		})
	}
}

func TestSimulateArea(t *testing.T) {
	roads, _ := StreetLattice(tiananmen, 6, 100)
	proj := geo.NewProjection(tiananmen)
	var square orb.Ring // 250 m across, the middle of the lattice
	for _, xy := range [][2]float64{{-125, -125}, {125, -125}, {125, 125}, {-125, 125}, {-125, -125}} {
		square = append(square, proj.Inverse(orb.Point{xy[0], xy[1]}))
	}
	area := orb.MultiPolygon{{square}}
	fixes := simDay(t, SimOptions{Seed: 5, Roads: roads, Area: area, Hours: 2})
	walked := newRoadGraph(roads, area).proj // the plane of the truth
	for _, f := range fixes {
		xy := proj.Forward(walked.Inverse(f.truth))
		if math.Abs(xy[0]) > 125.01 || math.Abs(xy[1]) > 125.01 {
			t.Fatalf("walker at %.1f, %.1f m, outside the area", xy[0], xy[1])
		}
	}
	_, err := Simulate(SimOptions{Roads: roads, Area: orb.MultiPolygon{geo.CellPolygon(geo.Cell(orb.Point{113.5, 22.2}, 9))}})
	if !errors.Is(err, ErrNoRoads) {
		t.Errorf("roads outside the area: err = %v, want ErrNoRoads", err)
	}
}

// Drift episodes push fixes 30–80 m off (plus the noise), and signal gaps
// last 2–10 minutes.
func TestSimulateDriftAndGaps(t *testing.T) {
	fixes := simDay(t, SimOptions{Seed: 2, Workers: 2, DriftProb: 0.05, GapProb: 0.02, Noise: 5})
	var worst float64
	drifting := 0
	for _, f := range fixes {
		if f.drift {
			drifting++
			worst = max(worst, math.Hypot(f.noisy[0]-f.truth[0], f.noisy[1]-f.truth[1]))
		}
	}
	if drifting == 0 || worst < 30 || worst > 80+5*5 {
		t.Errorf("%d drifting fixes, worst %.1f m off; want some, 30–105 m", drifting, worst)
	}
	pts := make([]TrackPoint, len(fixes))
	for i, f := range fixes {
		pts[i] = f.TrackPoint
	}
	gaps := 0
	for i := 1; i < len(pts); i++ {
		dt := pts[i].Time.Sub(pts[i-1].Time)
		if pts[i].Worker != pts[i-1].Worker || dt == DefaultSimInterval {
			continue
		}
		gaps++
		if dt < 2*time.Minute || dt > 10*time.Minute+2*DefaultSimInterval {
			t.Errorf("a gap of %v", dt)
		}
	}
	if gaps == 0 {
		t.Error("no signal gap")
	}
}
