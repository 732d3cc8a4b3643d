package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"wangge/coverage/incident"

	"github.com/paulmach/orb"
)

// DecodeIncidentsGeoJSON reads a GeoJSON FeatureCollection of Point
// features, one incident each, with the fields of the file comment of
// import_incidents.go as properties (strings, or numbers read as their
// text); the id may also be the feature's own id. The whole file is
// refused at the first bad feature with an *Error naming the file,
// the feature (its index from 0) and the field: invalid JSON
// (ErrInvalidJSON), not a FeatureCollection (ErrNotFeatureCollection), a
// missing or repeated id (ErrMissingID, ErrDuplicateID), a geometry other
// than a WGS-84 Point (ErrBadGeometry), an empty required value
// (ErrMissingValue) or a bad one (ErrBadValue, ErrBadProperty).
func DecodeIncidentsGeoJSON(r io.Reader, name string) ([]incident.Incident, error) {
	fail := func(feature int, field string, err error) error {
		return &Error{File: name, Feature: feature, Field: field, Err: err}
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fail(-1, "", err)
	}
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	var fc struct {
		Type     json.RawMessage   `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	var se *json.SyntaxError
	var ute *json.UnmarshalTypeError
	switch err := json.Unmarshal(body, &fc); {
	case errors.As(err, &se):
		return nil, fail(-1, "", fmt.Errorf("%w at byte %d: %w", ErrInvalidJSON, se.Offset, err))
	case errors.As(err, &ute):
		return nil, fail(-1, ute.Field, fmt.Errorf("%w: %s is a JSON %s", ErrNotFeatureCollection, fieldName(ute.Field), ute.Value))
	case err != nil:
		return nil, fail(-1, "", fmt.Errorf("%w: %w", ErrInvalidJSON, err))
	}
	if typ, err := strconv.Unquote(string(bytes.TrimSpace(fc.Type))); err != nil || typ != "FeatureCollection" {
		return nil, fail(-1, "type", fmt.Errorf("%w: type is %s", ErrNotFeatureCollection, shown(fc.Type)))
	}
	out := make([]incident.Incident, 0, len(fc.Features))
	seen := map[incident.ID]int{}
	for i, raw := range fc.Features {
		d, field, err := incidentFeature(raw)
		if err != nil {
			return nil, &Error{File: name, Feature: i, ID: string(d.ID), Field: field, Err: err}
		}
		if first, dup := seen[d.ID]; dup {
			return nil, &Error{File: name, Feature: i, ID: string(d.ID), Field: "properties.id",
				Err: fmt.Errorf("%w: features %d and %d both have it", ErrDuplicateID, first, i)}
		}
		seen[d.ID] = i
		out = append(out, d)
	}
	return out, nil
}

// fieldName names a member for an error; the empty path is the document.
func fieldName(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

// incidentFeature reads one feature into a draft; on error it names the
// field at fault and returns the draft with its id when known.
func incidentFeature(raw json.RawMessage) (incident.Incident, string, error) {
	var f rawFeature
	var ute *json.UnmarshalTypeError
	if err := json.Unmarshal(raw, &f); errors.As(err, &ute) {
		return incident.Incident{}, ute.Field, fmt.Errorf("%w: %s is a JSON %s", ErrNotFeatureCollection, fieldName(ute.Field), ute.Value)
	} else if err != nil {
		return incident.Incident{}, "", fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if s, err := strconv.Unquote(string(f.Type)); err != nil || s != "Feature" {
		return incident.Incident{}, "type", fmt.Errorf("%w: feature type is %s, want \"Feature\"", ErrNotFeatureCollection, shown(f.Type))
	}
	id, field, err := f.id(BlockOptions{IDField: incID})
	rec := incidentRecord{incID: id}
	if err != nil {
		return incident.Incident{ID: incident.ID(id)}, field, err
	}
	for _, name := range incidentTextFields {
		v, err := scalar(f.Properties[name])
		if err != nil {
			return incident.Incident{ID: incident.ID(id)}, "properties." + name, fmt.Errorf("%w: %w", ErrBadProperty, err)
		}
		rec[name] = v
	}
	loc, field, err := incidentPoint(f.Geometry)
	if err != nil {
		return incident.Incident{ID: incident.ID(id)}, field, err
	}
	d, field, err := rec.draft(loc)
	if err != nil && field != incID {
		field = "properties." + field
	}
	return d, field, err
}

// incidentPoint reads a Point geometry in WGS-84 (a third coordinate, the
// altitude, is allowed and dropped).
func incidentPoint(g *rawGeometry) (orb.Point, string, error) {
	if g == nil {
		return orb.Point{}, "geometry", fmt.Errorf("%w: geometry is null, want a Point", ErrBadGeometry)
	}
	if typ, err := strconv.Unquote(string(bytes.TrimSpace(g.Type))); err != nil || typ != "Point" {
		return orb.Point{}, "geometry.type", fmt.Errorf("%w: type is %s, want \"Point\"", ErrBadGeometry, shown(g.Type))
	}
	var c []float64
	if err := json.Unmarshal(g.Coordinates, &c); err != nil || len(c) < 2 || len(c) > 3 {
		return orb.Point{}, "geometry.coordinates", fmt.Errorf("%w: coordinates are %s, want [lon, lat]", ErrBadGeometry, shown(g.Coordinates))
	}
	if field, err := checkLonLat(c[0], c[1], "geometry.coordinates[0]", "geometry.coordinates[1]"); err != nil {
		return orb.Point{}, field, fmt.Errorf("%w: %w", ErrBadGeometry, err)
	}
	return orb.Point{c[0], c[1]}, "", nil
}
