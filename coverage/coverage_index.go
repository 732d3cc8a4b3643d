package coverage

import (
	"math"

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
	minX, minY, maxX, maxY := extent(x, y)
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

// nearGrid answers the common case of the walk, a short segment, with one
// lookup: for each square of side size it lists the cell centres that a
// segment starting in the square and at most reach long can come within
// buffer of, that is the centres within buffer + reach + half the
// square's diagonal of the square's centre.
type nearGrid struct {
	minX, minY, size, reach float64
	inv                     float64 // 1/size
	nx, ny                  int
	start, items            []int32
}

// Sizes of the near grid: 10 m squares and segments up to 15 m (a fix
// every 10 s at walking speed) keep about three centres a list at the
// default buffer and resolution.
const (
	nearSize  = 10.0
	nearReach = 15.0
)

func newNearGrid(x, y []float64, buffer float64) nearGrid {
	g := nearGrid{size: nearSize, reach: nearReach}
	if len(x) == 0 {
		return g
	}
	minX, minY, maxX, maxY := extent(x, y)
	for {
		r := buffer + g.reach + g.size*math.Sqrt2/2
		g.minX, g.minY = minX-r, minY-r
		g.nx = int((maxX+r-g.minX)/g.size) + 1
		g.ny = int((maxY+r-g.minY)/g.size) + 1
		if g.nx*g.ny <= maxBuckets {
			break
		}
		g.size *= 2
	}
	g.inv = 1 / g.size
	r := buffer + g.reach + g.size*math.Sqrt2/2
	// Two passes over the squares around each centre: count, then fill.
	each := func(i int, fn func(b int)) {
		x0, x1 := int((x[i]-r-g.minX)/g.size), int((x[i]+r-g.minX)/g.size)
		y0, y1 := int((y[i]-r-g.minY)/g.size), int((y[i]+r-g.minY)/g.size)
		for by := max(y0, 0); by <= min(y1, g.ny-1); by++ {
			cy := g.minY + (float64(by)+0.5)*g.size
			for bx := max(x0, 0); bx <= min(x1, g.nx-1); bx++ {
				cx := g.minX + (float64(bx)+0.5)*g.size
				if math.Hypot(cx-x[i], cy-y[i]) <= r {
					fn(by*g.nx + bx)
				}
			}
		}
	}
	g.start = make([]int32, g.nx*g.ny+1)
	for i := range x {
		each(i, func(b int) { g.start[b+1]++ })
	}
	for b := 1; b < len(g.start); b++ {
		g.start[b] += g.start[b-1]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	fill := append([]int32(nil), g.start[:len(g.start)-1]...)
	for i := range x {
		each(i, func(b int) {
			g.items[fill[b]] = int32(i)
			fill[b]++
		})
	}
	return g
}

// near returns the centres a segment from (x, y) at most reach long can
// come close to: none when the point lies outside the grid.
func (g *nearGrid) near(x, y float64) []int32 {
	fx, fy := (x-g.minX)*g.inv, (y-g.minY)*g.inv
	if !(fx >= 0 && fy >= 0 && fx < float64(g.nx) && fy < float64(g.ny)) {
		return nil
	}
	b := int(fy)*g.nx + int(fx)
	return g.items[g.start[b]:g.start[b+1]]
}

// extent returns the bounds of the points (x[i], y[i]); there is at least one.
func extent(x, y []float64) (minX, minY, maxX, maxY float64) {
	minX, minY, maxX, maxY = x[0], y[0], x[0], y[0]
	for i := range x {
		minX, maxX = min(minX, x[i]), max(maxX, x[i])
		minY, maxY = min(minY, y[i]), max(maxY, y[i])
	}
	return minX, minY, maxX, maxY
}
