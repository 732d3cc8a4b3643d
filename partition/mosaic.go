package partition

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/paulmach/orb"
)

// Mosaic generates n blocks that tile a square area like an urban block
// map, for tests and benchmarks: cells of about 80 m on a jittered
// lattice, half of the cell sides bent by a shared midpoint, so blocks
// have 4 to 8 vertices and neighbours share their edges exactly.
// Households ("households" attribute and field) follow a log-normal law
// (median 20, a long tail) with one block in ten empty (parks, roads); one
// block in 500 is an institution (attribute "kind" school or hospital,
// "name" shared by up to three neighbouring blocks in a row). Block ids
// are "m<row>_<col>". The same n and seed give the same blocks.
func Mosaic(n int, seed uint64) []Block {
	rng := rand.New(rand.NewPCG(seed, 0x6d6f73616963))
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	const cell = 80.0                         // metres
	lon0, lat0 := 116.3, 39.9                 // around Beijing
	mLat := 111320.0                          // metres per degree of latitude
	mLon := mLat * math.Cos(lat0*math.Pi/180) // metres per degree of longitude
	pt := func(x, y float64) orb.Point {
		return orb.Point{math.Round((lon0+x/mLon)*1e7) / 1e7, math.Round((lat0+y/mLat)*1e7) / 1e7}
	}
	jit := func() float64 { return (rng.Float64() - 0.5) * 0.5 * cell }
	corner := make([][]orb.Point, rows+1)
	for r := range corner {
		corner[r] = make([]orb.Point, cols+1)
		for c := range corner[r] {
			corner[r][c] = pt(float64(c)*cell+jit(), -float64(r)*cell+jit())
		}
	}
	// Bent sides: a midpoint between two lattice corners, or none.
	mid := func(a, b orb.Point) []orb.Point {
		if rng.IntN(2) == 0 {
			return nil
		}
		t := 0.3 + 0.4*rng.Float64()
		off := (rng.Float64() - 0.5) * 0.2 * cell
		x := a[0] + t*(b[0]-a[0]) + off/mLon
		y := a[1] + t*(b[1]-a[1]) + off/mLat
		return []orb.Point{{math.Round(x*1e7) / 1e7, math.Round(y*1e7) / 1e7}}
	}
	horiz := make([][][]orb.Point, rows+1) // side from corner[r][c] to corner[r][c+1]
	for r := range horiz {
		horiz[r] = make([][]orb.Point, cols)
		for c := range horiz[r] {
			horiz[r][c] = mid(corner[r][c], corner[r][c+1])
		}
	}
	vert := make([][][]orb.Point, rows) // side from corner[r][c] to corner[r+1][c]
	for r := range vert {
		vert[r] = make([][]orb.Point, cols+1)
		for c := range vert[r] {
			vert[r][c] = mid(corner[r][c], corner[r+1][c])
		}
	}
	blocks := make([]Block, 0, n)
	institution, instKind, instName := 0, "", "" // blocks left in the current institution's run
	for r := 0; r < rows && len(blocks) < n; r++ {
		for c := 0; c < cols && len(blocks) < n; c++ {
			// Counter-clockwise: bottom-left, bottom-right, top-right, top-left.
			ring := orb.Ring{corner[r+1][c]}
			ring = append(ring, horiz[r+1][c]...)
			ring = append(ring, corner[r+1][c+1])
			ring = append(ring, reversed(vert[r][c+1])...)
			ring = append(ring, corner[r][c+1])
			ring = append(ring, reversed(horiz[r][c])...)
			ring = append(ring, corner[r][c])
			ring = append(ring, vert[r][c]...)
			ring = append(ring, corner[r+1][c])
			hh := 0
			if rng.IntN(10) > 0 {
				hh = int(math.Round(math.Exp(3 + rng.NormFloat64())))
			}
			b := Block{ID: BlockID(fmt.Sprintf("m%d_%d", r, c)), Households: hh, Kind: "residential",
				Geometry: orb.MultiPolygon{{ring}}}
			if institution > 0 || rng.IntN(500) == 0 {
				if institution == 0 {
					institution = 1 + rng.IntN(3)
					instKind = [2]string{"school", "hospital"}[rng.IntN(2)]
					instName = fmt.Sprintf("%s %d", instKind, r*cols+c)
				}
				b.Kind, b.Name = instKind, instName
				institution--
			}
			b.Attrs = map[string]string{"id": string(b.ID), "households": strconv.Itoa(hh), "kind": b.Kind}
			if b.Name != "" {
				b.Attrs["name"] = b.Name
			}
			blocks = append(blocks, b)
		}
	}
	return blocks
}

func reversed(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// BenchOptions are the options the partition benchmarks run Mosaic blocks
// with: bounds mode on households, 150–500 per basic grid (common urban
// practice), schools and hospitals as dedicated grids.
func BenchOptions() Options {
	return Options{Weight: "households", Min: 150, Max: 500, DedicatedField: "kind",
		DedicatedValues: []string{"school", "hospital"}, Seed: 1}
}
