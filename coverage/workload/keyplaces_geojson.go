package workload

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// ReadKeyPlaces reads key places from a GeoJSON FeatureCollection of
// points (name says where, in errors): property category (required), id
// (the feature's index when absent) and visit_interval_days (the
// category's interval when absent).
func ReadKeyPlaces(r io.Reader, name string) ([]patrol.KeyPlace, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]patrol.KeyPlace, 0, len(fc.Features))
	for i, f := range fc.Features {
		p, ok := f.Geometry.(orb.Point)
		cat := f.Properties.MustString("category", "")
		if !ok || cat == "" {
			return nil, fmt.Errorf("%s: feature %d: want a Point with a category property", name, i)
		}
		k := patrol.KeyPlace{ID: patrol.KeyPlaceID(f.Properties.MustString("id", fmt.Sprint(i))), Category: cat, Location: p}
		if d := f.Properties.MustFloat64("visit_interval_days", 0); d > 0 {
			k.VisitInterval = time.Duration(d * 24 * float64(time.Hour))
		}
		out = append(out, k)
	}
	return out, nil
}

// SetWeights sets the attribute attr of every block to the hours per
// week its holding needs (Estimate; holdings parallel to blocks, as
// BlockHoldings gives them), so that partition.Draw and the Editor
// balance workload.
func (c Coefficients) SetWeights(blocks []partition.Block, holdings []Holding, attr string) {
	for i, h := range holdings {
		if blocks[i].Attrs == nil {
			blocks[i].Attrs = map[string]string{}
		}
		blocks[i].Attrs[attr] = strconv.FormatFloat(c.Estimate(h).Total, 'f', -1, 64)
	}
}
