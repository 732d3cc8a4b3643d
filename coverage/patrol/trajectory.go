package patrol

import (
	"math"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// Defaults of TrajectoryOptions, chosen for patrols on foot.
const (
	// DefaultStopRadius is 50 m: GPS noise of a phone indoors or beside
	// buildings is 5–15 m and wanders, so a worker standing at a door
	// produces fixes scattered over some 30–40 m; 50 m still tells two
	// neighbouring buildings apart in most estates.
	DefaultStopRadius = 50.0
	// DefaultStopMinDuration is 5 minutes: a household visit or an
	// errand, longer than waiting at a crossing.
	DefaultStopMinDuration = 5 * time.Minute
	// DefaultGapThreshold is 5 minutes without a fix: phones in patrol
	// apps report every 5–60 s, so a longer silence is a lost signal or a
	// phone switched off.
	DefaultGapThreshold = 5 * time.Minute
	// DefaultSimplifyTolerance is 10 m: below the GPS noise, so the
	// display line loses jitter but no street turn.
	DefaultSimplifyTolerance = 10.0
)

// TrajectoryOptions tune Trajectory. A zero field takes its default.
type TrajectoryOptions struct {
	StopRadius        float64       // metres
	StopMinDuration   time.Duration // shortest stop
	GapThreshold      time.Duration // longest time between fixes that is not a signal gap
	SimplifyTolerance float64       // metres, Douglas-Peucker tolerance of the display line
	// StopSilence, when more than 0, makes a silence of at least this long
	// (no fix) that ends within StopRadius of a stop's first fix a stop
	// however short the stop lasts, as trackintel's staypoints count a
	// phone that went quiet and came back at the same place. 0 (the
	// default) is off: a silence is no stay of its own, and the fixes
	// around it make a stop only when they span StopMinDuration.
	StopSilence time.Duration
	// NoLine leaves the display line and its times out (a month of figures
	// needs none).
	NoLine bool
	// Grids are the worker's own grid polygons, for the time inside and
	// outside them; none means all time counts as outside.
	Grids []orb.MultiPolygon
}

// WithDefaults fills the zero fields with the package defaults.
func (o TrajectoryOptions) WithDefaults() TrajectoryOptions {
	if o.StopRadius <= 0 {
		o.StopRadius = DefaultStopRadius
	}
	if o.StopMinDuration <= 0 {
		o.StopMinDuration = DefaultStopMinDuration
	}
	if o.GapThreshold <= 0 {
		o.GapThreshold = DefaultGapThreshold
	}
	if o.SimplifyTolerance <= 0 {
		o.SimplifyTolerance = DefaultSimplifyTolerance
	}
	return o
}

// Stop is a place where the worker stayed. First and Last index the fixes
// of the stop in the slice given to Trajectory.
type Stop struct {
	Worker   WorkerID  `json:"worker"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Duration Seconds   `json:"duration_s"`
	Center   orb.Point `json:"center"`   // mean of its fixes, lon, lat
	Radius   float64   `json:"radius_m"` // farthest fix from Center
	Fixes    int       `json:"fixes"`
	First    int       `json:"first"`
	Last     int       `json:"last"`
}

// Trip is the movement between two stops (or the start or end of the
// day). First and Last index its fixes.
type Trip struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Duration Seconds   `json:"duration_s"`
	Distance float64   `json:"distance_m"`
	Fixes    int       `json:"fixes"`
	First    int       `json:"first"`
	Last     int       `json:"last"`
}

// Gap is a signal gap: more than GapThreshold between two fixes.
type Gap struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Duration Seconds   `json:"duration_s"`
	From     orb.Point `json:"from"`
	To       orb.Point `json:"to"`
	Distance float64   `json:"distance_m"` // straight across the gap
}

// TrajectoryReport describes one worker's track, usually one day.
//
// Times: every interval between two consecutive fixes is either a signal
// gap (longer than GapThreshold), or part of a stop (both fixes in the
// same stop), or moving time; Duration = Moving + Stopped + Gaps. The time
// inside and outside the worker's grids splits the intervals that are not
// gaps: an interval counts inside when both fixes are inside a grid,
// outside when both are outside, and half each when it crosses a boundary.
// Distance is geodesic (geo.Distance) along all fixes, the straight line
// across each gap included, as PostGIS ST_Length(geography) measures the
// line through them.
type TrajectoryReport struct {
	Worker   WorkerID       `json:"worker"`
	Start    time.Time      `json:"start"`
	End      time.Time      `json:"end"`
	Fixes    int            `json:"fixes"`
	Distance float64        `json:"distance_m"`
	Duration Seconds        `json:"duration_s"`
	Moving   Seconds        `json:"moving_s"`
	Stopped  Seconds        `json:"stopped_s"`
	GapTime  Seconds        `json:"gap_s"`
	Inside   Seconds        `json:"inside_grids_s"`
	Outside  Seconds        `json:"outside_grids_s"`
	Trips    []Trip         `json:"trips"`
	Stops    []Stop         `json:"stops"`
	Gaps     []Gap          `json:"gaps"`
	Line     orb.LineString `json:"line"`  // simplified, for display
	Times    []time.Time    `json:"times"` // Times[i] is when the worker was at Line[i]
}

// Trajectory analyses the fixes of one worker in time order (what Clean
// returns for one worker).
//
// Stop rule (the stay-point rule of Li et al. 2008, as scikit-mobility's
// stay_locations and MovingPandas' stop detector use it): starting from a
// fix i, the stop grows over the following fixes j while each lies within
// StopRadius of fix i (geodesic distance); when the last such fix is at
// least StopMinDuration after fix i, fixes i…j form a stop and the search
// goes on after j, otherwise it goes on from i+1. So every fix of a stop
// lies within StopRadius of the stop's first fix, and a stop lasts at
// least StopMinDuration, or, with StopSilence on, holds a silence of at
// least StopSilence between two of its fixes. A signal gap inside a stop does not end it: a
// worker whose phone loses the sky in a stairwell and comes back at the
// same door has stayed. Trips are the runs of fixes between stops (a stop's
// first and last fix bound the trips beside it); a run of one fix is no
// trip.
func Trajectory(pts []TrackPoint, opts TrajectoryOptions) TrajectoryReport {
	o := opts.WithDefaults()
	var r TrajectoryReport
	if len(pts) == 0 {
		return r
	}
	r.Worker = pts[0].Worker
	r.Start, r.End = pts[0].Time, pts[len(pts)-1].Time
	r.Fixes = len(pts)
	r.Duration = Seconds(r.End.Sub(r.Start))

	scale := scales(pts)
	step := make([]float64, len(pts)) // step[i]: metres from fix i-1 to fix i
	for i := 1; i < len(pts); i++ {
		step[i] = stepLength(pts[i-1].Point, pts[i].Point, scale[i-1], scale[i])
		r.Distance += step[i]
	}
	r.Stops, _ = findStops(pts, scale, o)
	inStop := make([]bool, len(pts)) // inStop[i]: interval i-1 → i lies in a stop
	for _, s := range r.Stops {
		for i := s.First + 1; i <= s.Last; i++ {
			inStop[i] = true
		}
	}
	inside := insideFlags(pts, o.Grids)
	for i := 1; i < len(pts); i++ {
		dt := pts[i].Time.Sub(pts[i-1].Time)
		if dt > o.GapThreshold {
			r.GapTime += Seconds(dt)
			r.Gaps = append(r.Gaps, Gap{Start: pts[i-1].Time, End: pts[i].Time, Duration: Seconds(dt),
				From: pts[i-1].Point, To: pts[i].Point, Distance: step[i]})
			continue
		}
		if inStop[i] {
			r.Stopped += Seconds(dt)
		} else {
			r.Moving += Seconds(dt)
		}
		switch {
		case inside[i-1] && inside[i]:
			r.Inside += Seconds(dt)
		case !inside[i-1] && !inside[i]:
			r.Outside += Seconds(dt)
		default:
			r.Inside += Seconds(dt / 2)
			r.Outside += Seconds(dt - dt/2)
		}
	}
	r.Trips = trips(pts, r.Stops, step)
	if !o.NoLine {
		r.Line, r.Times = simplifyLine(pts, o.SimplifyTolerance)
	}
	return r
}

// Stops finds the stops of one worker's fixes, ordered by time, as
// Trajectory does, and open, the first fix whose stay reaches the last
// fix: the stops that start before it end where a fix leaves them, so
// fixes that come after the last change none of them, while the scan
// from open on depends only on pts[open:]. Stops of pts[open:] followed
// by later fixes are those of all the fixes from open on. open is
// len(pts) when pts is empty.
func Stops(pts []TrackPoint, opts TrajectoryOptions) (stops []Stop, open int) {
	return findStops(pts, scales(pts), opts.WithDefaults())
}

// findStops applies the stay-point rule documented on Trajectory; open is
// as on Stops.
func findStops(pts []TrackPoint, scale []metresPerDegree, o TrajectoryOptions) (stops []Stop, open int) {
	open = len(pts)
	for i := 0; i < len(pts); {
		near := newNearTest(pts[i].Point, scale[i], o.StopRadius)
		j := i
		for j+1 < len(pts) && near.within(pts[j+1].Point, scale[j+1]) {
			j++
		}
		if j == len(pts)-1 {
			open = min(open, i)
		}
		if j == i || !isStay(pts, i, j, o) {
			i++
			continue
		}
		stops = append(stops, newStop(pts, scale, i, j))
		i = j + 1
	}
	return stops, open
}

// isStay tells whether fixes first…last, all within StopRadius of the
// first, make a stop: they span StopMinDuration, or StopSilence is on and
// two consecutive fixes among them are at least StopSilence apart.
func isStay(pts []TrackPoint, first, last int, o TrajectoryOptions) bool {
	if pts[last].Time.Sub(pts[first].Time) >= o.StopMinDuration {
		return true
	}
	if o.StopSilence <= 0 {
		return false
	}
	for k := first + 1; k <= last; k++ {
		if pts[k].Time.Sub(pts[k-1].Time) >= o.StopSilence {
			return true
		}
	}
	return false
}

// metresPerDegree is geo.MetresPerDegree at a fix's latitude, or NaN
// beyond flatMaxLat degrees, where the metres per degree of longitude
// change too fast for the local estimate (flatDist2) to be trusted: every
// comparison with a NaN estimate is false, and the callers then fall back
// to geo.Distance.
type metresPerDegree struct{ lon, lat float64 }

const flatMaxLat = 85.0

func scaleAt(lat float64) metresPerDegree {
	if math.Abs(lat) > flatMaxLat {
		return metresPerDegree{math.NaN(), math.NaN()}
	}
	var s metresPerDegree
	s.lon, s.lat = geo.MetresPerDegree(lat)
	return s
}

// scales returns scaleAt each fix, computed once per fix so that the
// distances between near fixes (the steps, the stop rule's tests) take no
// trigonometry.
func scales(pts []TrackPoint) []metresPerDegree {
	out := make([]metresPerDegree, len(pts))
	for i, p := range pts {
		out[i] = scaleAt(p.Point[1])
	}
	return out
}

// flatDist2 is the squared local equirectangular estimate of the distance
// in metres between a and b, whose metres per degree are sa and sb: the
// differences of lon and lat scaled by the mean of both. Its relative
// error against geo.Distance grows with the square of the distance: a few
// parts in 10⁹ within 100 m, 2·10⁻⁷ within 1 km (TestFlatDist).
func flatDist2(a, b orb.Point, sa, sb metresPerDegree) float64 {
	dLon := b[0] - a[0]
	if dLon > 180 || dLon < -180 {
		dLon = math.Remainder(dLon, 360) // across the antimeridian
	}
	dx := dLon * (sa.lon + sb.lon) / 2
	dy := (b[1] - a[1]) * (sa.lat + sb.lat) / 2
	return dx*dx + dy*dy
}

// flatMaxStep is the longest step, in metres, measured by flatDist2
// rather than geo.Distance: so a day of 1000 km in such steps is off by
// millimetres.
const flatMaxStep = 100.0

// stepLength is the distance in metres from a to b, whose metres per
// degree are sa and sb.
func stepLength(a, b orb.Point, sa, sb metresPerDegree) float64 {
	if d2 := flatDist2(a, b, sa, sb); d2 < flatMaxStep*flatMaxStep {
		return math.Sqrt(d2)
	}
	return geo.Distance(a, b)
}

// nearTest decides geo.Distance(anchor, p) <= radius, fast: flatDist2
// (off by 2·10⁻⁷ at most within flatMaxNear metres) settles the clear
// cases, and geo.Distance the ones within 0.01% of the radius.
type nearTest struct {
	anchor    orb.Point
	scale     metresPerDegree
	radius    float64
	in2, out2 float64 // squared estimates surely within, surely beyond radius
}

// flatMaxNear is the largest radius, in metres, that nearTest settles by
// flatDist2.
const flatMaxNear = 1000.0

func newNearTest(anchor orb.Point, scale metresPerDegree, radius float64) nearTest {
	t := nearTest{anchor: anchor, scale: scale, radius: radius, in2: -1, out2: math.Inf(1)}
	if radius <= flatMaxNear {
		t.in2, t.out2 = 0.9999*radius*0.9999*radius, 1.0001*radius*1.0001*radius
	}
	return t
}

// within tells whether p, whose metres per degree are scale, lies within
// the radius.
func (t nearTest) within(p orb.Point, scale metresPerDegree) bool {
	switch d2 := flatDist2(t.anchor, p, t.scale, scale); {
	case d2 < t.in2:
		return true
	case d2 > t.out2:
		return false
	}
	return geo.Distance(t.anchor, p) <= t.radius
}

// newStop summarises fixes first…last, whose metres per degree are in
// scale, as a stop. Its radius is geodesic: flatDist2 from the centre
// (off by far less than 0.5% within a stop) picks the fixes that may be
// the farthest, and only those are measured by geo.Distance.
func newStop(pts []TrackPoint, scale []metresPerDegree, first, last int) Stop {
	var c orb.Point
	for _, p := range pts[first : last+1] {
		c[0] += p.Point[0]
		c[1] += p.Point[1]
	}
	n := float64(last - first + 1)
	c = orb.Point{c[0] / n, c[1] / n}
	sc := scaleAt(c[1])
	var far2 float64
	for i := first; i <= last; i++ {
		far2 = max(far2, flatDist2(c, pts[i].Point, sc, scale[i])) // NaN if any is
	}
	var radius float64
	for i := first; i <= last; i++ {
		// Within 1% of the farthest estimate (0.98 in squares), or no
		// estimate to trust.
		if !(flatDist2(c, pts[i].Point, sc, scale[i]) < 0.98*far2) {
			radius = max(radius, geo.Distance(c, pts[i].Point))
		}
	}
	d := pts[last].Time.Sub(pts[first].Time)
	return Stop{Worker: pts[first].Worker, Start: pts[first].Time, End: pts[last].Time,
		Duration: Seconds(d), Center: c, Radius: radius, Fixes: last - first + 1, First: first, Last: last}
}

// trips returns the runs of fixes between stops.
func trips(pts []TrackPoint, stops []Stop, step []float64) []Trip {
	var out []Trip
	add := func(first, last int) {
		if last <= first {
			return
		}
		t := Trip{Start: pts[first].Time, End: pts[last].Time, Fixes: last - first + 1, First: first, Last: last}
		t.Duration = Seconds(t.End.Sub(t.Start))
		for i := first + 1; i <= last; i++ {
			t.Distance += step[i]
		}
		out = append(out, t)
	}
	from := 0
	for _, s := range stops {
		add(from, s.First)
		from = s.Last
	}
	add(from, len(pts)-1)
	return out
}

// insideFlags tells for each fix whether it lies in one of grids.
func insideFlags(pts []TrackPoint, grids []orb.MultiPolygon) []bool {
	in := make([]bool, len(pts))
	if len(grids) == 0 {
		return in
	}
	ix := geo.NewIndex[int]()
	for i, g := range grids {
		ix.Insert(i, g)
	}
	for i, p := range pts {
		_, in[i] = ix.Lookup(p.Point)
	}
	return in
}
