package coverage

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"wangge/coverage/patrol"
	"wangge/geo"
	"wangge/partition"
)

// Defaults of CoverageOptions.
const (
	// DefaultRes is H3 resolution 11: hexagons of 28.7 m mean edge and
	// 2,150 m² (about 57 m across), the size of one building with its
	// doorstep. With the 25 m buffer a walk down a street covers the cells
	// of the building rows on both sides. Resolution 12 (10.8 m edge)
	// would make coverage a ribbon as wide as the GPS noise; resolution 10
	// (76 m edge, 1.5 ha) would call half a block covered after a walk
	// past its corner.
	DefaultRes = 11
	// DefaultBuffer is 25 m, CityStrides' rule for a visited street node,
	// and about twice the GPS error of a phone in town.
	DefaultBuffer = 25.0
	// DefaultMaxInterpGap is 2 minutes: at walking speed (1.4 m/s) about
	// 170 m, one side of a city block. Over longer silences a straight
	// line between two fixes may cut through a block nobody walked.
	DefaultMaxInterpGap = 2 * time.Minute
	// DefaultPassGap is 10 minutes: a worker back at a cell after that
	// long makes a new pass; within it, the wobble of GPS noise across
	// the buffer's edge is one pass.
	DefaultPassGap = 10 * time.Minute
)

// CoverageOptions tune Coverage. A zero field takes its default.
type CoverageOptions struct {
	Res          int           // H3 resolution 0–15
	Buffer       float64       // metres: a cell is covered when its centre lies this close to the track
	From, To     time.Time     // window [From, To) of fix times; zero means open
	MaxInterpGap time.Duration // longest time between two fixes that is interpolated
	PassGap      time.Duration // a return to a cell after this long is a new pass
	Zone         *time.Location
	// Zone gives the calendar days of the visit heat; nil means UTC.
}

func (o CoverageOptions) withDefaults() (CoverageOptions, error) {
	if o.Res == 0 {
		o.Res = DefaultRes
	}
	if o.Res < 0 || o.Res > 15 {
		return o, fmt.Errorf("%w: res %d is not an H3 resolution 0-15", ErrOption, o.Res)
	}
	if o.Buffer == 0 {
		o.Buffer = DefaultBuffer
	}
	if !(o.Buffer > 0) || math.IsInf(o.Buffer, 0) {
		return o, fmt.Errorf("%w: buffer %v m must be positive", ErrOption, o.Buffer)
	}
	if o.MaxInterpGap == 0 {
		o.MaxInterpGap = DefaultMaxInterpGap
	}
	if o.PassGap == 0 {
		o.PassGap = DefaultPassGap
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return o, fmt.Errorf("%w: from %s is not before to %s", ErrOption,
			o.From.Format(time.RFC3339), o.To.Format(time.RFC3339))
	}
	return o, nil
}

// Coverage reports which parts of grids the tracks covered in the window.
//
// The rule: a cell of resolution Res is covered when its centre lies
// within Buffer metres of the track, the track being each fix and the
// straight segment between consecutive fixes of one worker that are at
// most MaxInterpGap apart (longer silences, a change of worker, or a step
// back in time are not bridged). The distance from a centre to a segment
// is measured exactly (not by sampling points along it) in a local
// equirectangular plane around the grids, whose scale error is under
// 0.2% within 10 km of their centre, a few centimetres on a 25 m buffer;
// grids farther than 50 km from the centre of all of them are refused
// (ErrOption): report per district.
// The cells of a grid or block are those whose centres lie inside it
// (geo.Cells); one too small to hold a centre gets the cell holding the
// centre of its bounds.
//
// Pass tracks grouped by worker, each in time order (what Clean returns),
// with times in the years 1678–2262 (the walk reads them as int64 Unix
// nanoseconds).
// The report gives the covered share per grid and block, gaps (uncovered
// cells dissolved into polygons, geo.CellsToMultiPolygon, and clipped to
// their grid, geo.Intersection, so that a border cell counts only its part
// inside the grid), their area and share of the grid's, the visit heat
// per covered cell (distinct calendar days in Zone, and passes: touches by
// one worker's track separated by more than PassGap from its previous
// touch of the cell), and the last time each grid, block and cell was
// visited (the time of the later fix of the segment that came close).
func Coverage(grids []partition.Grid, blocks []partition.Block, tracks []patrol.TrackPoint, opts CoverageOptions) (*CoverageReport, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cv, err := newCoverer(grids, blocks, o)
	if err != nil {
		return nil, err
	}
	if err := cv.prepareDays(tracks); err != nil {
		return nil, err
	}
	cv.add(tracks, runtime.GOMAXPROCS(0))
	return cv.report(), nil
}

// coverer holds the cells of interest and their visit state, in dense
// arrays indexed by cell number.
type coverer struct {
	o      CoverageOptions
	cells  []h3.Cell
	number map[h3.Cell]int32
	grids  []areaCells
	blocks []areaCells
	plane  plane

	// cell centres in the plane, and the indexes over them
	x, y    []float64
	buckets bucketGrid
	near    nearGrid

	firstDay time.Time // midnight in Zone of the first day of the heat
	dayCount int       // calendar days from firstDay to the end of the window
	dayWords int

	v visits // merged over the shards of the walk
}

