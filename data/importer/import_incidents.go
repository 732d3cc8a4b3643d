package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"wangge/coverage/incident"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// Incident files: a CSV file with a header row, or a GeoJSON
// FeatureCollection of Point features, one incident per row or feature.
// Both name the same fields: id, category, description, address,
// media_url, reported, reporter and status, and for CSV also lat and lon
// (WGS-84 degrees); IncidentOptions.Columns maps them onto the names a
// city's export uses. id, category, reported and the location are
// required; the other fields may be absent or empty. reported is ISO 8601
// with a UTC offset ("2026-03-03T08:00:00+08:00" or "…Z"; a space may
// stand for the T): a time without one is refused rather than guessed,
// unless the options give the export's zone or layout. status goes
// through the status vocabulary (DefaultStatuses and the options'). The
// decoders return drafts for incident.Imported, in file order, and the
// rows the options leave out.

// The fields of an incident record: CSV header names and GeoJSON property
// names.
const (
	incID          = "id"
	incCategory    = "category"
	incDescription = "description"
	incAddress     = "address"
	incMediaURL    = "media_url"
	incReported    = "reported"
	incReporter    = "reporter"
	incStatus      = "status"
	incLat         = "lat"
	incLon         = "lon"
)

// incidentTextFields are the fields read as text, besides the id.
var incidentTextFields = []string{incCategory, incDescription, incAddress, incMediaURL, incReported, incReporter, incStatus}

// incidentFields are all the fields, those IncidentOptions.Columns maps.
var incidentFields = append([]string{incID, incLat, incLon}, incidentTextFields...)

// incidentCSVRequired are the fields a CSV header must have a column of.
var incidentCSVRequired = []string{incID, incCategory, incLat, incLon, incReported}

// incidentRecord is one row or feature's fields as text, by field name.
type incidentRecord map[string]string

// draft checks the record and turns it into a draft incident at loc. On
// error it names the field at fault.
func (r incidentRecord) draft(loc orb.Point, rows *incidentRows) (incident.Incident, string, error) {
	d := incident.Incident{ID: incident.ID(r[incID]), Category: r[incCategory],
		Description: r[incDescription], Address: r[incAddress], MediaURL: r[incMediaURL],
		Reporter: patrol.WorkerID(r[incReporter]), Location: loc}
	for _, f := range append([]string{incID}, incidentTextFields...) {
		if v := r[f]; !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return d, f, fmt.Errorf("%w: %.40q is not UTF-8 text", ErrBadValue, v)
		}
	}
	switch {
	case strings.TrimSpace(string(d.ID)) == "":
		return d, incID, fmt.Errorf("%w: empty id", ErrMissingID)
	case strings.TrimSpace(d.Category) == "":
		return d, incCategory, fmt.Errorf("%w: empty category", ErrMissingValue)
	}
	var err error
	if d.Reported, err = rows.o.parseTime(r[incReported]); err != nil {
		return d, incReported, err
	}
	if d.Status, err = rows.status(r[incStatus]); err != nil {
		return d, incStatus, err
	}
	return d, "", nil
}

// checkLonLat checks a WGS-84 position and names the coordinate at fault.
func checkLonLat(lon, lat float64, lonField, latField string) (string, error) {
	switch {
	case math.IsNaN(lat) || math.IsInf(lat, 0) || math.Abs(lat) > 90:
		return latField, fmt.Errorf("%w: latitude %v is outside ±90°", ErrBadValue, lat)
	case math.IsNaN(lon) || math.IsInf(lon, 0) || math.Abs(lon) > 180:
		return lonField, fmt.Errorf("%w: longitude %v is outside ±180°", ErrBadValue, lon)
	}
	return "", nil
}

