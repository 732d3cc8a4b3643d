package track

import (
	"cmp"
	"math"
	"slices"
	"time"

	"wangge/coverage/patrol"
	"wangge/geo"
)

// Defaults of CleanOptions, chosen for patrols on foot, bicycle or
// e-bike, with the odd car ride, in a Chinese city.
const (
	// DefaultMaxAccuracy drops fixes whose reported accuracy (68% radius)
	// is worse than 50 m: half a street block, the size of the things a
	// patrol is judged on (a building, a 25 m visit radius).
	DefaultMaxAccuracy = 50.0
	// DefaultMaxSpeed is 50 m/s (180 km/h): far above any patrol (walking
	// 1.4 m/s, e-bikes are limited to 25 km/h, urban roads to 60–80 km/h),
	// so that only fixes no vehicle in town could reach are dropped, and a
	// worker who takes the metro or a car is not cut off.
	DefaultMaxSpeed = 50.0
	// DefaultJumpDistance and DefaultJumpWindow define a spike: a fix more
	// than 200 m from both neighbours, which lie within 60 s of each
	// other. Going out 200 m and back in 60 s is 6.7 m/s or more, faster
	// than cycling in town; multipath spikes in street canyons are
	// typically hundreds of metres.
	DefaultJumpDistance = 200.0
	DefaultJumpWindow   = 60 * time.Second
	// DefaultFutureSlack lets a phone clock run up to a minute ahead of the
	// server's before its fixes count as from the future.
	DefaultFutureSlack = time.Minute
)

// CleanOptions tune Clean. A zero field takes its default; a negative
// threshold turns its check off.
type CleanOptions struct {
	// Now is the time fixes may not be later than (plus FutureSlack),
	// passed in by the caller; a zero Now turns the future check off.
	Now          time.Time
	FutureSlack  time.Duration
	MaxAccuracy  float64       // metres
	MaxSpeed     float64       // m/s
	JumpDistance float64       // metres
	JumpWindow   time.Duration // longest time between the neighbours of a spike
}

// CleanReport counts the fixes Clean kept and dropped, by reason. Each
// dropped fix counts under the first reason that applies, in the order of
// the fields.
type CleanReport struct {
	Input int `json:"input"` // fixes given
	Kept  int `json:"kept"`  // fixes returned

	Invalid   int `json:"invalid"`   // position not finite or out of range, zero time, NaN accuracy
	Future    int `json:"future"`    // later than Now + FutureSlack
	Accuracy  int `json:"accuracy"`  // accuracy worse than MaxAccuracy
	Duplicate int `json:"duplicate"` // same worker, time and position as a kept fix
	Conflict  int `json:"conflict"`  // same worker and time as a kept fix, another position
	Jump      int `json:"jump"`      // a spike, far from both neighbours that are close together
	Speed     int `json:"speed"`     // unreachable from the previous kept fix at MaxSpeed
}

// Add sums the counts of o into r, for a report over several runs.
func (r *CleanReport) Add(o CleanReport) {
	r.Input += o.Input
	r.Kept += o.Kept
	r.Invalid += o.Invalid
	r.Future += o.Future
	r.Accuracy += o.Accuracy
	r.Duplicate += o.Duplicate
	r.Conflict += o.Conflict
	r.Jump += o.Jump
	r.Speed += o.Speed
}

// Dropped is the number of fixes removed for any reason.
func (r CleanReport) Dropped() int { return r.Input - r.Kept }

// ByReason is the drops by reason, keyed by their JSON names, without the
// reasons nothing was dropped for.
func (r CleanReport) ByReason() map[string]int {
	m := map[string]int{}
	for reason, n := range map[string]int{
		"invalid": r.Invalid, "future": r.Future, "accuracy": r.Accuracy, "duplicate": r.Duplicate,
		"conflict": r.Conflict, "jump": r.Jump, "speed": r.Speed,
	} {
		if n > 0 {
			m[reason] = n
		}
	}
	return m
}

// withDefaults fills the zero fields.
func (o CleanOptions) withDefaults() CleanOptions {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MaxAccuracy, DefaultMaxAccuracy)
	def(&o.MaxSpeed, DefaultMaxSpeed)
	def(&o.JumpDistance, DefaultJumpDistance)
	if o.JumpWindow == 0 {
		o.JumpWindow = DefaultJumpWindow
	}
	if o.FutureSlack == 0 {
		o.FutureSlack = DefaultFutureSlack
	}
	return o
}