// areaCells is a grid or block with the numbers of its cells.
type areaCells struct {
	id    string
	grid  partition.GridID // for a block: the grid listing it
	cells []int32
	geom  orb.MultiPolygon // for a grid: its area, which clips its gaps
}

func newCoverer(grids []partition.Grid, blocks []partition.Block, o CoverageOptions) (*coverer, error) {
	cv := &coverer{o: o, number: make(map[h3.Cell]int32)}
	for _, g := range grids {
		cv.grids = append(cv.grids, areaCells{id: string(g.ID), cells: cv.numbers(cellsOf(g.Geometry, o.Res)), geom: g.Geometry})
	}
	owner := make(map[partition.BlockID]partition.GridID)
	for _, g := range grids {
		for _, b := range g.Blocks {
			owner[b] = g.ID
		}
	}
	for _, b := range blocks {
		cv.blocks = append(cv.blocks, areaCells{id: string(b.ID), grid: owner[b.ID], cells: cv.numbers(cellsOf(b.Geometry, o.Res))})
	}
	n := len(cv.cells)
	cv.x, cv.y = make([]float64, n), make([]float64, n)
	if err := cv.placeCells(); err != nil {
		return nil, err
	}
	return cv, nil
}

// cellsOf returns the cells whose centres lie in an area, or, for an area
// too small to hold a centre, the cell holding the centre of its bounds.
func cellsOf(area orb.MultiPolygon, res int) []h3.Cell {
	cells := geo.Cells(area, res)
	if len(cells) == 0 && len(area) > 0 {
		cells = []h3.Cell{geo.Cell(area.Bound().Center(), res)}
	}
	return cells
}

// numbers gives each cell its dense number, adding new ones.
func (cv *coverer) numbers(cells []h3.Cell) []int32 {
	out := make([]int32, len(cells))
	for i, c := range cells {
		k, ok := cv.number[c]
		if !ok {
			k = int32(len(cv.cells))
			cv.number[c] = k
			cv.cells = append(cv.cells, c)
		}
		out[i] = k
	}
	return out
}

// placeCells projects the cell centres and buckets them. It refuses
// cells farther than maxReach from their mean, where the local plane
// would no longer measure metres well.
func (cv *coverer) placeCells() error {
	var lat0, lon0 float64
	for _, c := range cv.cells {
		ll := h3.CellToLatLng(c)
		lat0 += ll.Lat
		lon0 += ll.Lng
	}
	if n := float64(len(cv.cells)); n > 0 {
		lat0, lon0 = lat0/n, lon0/n
	}
	cv.plane = newPlane(lon0, lat0)
	for i, c := range cv.cells {
		ll := h3.CellToLatLng(c)
		cv.x[i], cv.y[i] = cv.plane.xy(ll.Lng, ll.Lat)
		if d := math.Hypot(cv.x[i], cv.y[i]); d > maxReach {
			return fmt.Errorf("%w: grids span more than a district: cell %s lies %.0f km from the centre of all cells (at most %.0f km)",
				ErrOption, c, d/1000, maxReach/1000)
		}
	}
	cv.buckets = newBucketGrid(cv.x, cv.y, cv.o.Buffer)
	cv.near = newNearGrid(cv.x, cv.y, cv.o.Buffer)
	return nil
}

// maxReach is how far from the centre of all cells a cell may lie: 50 km,
// a large district, where the plane's scale is still within 0.7%
// (17 cm on a 25 m buffer).
const maxReach = 50e3

// prepareDays sizes the day bitsets from the window, or from the fix times
// inside it when it is open.
func (cv *coverer) prepareDays(tracks []patrol.TrackPoint) error {
	from, to := cv.o.From, cv.o.To
	if from.IsZero() || to.IsZero() {
		var lo, hi time.Time
		for i := range tracks {
			t := tracks[i].Time
			if !cv.inWindow(t) {
				continue
			}
			if lo.IsZero() || t.Before(lo) {
				lo = t
			}
			if t.After(hi) {
				hi = t
			}
		}
		if from.IsZero() {
			from = lo
		}
		if to.IsZero() {
			to = hi.Add(time.Nanosecond)
		}
	}
	cv.firstDay = midnight(from, cv.o.Zone)
	n := max(1, int(math.Ceil(to.Sub(cv.firstDay).Hours()/24)))
	if n > maxHeatDays {
		return fmt.Errorf("%w: the window spans %d days, more than %d", ErrOption, n, maxHeatDays)
	}
	cv.dayCount = n
	cv.dayWords = (n + 63) / 64
	return nil
}

// maxHeatDays bounds the window of the visit heat (about ten years), which
// keeps one bit per cell and day.
const maxHeatDays = 3660

func (cv *coverer) inWindow(t time.Time) bool {
	return (cv.o.From.IsZero() || !t.Before(cv.o.From)) && (cv.o.To.IsZero() || t.Before(cv.o.To))
}

// midnight is the start of t's calendar day in zone.
func midnight(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}
