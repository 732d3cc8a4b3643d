package partition

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// gridProps are the properties of a grid Feature in grids.geojson, in the
// order DESIGN.md lists them.
type gridProps struct {
	ID           GridID    `json:"id"`
	Kind         GridKind  `json:"kind"`
	Blocks       []BlockID `json:"blocks"`
	Weight       float64   `json:"weight"`
	AreaM2       float64   `json:"area_m2"`
	PerimeterM   float64   `json:"perimeter_m"`
	PolsbyPopper float64   `json:"polsby_popper"`
	HullRatio    float64   `json:"hull_ratio"`
	Parent       string    `json:"parent,omitempty"`
	Flags        []string  `json:"flags"`
	Locked       bool      `json:"locked,omitempty"`
}

type gridFeature struct {
	Type       string            `json:"type"`
	Properties gridProps         `json:"properties"`
	Geometry   *geojson.Geometry `json:"geometry"`
}

type gridCollection struct {
	Type     string        `json:"type"`
	Features []gridFeature `json:"features"`
}

// WriteGrids writes grids as a GeoJSON FeatureCollection (grids.geojson of
// DESIGN.md): a Polygon per grid, a MultiPolygon only for one whose
// blocks do not touch, coordinates rounded to 7 decimals, figures to
// 0.01 m, m² and 1e-4.
func WriteGrids(w io.Writer, grids []Grid) error {
	fc := gridCollection{Type: "FeatureCollection", Features: make([]gridFeature, len(grids))}
	for i, g := range grids {
		geom := orb.Round(g.Geometry, 1e7)
		if len(g.Geometry) == 1 {
			geom = orb.Round(g.Geometry[0], 1e7)
		}
		flags := g.Flags
		if flags == nil {
			flags = []string{}
		}
		fc.Features[i] = gridFeature{Type: "Feature", Geometry: geojson.NewGeometry(geom), Properties: gridProps{
			ID: g.ID, Kind: g.Kind, Blocks: g.Blocks, Weight: g.Weight,
			AreaM2: round(g.AreaM2, 100), PerimeterM: round(g.PerimeterM, 100),
			PolsbyPopper: round(g.PolsbyPopper, 1e4), HullRatio: round(g.HullRatio, 1e4),
			Parent: g.Parent, Flags: flags, Locked: g.Locked,
		}}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(fc)
}

func round(x, scale float64) float64 { return math.Round(x*scale) / scale }

// ReadGrids decodes a grids.geojson written by WriteGrids (a plan to edit,
// validate or compare). name is used in error messages.
func ReadGrids(r io.Reader, name string) ([]Grid, error) {
	var raw struct {
		Type     string `json:"type"`
		Features []struct {
			Properties gridProps        `json:"properties"`
			Geometry   geojson.Geometry `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInput, name, err)
	}
	if raw.Type != "FeatureCollection" {
		return nil, fmt.Errorf("%w: %s: type %q, want FeatureCollection", ErrInput, name, raw.Type)
	}
	grids := make([]Grid, len(raw.Features))
	seen := map[GridID]int{}
	for i, f := range raw.Features {
		p := f.Properties
		bad := func(field string, err error) error {
			return fmt.Errorf("%w: %w", ErrInput, &FeatureError{File: name, Feature: i, Field: field, Err: err})
		}
		if p.ID == "" {
			return nil, bad("id", errors.New("missing grid id"))
		}
		if j, dup := seen[p.ID]; dup {
			return nil, bad("id", fmt.Errorf("duplicate grid id %q (also feature %d)", p.ID, j))
		}
		seen[p.ID] = i
		if p.Kind != Basic && p.Kind != Dedicated {
			return nil, bad("kind", fmt.Errorf("%q is neither basic nor dedicated", p.Kind))
		}
		if len(p.Blocks) == 0 {
			return nil, bad("blocks", errors.New("no blocks"))
		}
		g := Grid{ID: p.ID, Kind: p.Kind, Blocks: p.Blocks, Weight: p.Weight, AreaM2: p.AreaM2,
			PerimeterM: p.PerimeterM, PolsbyPopper: p.PolsbyPopper, HullRatio: p.HullRatio,
			Parent: p.Parent, Flags: p.Flags, Locked: p.Locked}
		switch geom := f.Geometry.Geometry().(type) {
		case orb.Polygon:
			g.Geometry = orb.MultiPolygon{geom}
		case orb.MultiPolygon:
			g.Geometry = geom
		case nil:
		default:
			return nil, bad("geometry", fmt.Errorf("%T is not a Polygon or MultiPolygon", geom))
		}
		grids[i] = g
	}
	return grids, nil
}
