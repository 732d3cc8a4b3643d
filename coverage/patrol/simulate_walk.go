package patrol

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"
)

// Timing of the simulated behaviours.
const (
	simCorrelation = 30 * time.Second // GPS error correlation time
	driftRamp      = 30 * time.Second
	stopReach      = 80.0 // m from a junction to a building worth a visit
)

// walker is one simulated worker during its day.
type walker struct {
	o    SimOptions
	g    *roadGraph
	near [][]orb.Point
	rng  *rand.Rand
	id   WorkerID

	speed      float64
	pos        orb.Point // true position, plane metres
	node, from int       // node reached last, and the one before
	path       []waypoint
	dwell      time.Duration // time left standing at a building

	// drift episode: elapsed time (negative when none), hold, size, direction
	driftAt, driftHold time.Duration
	driftSize          float64
	driftDir           orb.Point
}

// waypoint is a point ahead: a node of the graph, or a building (node −1)
// where the worker stays dwell.
type waypoint struct {
	p     orb.Point
	node  int
	dwell time.Duration
}

// day appends the worker's fixes from start on.
func (w *walker) day(start time.Time, out []simFix) []simFix {
	o := w.o
	w.speed = o.MinSpeed + w.rng.Float64()*(o.MaxSpeed-o.MinSpeed)
	w.node = w.rng.IntN(len(w.g.nodes))
	w.from = -1
	w.pos = w.g.nodes[w.node]
	w.driftAt = -1

	sigma := o.Noise / math.Sqrt2 // per axis
	rho := math.Exp(-o.Interval.Seconds() / simCorrelation.Seconds())
	a, b := unitNormal2(w.rng)
	e := orb.Point{sigma * a, sigma * b}
	perStep := func(p float64) float64 { return 1 - math.Pow(1-p, o.Interval.Minutes()) }
	pDrift, pGap := perStep(o.DriftProb), perStep(o.GapProb)

	steps := int(o.Hours * 3600 / o.Interval.Seconds())
	var gapUntil time.Time
	for i := 0; i <= steps; i++ {
		t := start.Add(time.Duration(i) * o.Interval)
		before := w.pos
		if i > 0 {
			w.advance(o.Interval)
			e = gaussMarkov(w.rng, e, rho, sigma)
		}
		off, drifting := w.drift(pDrift)
		if !t.Before(gapUntil) && w.rng.Float64() < pGap {
			gapUntil = t.Add(2*time.Minute + time.Duration(w.rng.Float64()*float64(8*time.Minute)))
		}
		if t.Before(gapUntil) {
			continue
		}
		dx, dy := w.pos[0]-before[0], w.pos[1]-before[1]
		moved := math.Hypot(dx, dy)
		noisy := orb.Point{w.pos[0] + e[0] + off[0], w.pos[1] + e[1] + off[1]}
		f := simFix{truth: w.pos, noisy: noisy, drift: drifting, moving: moved > 0}
		f.TrackPoint = TrackPoint{Worker: w.id, Time: t, Point: w.g.proj.Inverse(noisy),
			Accuracy: o.Noise, Battery: 100 - 5*t.Sub(start).Hours()}
		if i > 0 && moved > 0 {
			f.Speed = moved / o.Interval.Seconds()
			f.Bearing = math.Mod(math.Atan2(dx, dy)*180/math.Pi+360, 360)
		}
		out = append(out, f)
	}
	return out
}

// advance moves the worker for dt along its path, planning the next leg at
// each junction, and stands still while it dwells at a building.
func (w *walker) advance(dt time.Duration) {
	if w.dwell > 0 {
		w.dwell -= dt
		return
	}
	left := w.speed * dt.Seconds()
	for left > 0 {
		if len(w.path) == 0 {
			w.plan()
		}
		wp := w.path[0]
		d := math.Hypot(wp.p[0]-w.pos[0], wp.p[1]-w.pos[1])
		if d > left {
			f := left / d
			w.pos = orb.Point{w.pos[0] + f*(wp.p[0]-w.pos[0]), w.pos[1] + f*(wp.p[1]-w.pos[1])}
			return
		}
		left -= d
		w.pos = wp.p
		w.path = w.path[1:]
		if wp.node >= 0 && wp.node != w.node {
			w.from, w.node = w.node, wp.node
		}
		if wp.dwell > 0 {
			w.dwell = wp.dwell
			return
		}
	}
}

// plan chooses what to do at the junction reached: sometimes visit a
// building near it, otherwise walk on to a neighbour, not back the way it
// came unless the road ends.
func (w *walker) plan() {
	if near := w.near[w.node]; len(near) > 0 && w.rng.Float64() < w.o.StopProb {
		b := near[w.rng.IntN(len(near))]
		dwell := 3*time.Minute + time.Duration(w.rng.Float64()*float64(12*time.Minute))
		w.path = append(w.path, waypoint{p: b, node: -1, dwell: dwell},
			waypoint{p: w.g.nodes[w.node], node: w.node})
		return
	}
	next := w.g.adj[w.node]
	if len(next) > 1 && w.from >= 0 {
		choices := make([]int, 0, len(next)-1)
		for _, n := range next {
			if n != w.from {
				choices = append(choices, n)
			}
		}
		next = choices
	}
	n := next[w.rng.IntN(len(next))]
	w.path = append(w.path, waypoint{p: w.g.nodes[n], node: n})
}

// drift returns the drift offset of this step: an episode starts with
// probability p, ramps out over driftRamp, holds, and ramps back.
func (w *walker) drift(p float64) (orb.Point, bool) {
	if w.driftAt < 0 {
		if w.rng.Float64() >= p {
			return orb.Point{}, false
		}
		w.driftAt = 0
		w.driftHold = 30*time.Second + time.Duration(w.rng.Float64()*float64(time.Minute))
		w.driftSize = 30 + 50*w.rng.Float64()
		a := 2 * math.Pi * w.rng.Float64()
		w.driftDir = orb.Point{math.Cos(a), math.Sin(a)}
	} else {
		w.driftAt += w.o.Interval
	}
	var k float64
	switch t := w.driftAt; {
	case t < driftRamp:
		k = t.Seconds() / driftRamp.Seconds()
	case t < driftRamp+w.driftHold:
		k = 1
	case t < 2*driftRamp+w.driftHold:
		k = (2*driftRamp + w.driftHold - t).Seconds() / driftRamp.Seconds()
	default:
		w.driftAt = -1
		return orb.Point{}, false
	}
	return orb.Point{k * w.driftSize * w.driftDir[0], k * w.driftSize * w.driftDir[1]}, true
}
