package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

// rawFeature is one GeoJSON feature with its members still undecoded, so
// that each problem can be told apart and named.
type rawFeature struct {
	Type       json.RawMessage            `json:"type"`
	ID         json.RawMessage            `json:"id"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   *rawGeometry               `json:"geometry"`
}

// The properties that fill fields of partition.Block under fixed names.
const (
	householdsField = "households"
	populationField = "population"
)

// maxCount is the largest whole number a float64 holds exactly.
const maxCount = 1 << 53

// block turns the feature into a block. On error it also returns the
// block as far as it was read (its id, when known) and the field at fault.
func (f *rawFeature) block(o BlockOptions) (partition.Block, string, error) {
	var b partition.Block
	if s, err := strconv.Unquote(string(f.Type)); err != nil || s != "Feature" {
		return b, "type", fmt.Errorf("%w: feature type is %s, want \"Feature\"", ErrNotFeatureCollection, shown(f.Type))
	}
	id, field, err := f.id(o)
	b.ID = partition.BlockID(id)
	if err != nil {
		return b, field, err
	}
	if field, err := readProperties(&b, f.Properties, o); err != nil {
		return b, "properties." + field, err
	}
	b.Geometry, field, err = decodeGeometry(f.Geometry)
	return b, field, err
}

// id reads the block id from the id property, or from the feature's own
// id when the id field is the default and the property is absent. On
// error it names the field.
func (f *rawFeature) id(o BlockOptions) (string, string, error) {
	field := "properties." + o.IDField
	raw, ok := f.Properties[o.IDField]
	if !ok && o.IDField == "id" {
		raw, field = f.ID, "id"
	}
	id, err := scalar(raw)
	switch {
	case err != nil:
		return "", field, fmt.Errorf("%w: id %w", ErrBadProperty, err)
	case id == "":
		return "", "properties." + o.IDField, fmt.Errorf("%w: no %q property", ErrMissingID, o.IDField)
	}
	return id, "", nil
}

// readProperties fills the block's counts, kind, name, parent and
// attributes from the feature's properties (the id is already read).
// On error it names the property at fault.
func readProperties(b *partition.Block, props map[string]json.RawMessage, o BlockOptions) (string, error) {
	if isNull(props[o.WeightField]) {
		return o.WeightField, fmt.Errorf("%w: no %q property", ErrMissingWeight, o.WeightField)
	}
	if _, err := number(props[o.WeightField]); err != nil {
		return o.WeightField, err
	}
	for _, c := range []struct {
		field string
		dst   *int
	}{{householdsField, &b.Households}, {populationField, &b.Population}} {
		if raw := props[c.field]; !isNull(raw) {
			n, err := count(raw)
			if err != nil {
				return c.field, err
			}
			*c.dst = n
		}
	}
	for _, s := range []struct {
		field string
		dst   *string
	}{{o.KindField, &b.Kind}, {o.NameField, &b.Name}, {o.ParentField, (*string)(&b.Parent)}} {
		v, err := scalar(props[s.field])
		if err != nil {
			return s.field, fmt.Errorf("%w: %w", ErrBadProperty, err)
		}
		*s.dst = v
	}
	for k, raw := range props {
		switch k {
		case o.IDField, o.KindField, o.NameField, o.ParentField, householdsField, populationField:
			continue
		}
		if isNull(raw) {
			continue
		}
		if b.Attrs == nil {
			b.Attrs = make(map[string]string)
		}
		b.Attrs[k] = attrText(raw)
	}
	return "", nil
}

// number reads a non-negative JSON number.
func number(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return 0, fmt.Errorf("%w: %s is not a number", ErrBadWeight, shown(raw))
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%w: %s is out of range", ErrBadWeight, shown(raw))
	case v < 0:
		return 0, fmt.Errorf("%w: %s is negative", ErrBadWeight, shown(raw))
	}
	return v, nil
}

// count reads a non-negative whole JSON number (1e3 and 12.0 are whole).
func count(raw json.RawMessage) (int, error) {
	v, err := number(raw)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || v > maxCount {
		return 0, fmt.Errorf("%w: %s is not a whole number of at most 2^53", ErrBadWeight, shown(raw))
	}
	return int(v), nil
}

// scalar reads a string or number as text; absent or null gives "".
func scalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case isNull(raw):
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), nil
	}
	return "", fmt.Errorf("is %s, want a string or a number", shown(raw))
}

// attrText keeps a property as text: strings as they are, anything else as
// its compact JSON.
func attrText(raw json.RawMessage) string {
	if s, err := scalar(raw); err == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// isNull reports whether a member is absent or null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// shown quotes a JSON value for an error message, cut to 40 bytes.
func shown(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "absent"
	case len(raw) > 40:
		return string(raw[:37]) + "..."
	}
	return string(raw)
}

// rawGeometry is a GeoJSON geometry with its members undecoded.
type rawGeometry struct {
	Type        json.RawMessage `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// decodeGeometry reads a Polygon or MultiPolygon, checks it with
// geo.Validate and winds it as RFC 7946 asks. On error it names the field.
func decodeGeometry(g *rawGeometry) (orb.MultiPolygon, string, error) {
	if g == nil {
		return nil, "geometry", fmt.Errorf("%w: geometry is null", geo.ErrNotPolygon)
	}
	typ, err := strconv.Unquote(string(bytes.TrimSpace(g.Type)))
	if err != nil {
		return nil, "geometry.type", fmt.Errorf("%w: type is %s, want a string", ErrBadGeometry, shown(g.Type))
	}
	if isNull(g.Coordinates) && typ != "GeometryCollection" {
		return nil, "geometry.coordinates", fmt.Errorf("%w: no coordinates", ErrBadGeometry)
	}
	switch typ {
	case "Polygon", "MultiPolygon":
	case "Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection":
		return nil, "geometry.type", fmt.Errorf("%w: geometry is a %s", geo.ErrNotPolygon, typ)
	default:
		return nil, "geometry.type", fmt.Errorf("%w: unknown geometry type %q", ErrBadGeometry, typ)
	}
	mp, err := parseCoordinates(g.Coordinates, typ)
	if err != nil {
		return nil, "geometry.coordinates", err
	}
	if err := geo.Validate(mp); err != nil {
		return nil, "geometry.coordinates", err
	}
	return geo.Orient(mp).(orb.MultiPolygon), "", nil
}
