package coverage

import (
	"math"
	"sync"
	"time"
	"wangge/coverage/patrol"
)

// visits is the visit state of every cell, in dense arrays by cell
// number, with the counts of the walk that filled it.
type visits struct {
	lastRun   []int32 // run of the last touch; -1 never
	lastTouch []int64 // unix seconds of the last touch in that run
	last      []int64 // unix seconds of the latest visit; 0 never
	passes    []int32
	days      []uint64 // dayWords bits per cell: bit d for day d since firstDay

	fixes, segments, runs int
}

func newVisits(cells, dayWords int) visits {
	v := visits{lastRun: make([]int32, cells), lastTouch: make([]int64, cells),
		last: make([]int64, cells), passes: make([]int32, cells), days: make([]uint64, cells*dayWords)}
	for i := range v.lastRun {
		v.lastRun[i] = -1
	}
	return v
}

// merge adds the visits of another shard, whose runs are other workers.
func (v *visits) merge(o *visits) {
	for k := range v.last {
		v.last[k] = max(v.last[k], o.last[k])
		v.passes[k] += o.passes[k]
	}
	for i := range v.days {
		v.days[i] |= o.days[i]
	}
	v.fixes += o.fixes
	v.segments += o.segments
	v.runs += o.runs
}

// add walks the tracks, split into n shards walked in parallel, cut at
// changes of worker (a worker's run is never split), and merges them.
func (cv *coverer) add(tracks []patrol.TrackPoint, n int) {
	shards := shardBounds(tracks, n)
	parts := make([]visits, len(shards)-1)
	var wg sync.WaitGroup
	for s := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[s] = newVisits(len(cv.cells), cv.dayWords)
			cv.walk(tracks[shards[s]:shards[s+1]], &parts[s])
		}()
	}
	wg.Wait()
	cv.v = parts[0]
	for s := 1; s < len(parts); s++ {
		cv.v.merge(&parts[s])
	}
}

// shardBounds cuts tracks into at most n pieces of about equal length,
// each cut where the worker changes.
func shardBounds(tracks []patrol.TrackPoint, n int) []int {
	bounds := []int{0}
	for s := 1; s < n; s++ {
		i := max(len(tracks)*s/n, bounds[len(bounds)-1]+1)
		for i < len(tracks) && tracks[i].Worker == tracks[i-1].Worker {
			i++
		}
		if i >= len(tracks) {
			break
		}
		bounds = append(bounds, i)
	}
	return append(bounds, len(tracks))
}

// walk marks the cells each fix or segment of tracks covers in v.
func (cv *coverer) walk(tracks []patrol.TrackPoint, v *visits) {
	r := cv.o.Buffer
	r2 := r * r
	reach2 := cv.near.reach * cv.near.reach
	maxGap := cv.o.MaxInterpGap
	passGap := int64(cv.o.PassGap / time.Second)
	if cv.buckets.nx == 0 {
		return
	}
	var (
		prev      *patrol.TrackPoint
		prevNs    int64
		px, py    float64
		run       int32 = -1
		runWorker patrol.WorkerID
		dayLo     int64
		dayHi     int64 = math.MinInt64
		day       int
		dayBits   = cv.dayWords * 64
	)
	touch := func(k int32, ts int64) {
		if v.lastRun[k] != run || ts-v.lastTouch[k] > passGap {
			v.passes[k]++
		}
		v.lastRun[k], v.lastTouch[k] = run, ts
		v.last[k] = max(v.last[k], ts)
		if day >= 0 && day < dayBits {
			v.days[int(k)*cv.dayWords+day>>6] |= 1 << (day & 63)
		}
	}
	from, to := windowNanos(cv.o.From, cv.o.To)
	maxGapNs := int64(maxGap)
	for i := range tracks {
		p := &tracks[i]
		ns := p.Time.UnixNano()
		if ns < from || ns >= to {
			prev = nil
			continue
		}
		v.fixes++
		if run < 0 || p.Worker != runWorker {
			run, runWorker = run+1, p.Worker
		}
		x, y := cv.plane.xy(p.Point[0], p.Point[1])
		ax, ay := x, y
		if prev != nil && prev.Worker == p.Worker {
			if dt := ns - prevNs; dt > 0 && dt <= maxGapNs {
				ax, ay = px, py
				v.segments++
			}
		}
		prev, prevNs, px, py = p, ns, x, y
		ts := ns / 1e9
		if ts < dayLo || ts >= dayHi {
			m := midnight(p.Time, cv.o.Zone)
			dayLo, dayHi = m.Unix(), m.AddDate(0, 0, 1).Unix()
			day = int(math.Round(m.Sub(cv.firstDay).Hours() / 24))
		}
		// The segment a→(x, y) as a + t·d, t in [0, 1]; inv is 1/|d|².
		dx, dy := x-ax, y-ay
		l2 := dx*dx + dy*dy
		inv := 0.0
		if l2 > 0 {
			inv = 1 / l2
		}
		covers := func(k int32) bool {
			cx, cy := cv.x[k]-ax, cv.y[k]-ay
			t := min(max((cx*dx+cy*dy)*inv, 0), 1)
			ex, ey := t*dx-cx, t*dy-cy
			return ex*ex+ey*ey <= r2
		}
		if l2 <= reach2 {
			for _, k := range cv.near.near(x, y) {
				if covers(k) {
					touch(k, ts)
				}
			}
			continue
		}
		g := &cv.buckets
		x0, x1, okx := g.span(min(ax, x)-r, max(ax, x)+r, g.minX, g.nx)
		y0, y1, oky := g.span(min(ay, y)-r, max(ay, y)+r, g.minY, g.ny)
		if !okx || !oky {
			continue
		}
		for by := y0; by <= y1; by++ {
			row := by * g.nx
			for _, k := range g.items[g.start[row+x0]:g.start[row+x1+1]] {
				if covers(k) {
					touch(k, ts)
				}
			}
		}
	}
	v.runs = int(run) + 1
}

// windowNanos is the window [from, to) in Unix nanoseconds, open ends
// widened to the extremes. Fix times are read as Unix nanoseconds too,
// which hold the years 1678–2262, those of any GPS fix.
func windowNanos(from, to time.Time) (lo, hi int64) {
	return toNanos(from, math.MinInt64), toNanos(to, math.MaxInt64)
}

// toNanos is t in Unix nanoseconds, clamped to what int64 holds; a zero t
// gives open.
func toNanos(t time.Time, open int64) int64 {
	switch {
	case t.IsZero():
		return open
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}
