package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"wangge/coverage/incident"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// Incident files: a CSV file with a header row, or a GeoJSON
// FeatureCollection of Point features, one incident per row or feature.
// Both name the same fields: id, category, description, address,
// media_url, reported, reporter and status, and for CSV also lat and lon
// (WGS-84 degrees). id, category, reported and the location are required;
// the other fields may be absent or empty. reported is ISO 8601 with a UTC
// offset ("2026-03-03T08:00:00+08:00" or "…Z"; a space may stand for the
// T): a time without one is refused rather than guessed. status is empty,
// "reported" (the default) or "discovered", the two states a new incident
// starts in. The decoders return drafts for incident.Create, in file order.

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

// incidentCSVRequired are the columns a CSV header must have.
var incidentCSVRequired = []string{incID, incCategory, incLat, incLon, incReported}

// incidentRecord is one row or feature's fields as text, by field name.
type incidentRecord map[string]string

// draft checks the record and turns it into a draft incident at loc. On
// error it names the field at fault.
func (r incidentRecord) draft(loc orb.Point) (incident.Incident, string, error) {
	d := incident.Incident{ID: incident.ID(r[incID]), Category: r[incCategory],
		Description: r[incDescription], Address: r[incAddress], MediaURL: r[incMediaURL],
		Reporter: patrol.WorkerID(r[incReporter]), Location: loc}
	for _, f := range append([]string{incID}, incidentTextFields...) {
		if v := r[f]; !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return d, f, fmt.Errorf("%w: %.40q is not UTF-8 text", ErrBadValue, v)
		}
	}
	switch {
	case d.ID == "":
		return d, incID, fmt.Errorf("%w: empty id", ErrMissingID)
	case strings.TrimSpace(d.Category) == "":
		return d, incCategory, fmt.Errorf("%w: empty category", ErrMissingValue)
	}
	var err error
	if d.Reported, err = parseReported(r[incReported]); err != nil {
		return d, incReported, err
	}
	switch s := incident.Status(r[incStatus]); s {
	case "", incident.StatusReported, incident.StatusDiscovered:
		d.Status = s
	default:
		return d, incStatus, fmt.Errorf("%w: status %.40q: a new incident is reported or discovered", ErrBadValue, s)
	}
	return d, "", nil
}

// parseReported reads an ISO 8601 time with a UTC offset.
func parseReported(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: no report time", ErrMissingValue)
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	if _, local := time.Parse("2006-01-02T15:04:05.999999999", s); local == nil {
		return time.Time{}, fmt.Errorf("%w: time %q has no UTC offset (add Z or +08:00)", ErrBadValue, s)
	}
	return time.Time{}, fmt.Errorf("%w: time %.40q is not ISO 8601 (2026-03-03T08:00:00+08:00)", ErrBadValue, s)
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
// its columns; they are matched case-insensitively, others are ignored).
// The whole file is refused at the first bad row with an *Error
// naming the file, the line and the column: invalid CSV (ErrInvalidCSV), a
// missing column (ErrMissingColumn), a missing or repeated id
// (ErrMissingID, ErrDuplicateID), an empty required value
// (ErrMissingValue) or a bad one (ErrBadValue).
func DecodeIncidentsCSV(r io.Reader, name string) ([]incident.Incident, error) {
	fail := func(line int, field string, err error) error {
		return &Error{File: name, Line: line, Feature: -1, Field: field, Err: err}
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail(1, "", fmt.Errorf("%w: no header row", ErrInvalidCSV))
	}
	if err != nil {
		return nil, fail(csvLine(err, 1), "", fmt.Errorf("%w: %w", ErrInvalidCSV, err))
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := cols[h]; dup && h != "" {
			return nil, fail(1, h, fmt.Errorf("%w: column %q twice in the header", ErrInvalidCSV, h))
		}
		cols[h] = i
	}
	for _, c := range incidentCSVRequired {
		if _, ok := cols[c]; !ok {
			return nil, fail(1, c, fmt.Errorf("%w: no %q column in header %q", ErrMissingColumn, c, strings.Join(header, ",")))
		}
	}
	var out []incident.Incident
	seen := map[incident.ID]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fail(csvLine(err, 0), "", fmt.Errorf("%w: %w", ErrInvalidCSV, err))
		}
		line, _ := cr.FieldPos(0)
		ir := incidentRecord{}
		for _, f := range append([]string{incID, incLat, incLon}, incidentTextFields...) {
			if i, ok := cols[f]; ok {
				ir[f] = rec[i]
			}
		}
		var ll [2]float64
		for i, f := range []string{incLat, incLon} {
			if strings.TrimSpace(ir[f]) == "" {
				return nil, fail(line, f, fmt.Errorf("%w: empty %s", ErrMissingValue, f))
			}
			if ll[i], err = strconv.ParseFloat(strings.TrimSpace(ir[f]), 64); err != nil {
				return nil, fail(line, f, fmt.Errorf("%w: %.40q is not a number", ErrBadValue, ir[f]))
			}
		}
		if field, err := checkLonLat(ll[1], ll[0], incLon, incLat); err != nil {
			return nil, fail(line, field, err)
		}
		d, field, err := ir.draft(orb.Point{ll[1], ll[0]})
		if err != nil {
			return nil, fail(line, field, err)
		}
		if first, dup := seen[d.ID]; dup {
			return nil, fail(line, incID, fmt.Errorf("%w: %q is also on line %d", ErrDuplicateID, d.ID, first))
		}
		seen[d.ID] = line
		out = append(out, d)
	}
}

// csvLine is the line of a *csv.ParseError, or line otherwise.
func csvLine(err error, line int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return line
}