// Clean removes bad fixes from pts and returns the rest sorted by worker
// and then time, with at most one fix per worker and time, and counts
// what it dropped. pts is not modified. Per worker, in time order, it
// drops:
//
//   - invalid fixes, fixes later than opts.Now + FutureSlack, and fixes
//     whose accuracy is worse than MaxAccuracy (an accuracy of 0 means
//     "not reported" and passes);
//   - a fix at the same time as a kept one: a Duplicate when at the same
//     position, a Conflict otherwise (the first in input order is kept);
//   - spikes (Jump): a fix farther than JumpDistance from both its
//     neighbours while the neighbours are closer to each other than half
//     of either distance, and at most JumpWindow apart in time;
//   - speed outliers (Speed): a fix farther from the previous kept fix
//     than MaxSpeed allows in the time between them, after granting both
//     fixes their reported accuracy.
//
// Spikes go first so that a lone spike is not mistaken for the anchor of
// the speed check; the first fix of a worker is trusted as that anchor.
// Distances are geodesic (geo.Distance).
func Clean(pts []patrol.TrackPoint, opts CleanOptions) ([]patrol.TrackPoint, CleanReport) {
	o := opts.withDefaults()
	rep := CleanReport{Input: len(pts)}
	out := slices.Clone(pts)
	slices.SortStableFunc(out, func(a, b patrol.TrackPoint) int {
		return cmp.Or(cmp.Compare(a.Worker, b.Worker), a.Time.Compare(b.Time))
	})
	n := 0
	for lo := 0; lo < len(out); {
		hi := lo + 1
		for hi < len(out) && out[hi].Worker == out[lo].Worker {
			hi++
		}
		run := out[lo:hi]
		run = o.screen(run, &rep)
		run = o.despike(run, &rep)
		run = o.speedFilter(run, &rep)
		n += copy(out[n:], run)
		lo = hi
	}
	rep.Kept = n
	return slices.Clip(out[:n]), rep
}

// screen applies the checks that need no neighbours, and keeps one fix
// per time. run is one worker's fixes in time order; it is compacted in
// place.
func (o CleanOptions) screen(run []patrol.TrackPoint, rep *CleanReport) []patrol.TrackPoint {
	kept := run[:0]
	same := 0 // index in kept of the first fix with the current time
	for _, p := range run {
		switch {
		case !validFix(p):
			rep.Invalid++
			continue
		case !o.Now.IsZero() && o.FutureSlack >= 0 && p.Time.After(o.Now.Add(o.FutureSlack)):
			rep.Future++
			continue
		case o.MaxAccuracy >= 0 && p.Accuracy > o.MaxAccuracy:
			rep.Accuracy++
			continue
		}
		if len(kept) > 0 && kept[len(kept)-1].Time.Equal(p.Time) {
			if slices.ContainsFunc(kept[same:], func(k patrol.TrackPoint) bool { return k.Point == p.Point }) {
				rep.Duplicate++
			} else {
				rep.Conflict++
			}
			continue
		}
		same = len(kept)
		kept = append(kept, p)
	}
	return kept
}

// validFix reports whether a fix has a real position, time and accuracy.
func validFix(p patrol.TrackPoint) bool {
	lon, lat := p.Point[0], p.Point[1]
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 &&
		!p.Time.IsZero() && !math.IsNaN(p.Accuracy)
}

// despike drops spikes; run is in strictly increasing time order.
func (o CleanOptions) despike(run []patrol.TrackPoint, rep *CleanReport) []patrol.TrackPoint {
	if o.JumpDistance < 0 || o.JumpWindow < 0 || len(run) < 3 {
		return run
	}
	kept := run[:1]
	for i := 1; i < len(run); i++ {
		if i+1 < len(run) && o.spike(kept[len(kept)-1], run[i], run[i+1]) {
			rep.Jump++
			continue
		}
		kept = append(kept, run[i])
	}
	return kept
}

// spike reports whether p is a spike between prev and next.
func (o CleanOptions) spike(prev, p, next patrol.TrackPoint) bool {
	if next.Time.Sub(prev.Time) > o.JumpWindow {
		return false
	}
	d1 := geo.Distance(prev.Point, p.Point)
	if d1 <= o.JumpDistance {
		return false
	}
	d2 := geo.Distance(p.Point, next.Point)
	if d2 <= o.JumpDistance {
		return false
	}
	return geo.Distance(prev.Point, next.Point) < math.Min(d1, d2)/2
}

// speedFilter drops fixes the worker could not have reached from the
// previous kept fix; run is in strictly increasing time order.
func (o CleanOptions) speedFilter(run []patrol.TrackPoint, rep *CleanReport) []patrol.TrackPoint {
	if o.MaxSpeed < 0 || len(run) < 2 {
		return run
	}
	kept := run[:1]
	for _, p := range run[1:] {
		k := kept[len(kept)-1]
		reach := o.MaxSpeed*p.Time.Sub(k.Time).Seconds() + math.Max(k.Accuracy, 0) + math.Max(p.Accuracy, 0)
		if geo.Distance(k.Point, p.Point) > reach {
			rep.Speed++
			continue
		}
		kept = append(kept, p)
	}
	return kept
}
