package partition

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"wangge/geo"
)

// CutShare is the least share of a block's area that must lie outside the
// grid it goes to for a boundary to cut it: below it the difference is
// the digitising of the boundary.
const CutShare = 0.01

// Boundary is one hand-drawn grid: its id, kind and parent, and the line
// drawn around it.
type Boundary struct {
	ID       GridID
	Kind     GridKind
	Parent   string
	Geometry orb.MultiPolygon
}

// Share is the part of a block's area inside one grid's boundary (Grid
// empty: inside none).
type Share struct {
	Grid  GridID  `json:"grid"`
	Share float64 `json:"share"`
}

// CutBlock is a block a boundary cuts (a breach of "complete blocks"):
// the grid it went to and its shares, largest first.
type CutBlock struct {
	Block  BlockID `json:"block"`
	Grid   GridID  `json:"grid"`
	Shares []Share `json:"shares"`
}

// Adoption is a plan made from hand-drawn boundaries: its grids (each
// block in the grid holding most of its area), the blocks a boundary
// cuts, and the blocks most of whose area lies in no grid (left out).
type Adoption struct {
	Grids      []Grid     `json:"-"`
	Cut        []CutBlock `json:"cut"`
	Unassigned []BlockID  `json:"unassigned"`
}

// Adopt turns hand-drawn grid boundaries into a plan over blocks: each
// block goes to the boundary holding most of its area (left out when more
// of it lies in none), shares measured exactly (geo.OverlapArea in one
// local projection). A block with CutShare or more of its area outside
// its grid is cut. The grids are measured like drawn ones, in the order of
// the boundaries; one that receives no block is left out.
func Adopt(blocks []Block, bounds []Boundary, opt Options) (*Adoption, error) {
	if len(bounds) == 0 {
		return nil, fmt.Errorf("%w: no grid boundaries", ErrInput)
	}
	var all orb.Bound
	for i, b := range blocks {
		if i == 0 {
			all = b.Geometry.Bound()
		}
		all = all.Union(b.Geometry.Bound())
	}
	proj := geo.NewProjection(all.Center())
	var tree rtree.RTreeG[int]
	flat := make([]geo.FlatShape, len(bounds))
	for i, bd := range bounds {
		bb := bd.Geometry.Bound()
		tree.Insert(bb.Min, bb.Max, i)
		flat[i] = geo.Flat(proj, bd.Geometry)
	}
	ad := &Adoption{Cut: []CutBlock{}, Unassigned: []BlockID{}}
	members := make([][]BlockID, len(bounds))
	for _, b := range blocks {
		area := geo.Area(b.Geometry)
		fb := geo.Flat(proj, b.Geometry)
		var shares []Share
		var in float64
		bb := b.Geometry.Bound()
		tree.Search(bb.Min, bb.Max, func(_, _ [2]float64, i int) bool {
			if a := fb.OverlapArea(flat[i]); a > 0 && area > 0 {
				shares = append(shares, Share{bounds[i].ID, math.Min(1, a/area)})
				in += a / area
			}
			return true
		})
		slices.SortFunc(shares, func(x, y Share) int { return cmp.Or(cmp.Compare(y.Share, x.Share), cmp.Compare(x.Grid, y.Grid)) })
		if out := 1 - in; out > 1e-9 {
			shares = append(shares, Share{"", out})
			slices.SortStableFunc(shares, func(x, y Share) int { return cmp.Compare(y.Share, x.Share) })
		}
		if len(shares) == 0 || shares[0].Grid == "" {
			ad.Unassigned = append(ad.Unassigned, b.ID)
			continue
		}
		i := slices.IndexFunc(bounds, func(bd Boundary) bool { return bd.ID == shares[0].Grid })
		members[i] = append(members[i], b.ID)
		if 1-shares[0].Share >= CutShare {
			for k := range shares {
				shares[k].Share = math.Round(shares[k].Share*1e4) / 1e4
			}
			ad.Cut = append(ad.Cut, CutBlock{Block: b.ID, Grid: shares[0].Grid, Shares: shares})
		}
	}
	var grids []Grid
	for i, bd := range bounds {
		if len(members[i]) > 0 {
			grids = append(grids, Grid{ID: bd.ID, Kind: bd.Kind, Parent: bd.Parent, Blocks: members[i]})
		}
	}
	ed, err := NewEditor(blocks, grids, opt)
	if err != nil {
		return nil, err
	}
	ad.Grids = ed.Grids()
	return ad, nil
}

// ReadBoundaries decodes hand-drawn grids: a GeoJSON FeatureCollection of
// Polygon or MultiPolygon features, the grid id in property idField ("id"
// when empty; a number is read as text), kind in "kind" (basic when
// absent) and parent in "parent". Grids exported by the API or written by
// wangge partition read as well (their block lists are ignored: the
// boundary decides). name is used in error messages.
func ReadBoundaries(r io.Reader, name, idField string) ([]Boundary, error) {
	if idField == "" {
		idField = "id"
	}
	fc, err := readCollection(r, name)
	if err != nil {
		return nil, err
	}
	out := make([]Boundary, 0, len(fc.Features))
	seen := map[GridID]int{}
	for i, f := range fc.Features {
		bad := func(field string, err error) error {
			return fmt.Errorf("%w: %w", ErrInput, &FeatureError{File: name, Feature: i, Field: field, Err: err})
		}
		v, ok := f.Properties[idField]
		if !ok || v == nil {
			v = f.ID
		}
		if v == nil || propText(v) == "" {
			return nil, bad(idField, errors.New("missing grid id"))
		}
		b := Boundary{ID: GridID(propText(v)), Kind: Basic}
		if j, dup := seen[b.ID]; dup {
			return nil, bad(idField, fmt.Errorf("duplicate grid id %q (also feature %d)", b.ID, j))
		}
		seen[b.ID] = i
		if k, ok := f.Properties["kind"]; ok && k != nil {
			b.Kind = GridKind(propText(k))
			if b.Kind != Basic && b.Kind != Dedicated {
				return nil, bad("kind", fmt.Errorf("%q is neither basic nor dedicated", b.Kind))
			}
		}
		if p, ok := f.Properties["parent"]; ok && p != nil {
			b.Parent = propText(p)
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			b.Geometry = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			b.Geometry = g
		default:
			return nil, bad("geometry", fmt.Errorf("%T is not a Polygon or MultiPolygon", f.Geometry))
		}
		if err := geo.Validate(b.Geometry); err != nil {
			return nil, bad("geometry", err)
		}
		out = append(out, b)
	}
	return out, nil
}
