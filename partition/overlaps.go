package partition

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"wangge/geo"
)

// OverlapM2 is the least area (m²) two blocks must share to overlap:
// below it the shared area is the rounding of coordinates along a common
// boundary.
const OverlapM2 = 1.0

// Overlap is two blocks sharing area, A < B.
type Overlap struct {
	A, B   BlockID
	AreaM2 float64
}

// Overlaps lists every pair of blocks sharing at least OverlapM2, ordered
// by A then B: candidates come from an R-tree over the block bounds and
// each is measured exactly (geo.OverlapArea).
func Overlaps(blocks []Block) []Overlap {
	var tree rtree.RTreeG[int]
	var all orb.Bound
	for i, b := range blocks {
		bb := b.Geometry.Bound()
		tree.Insert(bb.Min, bb.Max, i)
		if i == 0 {
			all = bb
		}
		all = all.Union(bb)
	}
	proj := geo.NewProjection(all.Center())
	flat := make([]geo.FlatShape, len(blocks))
	for i, b := range blocks {
		flat[i] = geo.Flat(proj, b.Geometry)
	}
	var out []Overlap
	for i, b := range blocks {
		bb := b.Geometry.Bound()
		tree.Search(bb.Min, bb.Max, func(_, _ [2]float64, j int) bool {
			if j <= i {
				return true
			}
			if a := flat[i].OverlapArea(flat[j]); a >= OverlapM2 {
				x, y := b.ID, blocks[j].ID
				if y < x {
					x, y = y, x
				}
				out = append(out, Overlap{x, y, a})
			}
			return true
		})
	}
	slices.SortFunc(out, func(p, q Overlap) int { return cmp.Or(cmp.Compare(p.A, q.A), cmp.Compare(p.B, q.B)) })
	return out
}

// OverlapError refuses blocks that overlap: it names the first pair, the
// area they share and how many other pairs do.
type OverlapError struct {
	Overlap
	More int
}

// Error names both blocks and the area they share.
func (e *OverlapError) Error() string {
	s := fmt.Sprintf("blocks %s and %s overlap by %.1f m²", e.A, e.B, e.AreaM2)
	if e.More > 0 {
		s += fmt.Sprintf(" (and %d more pairs)", e.More)
	}
	return s + ": a block may lie in one grid only; fix the blocks or import them again"
}

// Unwrap returns ErrInput.
func (e *OverlapError) Unwrap() error { return ErrInput }

// CheckBlocks refuses a set of blocks that cannot make a plan: an invalid
// geometry (geo.Validate) names the block; overlapping blocks give an
// *OverlapError.
func CheckBlocks(blocks []Block) error {
	for _, b := range blocks {
		if err := geo.Validate(b.Geometry); err != nil {
			return fmt.Errorf("%w: block %s: %w", ErrInput, b.ID, err)
		}
	}
	if ov := Overlaps(blocks); len(ov) > 0 {
		return &OverlapError{Overlap: ov[0], More: len(ov) - 1}
	}
	return nil
}
