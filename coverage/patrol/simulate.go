package patrol

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"
)

// SyntheticPrefix starts the worker id of every simulated fix: simulated
// patrols are synthetic data and say so wherever they go ("sim-" then the
// seed and the worker number, as in sim-42-03).
const SyntheticPrefix = "sim-"

// Defaults of SimOptions.
const (
	DefaultSimStart     = 8 * time.Hour // patrols start at 08:00 when no Start is given
	DefaultSimHours     = 8.0
	DefaultSimInterval  = 5 * time.Second
	DefaultMinWalkSpeed = 1.2  // m/s, an unhurried walk
	DefaultMaxWalkSpeed = 1.5  // m/s
	DefaultSimNoise     = 10.0 // m, RMS horizontal error of a phone in town (5–15 m)
	DefaultDriftProb    = 0.01 // per minute: about five drift episodes in 8 h
	DefaultGapProb      = 0.005
	DefaultStopProb     = 0.15 // at a node with a building near
)

// SimOptions tune Simulate. A zero field takes its default; a negative
// probability turns that behaviour off.
type SimOptions struct {
	Seed    uint64
	Workers int // default 1
	// Start is when the patrols start; when zero, DefaultSimStart (08:00)
	// on the calendar date of Day in Day's location.
	Start time.Time
	Day   time.Time
	Hours float64
	// Roads are walked (their vertices are the junctions); Area, when not
	// empty, keeps the roads whose segments' midpoints lie inside it (the
	// grid a worker patrols).
	Roads []orb.LineString
	Area  orb.MultiPolygon
	// Buildings are where workers stop: at a junction with a building
	// within 80 m, a worker walks to it with StopProb, stays 3–15
	// minutes, and walks back.
	Buildings []orb.Point
	StopProb  float64
	Interval  time.Duration // between fixes
	MinSpeed  float64       // m/s; each worker walks at a speed drawn from [MinSpeed, MaxSpeed]
	MaxSpeed  float64
	Noise     float64 // m, RMS horizontal GPS error
	DriftProb float64 // per minute, chance that a drift episode starts
	GapProb   float64 // per minute, chance that a 2–10 minute signal gap starts
}

func (o SimOptions) withDefaults() SimOptions {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.Start.IsZero() {
		y, m, d := o.Day.Date()
		o.Start = time.Date(y, m, d, 0, 0, 0, 0, o.Day.Location()).Add(DefaultSimStart)
	}
	if o.Hours <= 0 {
		o.Hours = DefaultSimHours
	}
	if o.Interval <= 0 {
		o.Interval = DefaultSimInterval
	}
	if o.MinSpeed <= 0 {
		o.MinSpeed = DefaultMinWalkSpeed
	}
	if o.MaxSpeed <= 0 {
		o.MaxSpeed = DefaultMaxWalkSpeed
	}
	if o.Noise == 0 {
		o.Noise = DefaultSimNoise
	}
	o.StopProb = probDefault(o.StopProb, DefaultStopProb)
	o.DriftProb = probDefault(o.DriftProb, DefaultDriftProb)
	o.GapProb = probDefault(o.GapProb, DefaultGapProb)
	return o
}

func probDefault(p, def float64) float64 {
	switch {
	case p == 0:
		return def
	case p < 0:
		return 0
	}
	return min(p, 1)
}

// Simulate makes one synthetic patrol day per worker: a random walk on
// the road network (no U-turn unless at a dead end), at a walking speed
// per worker, with stops at buildings, a fix every Interval with GPS noise
// (a first-order Gauss-Markov error of RMS Noise and 30 s correlation
// time, as phone errors wander rather than jump), occasional drift (the
// error ramps out to 30–80 m over 30 s, stays 30–90 s, ramps back) and
// signal gaps (no fixes for 2–10 minutes). Each fix carries Accuracy =
// Noise, Speed and Bearing of the true motion, and a battery running down
// from 100% at 5% an hour. The same options and Seed give the same
// points; workers are named SyntheticPrefix + seed + number. Fixes come
// grouped by worker in time order.
func Simulate(opts SimOptions) ([]TrackPoint, error) {
	fixes, err := simulate(opts)
	if err != nil {
		return nil, err
	}
	out := make([]TrackPoint, len(fixes))
	for i, f := range fixes {
		out[i] = f.TrackPoint
	}
	return out, nil
}

// simFix is a simulated fix with the truth behind it, for tests.
type simFix struct {
	TrackPoint
	truth  orb.Point // plane metres
	noisy  orb.Point // plane metres
	drift  bool      // inside a drift episode
	moving bool
}

func simulate(opts SimOptions) ([]simFix, error) {
	o := opts.withDefaults()
	if o.MinSpeed > o.MaxSpeed || o.Noise < 0 {
		return nil, fmt.Errorf("%w: speeds %v–%v m/s, noise %v m", ErrOption, o.MinSpeed, o.MaxSpeed, o.Noise)
	}
	g := newRoadGraph(o.Roads, o.Area)
	if len(g.nodes) < 2 {
		return nil, fmt.Errorf("%w: %d roads, none with a segment inside the area", ErrNoRoads, len(o.Roads))
	}
	near := g.nearBuildings(o.Buildings, stopReach)
	var out []simFix
	for w := 1; w <= o.Workers; w++ {
		rng := rand.New(rand.NewPCG(o.Seed, uint64(w)))
		wk := &walker{o: o, g: &g, near: near, rng: rng,
			id: WorkerID(fmt.Sprintf("%s%d-%02d", SyntheticPrefix, o.Seed, w))}
		out = wk.day(o.Start, out)
	}
	return out, nil
}

// unitNormal2 returns two independent standard normal numbers.
func unitNormal2(rng *rand.Rand) (float64, float64) {
	return rng.NormFloat64(), rng.NormFloat64()
}

// gaussMarkov advances a first-order Gauss-Markov error of stationary
// standard deviation sigma per axis by one step of correlation rho.
func gaussMarkov(rng *rand.Rand, e orb.Point, rho, sigma float64) orb.Point {
	a, b := unitNormal2(rng)
	k := sigma * math.Sqrt(1-rho*rho)
	return orb.Point{rho*e[0] + k*a, rho*e[1] + k*b}
}