// DecodeIncidentsCSV reads an incident CSV file (see the file comment for
// its columns; they are matched case-insensitively, others are ignored)
// as o says. The whole file is refused at the first bad row with an
// *Error naming the file, the line and the field: invalid CSV
// (ErrInvalidCSV), a missing column (ErrMissingColumn), a missing id
// (ErrMissingID), a repeated one unless o keeps one (ErrDuplicateID), an
// empty required value (ErrMissingValue) or a bad one (ErrBadValue, which
// includes a row without a usable location unless o skips those). Bad
// options are refused before reading (ErrBadOption).
func DecodeIncidentsCSV(r io.Reader, name string, o IncidentOptions) (Incidents, error) {
	fail := func(line int, field string, err error) error {
		return &Error{File: name, Line: line, Feature: -1, Field: field, Err: err}
	}
	if err := o.Validate(); err != nil {
		return Incidents{}, fail(0, "", err)
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return Incidents{}, fail(1, "", fmt.Errorf("%w: no header row", ErrInvalidCSV))
	}
	if err != nil {
		return Incidents{}, fail(csvLine(err, 1), "", fmt.Errorf("%w: %w", ErrInvalidCSV, err))
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := cols[h]; dup && h != "" {
			return Incidents{}, fail(1, h, fmt.Errorf("%w: column %q twice in the header", ErrInvalidCSV, h))
		}
		cols[h] = i
	}
	at := map[string]int{} // field → column index
	for _, f := range incidentFields {
		if i, ok := cols[strings.ToLower(o.column(f))]; ok {
			at[f] = i
		} else if slices.Contains(incidentCSVRequired, f) {
			return Incidents{}, fail(1, f, fmt.Errorf("%w: no %q column in header %q", ErrMissingColumn, o.column(f), strings.Join(header, ",")))
		}
	}
	rows := newIncidentRows(o)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows.done(), nil
		}
		if err != nil {
			return Incidents{}, fail(csvLine(err, 0), "", fmt.Errorf("%w: %w", ErrInvalidCSV, err))
		}
		line, _ := cr.FieldPos(0)
		rows.out.Rows++
		ir := incidentRecord{}
		for f, i := range at {
			ir[f] = rec[i]
		}
		loc, missing, field, err := csvPoint(ir)
		if err != nil {
			return Incidents{}, fail(line, o.column(field), err)
		}
		d, field, err := ir.draft(loc, rows)
		if err != nil {
			return Incidents{}, fail(line, o.column(field), err)
		}
		where := Skip{Line: line, Feature: -1, ID: d.ID}
		if where.Reason, where.Detail = rows.located(loc, missing); where.Reason != "" {
			if err := rows.unlocated(where); err != nil {
				return Incidents{}, fail(line, o.column(incLat), err)
			}
			continue
		}
		if err := rows.add(d, where); err != nil {
			return Incidents{}, fail(line, o.column(incID), err)
		}
	}
}

// csvPoint reads the location of a row: missing when both coordinates
// are empty; an error naming the field when one is bad.
func csvPoint(ir incidentRecord) (p orb.Point, missing bool, field string, err error) {
	lat, lon := strings.TrimSpace(ir[incLat]), strings.TrimSpace(ir[incLon])
	if lat == "" && lon == "" {
		return p, true, "", nil
	}
	var ll [2]float64
	for i, f := range []string{incLat, incLon} {
		v := strings.TrimSpace(ir[f])
		if v == "" {
			return p, false, f, fmt.Errorf("%w: empty %s", ErrMissingValue, f)
		}
		if ll[i], err = strconv.ParseFloat(v, 64); err != nil {
			return p, false, f, fmt.Errorf("%w: %.40q is not a number", ErrBadValue, v)
		}
	}
	if field, err := checkLonLat(ll[1], ll[0], incLon, incLat); err != nil {
		return p, false, field, err
	}
	return orb.Point{ll[1], ll[0]}, false, "", nil
}

// csvLine is the line of a *csv.ParseError, or line otherwise.
func csvLine(err error, line int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return line
}
