package coverage

import (
	"math"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// plane is a local equirectangular projection: x = (lon−lon0)·kx,
// y = (lat−lat0)·ky, with the metres per degree of the ellipsoid at the
// origin (taken from geo.Projection). Two multiplications a fix.
type plane struct{ lon0, lat0, kx, ky float64 }

func newPlane(lon0, lat0 float64) plane {
	const d = 1e-4
	p := geo.NewProjection(orb.Point{lon0, lat0})
	e := p.Forward(orb.Point{lon0 + d, lat0})
	n := p.Forward(orb.Point{lon0, lat0 + d})
	return plane{lon0: lon0, lat0: lat0, kx: e[0] / d, ky: n[1] / d}
}

func (p plane) xy(lon, lat float64) (float64, float64) {
	return (lon - p.lon0) * p.kx, (lat - p.lat0) * p.ky
}

// bucketGrid files points (cell centres) in square buckets, in compressed
// rows: the points of bucket b are items[start[b]:start[b+1]].
type bucketGrid struct {
	minX, minY, size float64
	nx, ny           int
	start, items     []int32
}

func newBucketGrid(x, y []float64, size float64) bucketGrid {
	g := bucketGrid{size: size}
	if len(x) == 0 {
		return g
	}
	minX, minY, maxX, maxY := x[0], y[0], x[0], y[0]
	for i := range x {
		minX, maxX = min(minX, x[i]), max(maxX, x[i])
		minY, maxY = min(minY, y[i]), max(maxY, y[i])
	}
	g.minX, g.minY = minX, minY
	for (maxX-minX)/size*(maxY-minY)/size > maxBuckets {
		size *= 2
		g.size = size
	}
	g.nx = int((maxX-minX)/size) + 1
	g.ny = int((maxY-minY)/size) + 1
	g.start = make([]int32, g.nx*g.ny+1)
	of := func(i int) int {
		return int((y[i]-minY)/size)*g.nx + int((x[i]-minX)/size)
	}
	for i := range x {
		g.start[of(i)+1]++
	}
	for b := 1; b < len(g.start); b++ {
		g.start[b] += g.start[b-1]
	}
	g.items = make([]int32, len(x))
	fill := append([]int32(nil), g.start[:len(g.start)-1]...)
	for i := range x {
		b := of(i)
		g.items[fill[b]] = int32(i)
		fill[b]++
	}
	return g
}

// maxBuckets bounds the bucket array (16 MB of offsets); past it buckets
// grow, which only happens for grids spread wider than about 50 km.
const maxBuckets = 4 << 20

// span returns the bucket columns or rows [lo, hi] overlapping [a, b]
// along one axis of n buckets from origin; ok is false when none do.
func (g *bucketGrid) span(a, b, origin float64, n int) (lo, hi int, ok bool) {
	fa, fb := math.Floor((a-origin)/g.size), math.Floor((b-origin)/g.size)
	if fb < 0 || fa >= float64(n) {
		return 0, 0, false
	}
	return int(max(fa, 0)), int(min(fb, float64(n-1))), true
}

// segDist2 is the squared distance from (cx, cy) to the segment a–b.
func segDist2(ax, ay, bx, by, cx, cy float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = min(max(((cx-ax)*dx+(cy-ay)*dy)/l2, 0), 1)
	}
	ex, ey := ax+t*dx-cx, ay+t*dy-cy
	return ex*ex + ey*ey
}

// add walks the tracks and marks the cells each fix or segment covers.
func (cv *coverer) add(tracks []TrackPoint) {
	r := cv.o.Buffer
	r2 := r * r
	maxGap := cv.o.MaxInterpGap
	passGap := int64(cv.o.PassGap / time.Second)
	g := &cv.buckets
	if g.nx == 0 {
		return
	}
	var (
		prev    *TrackPoint
		px, py  float64
		run     int32 = -1
		dayLo   int64
		dayHi   int64 = math.MinInt64
		day     int
		dayBits = cv.dayWords * 64
	)
	for i := range tracks {
		p := &tracks[i]
		if !cv.inWindow(p.Time) {
			prev = nil
			continue
		}
		cv.fixes++
		if i == 0 || p.Worker != tracks[i-1].Worker {
			run++
		}
		x, y := cv.plane.xy(p.Point[0], p.Point[1])
		ax, ay := x, y
		if prev != nil && prev.Worker == p.Worker {
			if dt := p.Time.Sub(prev.Time); dt > 0 && dt <= maxGap {
				ax, ay = px, py
				cv.segments++
			}
		}
		prev, px, py = p, x, y
		ts := p.Time.Unix()
		if ts < dayLo || ts >= dayHi {
			m := midnight(p.Time, cv.o.Zone)
			dayLo, dayHi = m.Unix(), m.AddDate(0, 0, 1).Unix()
			day = int(math.Round(m.Sub(cv.firstDay).Hours() / 24))
		}
		x0, x1, okx := g.span(min(ax, x)-r, max(ax, x)+r, g.minX, g.nx)
		y0, y1, oky := g.span(min(ay, y)-r, max(ay, y)+r, g.minY, g.ny)
		if !okx || !oky {
			continue
		}
		for by := y0; by <= y1; by++ {
			row := by * g.nx
			for _, k := range g.items[g.start[row+x0]:g.start[row+x1+1]] {
				if segDist2(ax, ay, x, y, cv.x[k], cv.y[k]) > r2 {
					continue
				}
				if cv.lastRun[k] != run || ts-cv.lastTouch[k] > passGap {
					cv.passes[k]++
				}
				cv.lastRun[k], cv.lastTouch[k] = run, ts
				cv.last[k] = max(cv.last[k], ts)
				if day >= 0 && day < dayBits {
					cv.days[int(k)*cv.dayWords+day>>6] |= 1 << (day & 63)
				}
			}
		}
	}
	cv.runs = int(run) + 1
}
