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
// text; o.Columns maps them onto other property names); the id may also
// be the feature's own id. A null geometry is a feature without a
// location. The whole file is refused at the first bad feature with an
// *Error naming the file, the feature (its index from 0) and the field:
// invalid JSON (ErrInvalidJSON), not a FeatureCollection
// (ErrNotFeatureCollection), a missing id (ErrMissingID), a repeated one
// unless o keeps one (ErrDuplicateID), a geometry other than a WGS-84
// Point (ErrBadGeometry), an empty required value (ErrMissingValue) or a
// bad one (ErrBadValue, ErrBadProperty; a feature without a usable
// location is ErrBadValue unless o skips those).
func DecodeIncidentsGeoJSON(r io.Reader, name string, o IncidentOptions) (Incidents, error) {
	fail := func(feature int, field string, err error) error {
		return &Error{File: name, Feature: feature, Field: field, Err: err}
	}
	if err := o.Validate(); err != nil {
		return Incidents{}, fail(-1, "", err)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return Incidents{}, fail(-1, "", err)
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
		return Incidents{}, fail(-1, "", fmt.Errorf("%w at byte %d: %w", ErrInvalidJSON, se.Offset, err))
	case errors.As(err, &ute):
		return Incidents{}, fail(-1, ute.Field, fmt.Errorf("%w: %s is a JSON %s", ErrNotFeatureCollection, fieldName(ute.Field), ute.Value))
	case err != nil:
		return Incidents{}, fail(-1, "", fmt.Errorf("%w: %w", ErrInvalidJSON, err))
	}
	if typ, err := strconv.Unquote(string(bytes.TrimSpace(fc.Type))); err != nil || typ != "FeatureCollection" {
		return Incidents{}, fail(-1, "type", fmt.Errorf("%w: type is %s", ErrNotFeatureCollection, shown(fc.Type)))
	}
	rows := newIncidentRows(o)
	for i, raw := range fc.Features {
		rows.out.Rows++
		d, missing, field, err := incidentFeature(raw, rows)
		if err != nil {
			return Incidents{}, &Error{File: name, Feature: i, ID: string(d.ID), Field: field, Err: err}
		}
		where := Skip{Feature: i, ID: d.ID}
		if where.Reason, where.Detail = rows.located(d.Location, missing); where.Reason != "" {
			if err := rows.unlocated(where); err != nil {
				return Incidents{}, &Error{File: name, Feature: i, ID: string(d.ID), Field: "geometry", Err: err}
			}
			continue
		}
		if err := rows.add(d, where); err != nil {
			return Incidents{}, &Error{File: name, Feature: i, ID: string(d.ID), Field: "properties." + o.column(incID), Err: err}
		}
	}
	return rows.done(), nil
}

// fieldName names a member for an error; the empty path is the document.
func fieldName(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

// incidentFeature reads one feature into a draft, missing when its
// geometry is null; on error it names the field at fault and returns the
// draft with its id when known.
func incidentFeature(raw json.RawMessage, rows *incidentRows) (d incident.Incident, missing bool, field string, err error) {
	var f rawFeature
	var ute *json.UnmarshalTypeError
	if err := json.Unmarshal(raw, &f); errors.As(err, &ute) {
		return d, false, ute.Field, fmt.Errorf("%w: %s is a JSON %s", ErrNotFeatureCollection, fieldName(ute.Field), ute.Value)
	} else if err != nil {
		return d, false, "", fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if s, err := strconv.Unquote(string(f.Type)); err != nil || s != "Feature" {
		return d, false, "type", fmt.Errorf("%w: feature type is %s, want \"Feature\"", ErrNotFeatureCollection, shown(f.Type))
	}
	id, field, err := f.id(BlockOptions{IDField: rows.o.column(incID)})
	d.ID = incident.ID(id)
	if err != nil {
		return d, false, field, err
	}
	rec := incidentRecord{incID: id}
	for _, name := range incidentTextFields {
		v, err := scalar(f.Properties[rows.o.column(name)])
		if err != nil {
			return d, false, "properties." + rows.o.column(name), fmt.Errorf("%w: %w", ErrBadProperty, err)
		}
		rec[name] = v
	}
	var loc orb.Point
	if missing = f.Geometry == nil; !missing {
		if loc, field, err = incidentPoint(f.Geometry); err != nil {
			return d, false, field, err
		}
	}
	d, field, err = rec.draft(loc, rows)
	if err != nil && field != incID {
		field = "properties." + rows.o.column(field)
	}
	return d, missing, field, err
}

// incidentPoint reads a Point geometry in WGS-84 (a third coordinate, the
// altitude, is allowed and dropped).
func incidentPoint(g *rawGeometry) (orb.Point, string, error) {
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
