package partition

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/geo"
)

// ReadBlocks decodes a GeoJSON FeatureCollection of valid Polygon or
// MultiPolygon blocks (geo.Validate: closed rings of 4 points or more,
// longitudes and latitudes, no self-intersection). idField names the
// property holding the block id ("id" when empty; the feature's own id
// when the property is absent, as GET /api/v1/blocks writes blocks). Every property is kept in Block.Attrs as text; "households",
// "population", "kind" and "name" also fill the fields of that name.
// name is used in error messages (the file name).
func ReadBlocks(r io.Reader, name, idField string) ([]Block, error) {
	if idField == "" {
		idField = "id"
	}
	fc, err := readCollection(r, name)
	if err != nil {
		return nil, err
	}
	blocks := make([]Block, 0, len(fc.Features))
	seen := make(map[BlockID]int, len(fc.Features))
	for i, f := range fc.Features {
		b, ferr := decodeBlock(f, idField)
		if ferr != nil {
			ferr.File, ferr.Feature = name, i
			return nil, fmt.Errorf("%w: %w", ErrInput, ferr)
		}
		if j, dup := seen[b.ID]; dup {
			return nil, fmt.Errorf("%w: %w", ErrInput, &FeatureError{File: name, Feature: i, Field: idField,
				Err: fmt.Errorf("duplicate id %q (also feature %d)", b.ID, j)})
		}
		seen[b.ID] = i
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// readCollection decodes a GeoJSON FeatureCollection; name is used in
// error messages.
func readCollection(r io.Reader, name string) (*geojson.FeatureCollection, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInput, name, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInput, name, err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("%w: %s: type %q, want FeatureCollection", ErrInput, name, fc.Type)
	}
	return fc, nil
}

func decodeBlock(f *geojson.Feature, idField string) (Block, *FeatureError) {
	var b Block
	id, ok := f.Properties[idField]
	if !ok || id == nil {
		id = f.ID // blocks exported by the API carry the id as the feature's
	}
	if id == nil {
		return b, &FeatureError{Field: idField, Err: errors.New("missing block id")}
	}
	b.ID = BlockID(propText(id))
	if b.ID == "" {
		return b, &FeatureError{Field: idField, Err: errors.New("empty block id")}
	}
	b.Attrs = make(map[string]string, len(f.Properties))
	for k, v := range f.Properties {
		if v == nil {
			continue
		}
		b.Attrs[k] = propText(v)
	}
	b.Kind, b.Name = b.Attrs["kind"], b.Attrs["name"]
	for _, c := range []struct {
		field string
		dst   *int
	}{{"households", &b.Households}, {"population", &b.Population}} {
		if s, ok := b.Attrs[c.field]; ok {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 || math.IsInf(v, 0) || v != math.Trunc(v) {
				return b, &FeatureError{Field: c.field, Err: fmt.Errorf("%q is not a count", s)}
			}
			*c.dst = int(v)
		}
	}
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		b.Geometry = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		b.Geometry = g
	default:
		return b, &FeatureError{Field: "geometry", Err: fmt.Errorf("%T is not a Polygon or MultiPolygon", f.Geometry)}
	}
	if len(b.Geometry) == 0 {
		return b, &FeatureError{Field: "geometry", Err: errors.New("empty geometry")}
	}
	if err := geo.Validate(b.Geometry); err != nil {
		return b, &FeatureError{Field: "geometry", Err: err}
	}
	return b, nil
}

// propText renders a GeoJSON property value as text: strings as they are,
// numbers without exponent or trailing zeros, anything else as JSON.
func propText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Attr returns the value of a block property by name: Attrs first, then
// the fields an import fills (households, population, kind, name,
// parent), so that --weight, --dedicated and --within work the same on
// blocks read from GeoJSON and blocks loaded from a store.
func (b Block) Attr(field string) (string, bool) {
	if v, ok := b.Attrs[field]; ok {
		return v, true
	}
	switch field {
	case "households":
		return strconv.Itoa(b.Households), true
	case "population":
		return strconv.Itoa(b.Population), true
	case "kind":
		return b.Kind, b.Kind != ""
	case "name":
		return b.Name, b.Name != ""
	case "parent":
		return string(b.Parent), b.Parent != ""
	}
	return "", false
}

// attr is Attr without the presence flag ("" when absent).
func (b Block) attr(field string) string {
	v, _ := b.Attr(field)
	return v
}

// weights reads the weight field of every block as a non-negative number.
func weights(blocks []Block, field string) ([]float64, error) {
	w := make([]float64, len(blocks))
	for i, b := range blocks {
		s, ok := b.Attr(field)
		if !ok {
			return nil, fmt.Errorf("%w: block %s: no weight field %q", ErrInput, b.ID, field)
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%w: block %s: weight %s=%q is not a non-negative number", ErrInput, b.ID, field, s)
		}
		w[i] = v
	}
	return w, nil
}
