package open311

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"wangge/coverage/incident"

	"github.com/paulmach/orb"
)

// maxDescription is GeoReport v2's limit on a description, in characters.
const maxDescription = 4000

// ParsePost reads the form of POST requests.json into a draft for Create
// (no ID: the caller assigns one). service_code must name a configured
// category; lat and long (WGS-84 degrees) come together, and either they
// or address_string must be given; an address alone gives a draft flagged
// FlagNoLocation. description is at most 4,000 characters and media_url an
// absolute http(s) URL. Personal fields (email, names, phone, device_id)
// are not kept. Bad input gives a *FieldError naming the field.
func (o *Catalog) ParsePost(form url.Values) (incident.Incident, error) {
	var d incident.Incident
	code := strings.TrimSpace(form.Get("service_code"))
	switch {
	case code == "":
		return d, fieldErr("service_code", ErrMissingField, "required")
	case o.byCode[code] == nil:
		return d, fieldErr("service_code", ErrUnknownService, "%q (GET services.json lists the codes)", code)
	}
	d.Category = code
	d.Address = strings.TrimSpace(form.Get("address_string"))
	lat, long := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	switch {
	case lat == "" && long == "" && d.Address == "":
		return d, fieldErr("lat", ErrMissingField, "lat and long, or address_string, are required")
	case lat == "" && long == "":
		d.Flags = []string{incident.FlagNoLocation}
	case lat == "":
		return d, fieldErr("lat", ErrMissingField, "long given without lat")
	case long == "":
		return d, fieldErr("long", ErrMissingField, "lat given without long")
	default:
		y, err := parseDegrees("lat", lat, 90)
		if err != nil {
			return d, err
		}
		x, err := parseDegrees("long", long, 180)
		if err != nil {
			return d, err
		}
		d.Location = orb.Point{x, y}
	}
	d.Description = strings.TrimSpace(form.Get("description"))
	if n := utf8.RuneCountInString(d.Description); n > maxDescription {
		return d, fieldErr("description", ErrOutOfRange, "%d characters, at most %d", n, maxDescription)
	}
	if d.MediaURL = strings.TrimSpace(form.Get("media_url")); d.MediaURL != "" {
		u, err := url.Parse(d.MediaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return d, fieldErr("media_url", ErrBadValue, "%q is not an absolute http(s) URL", d.MediaURL)
		}
	}
	return d, nil
}

// parseDegrees reads a coordinate within ±limit degrees.
func parseDegrees(field, s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fieldErr(field, ErrBadValue, "%q is not a number", s)
	}
	if !(v >= -limit && v <= limit) {
		return 0, fieldErr(field, ErrOutOfRange, "%s outside ±%g", s, limit)
	}
	return v, nil
}

// Filter is the query of GET requests.json. When IDs is set the
// other fields are ignored, as GeoReport v2 says. Zero From and To are
// open; both bounds are inclusive on the requested datetime.
type Filter struct {
	IDs      []incident.ID
	Codes    []string
	Statuses []string // Open311Open, Open311Closed
	From     time.Time
	To       time.Time
}

// ParseFilter reads and checks the query of GET requests.json:
// service_request_id, service_code and status as comma-separated lists
// (codes must be configured, statuses open or closed), start_date and
// end_date as ISO 8601 (RFC 3339, or a date alone meaning midnight in the
// configured zone), the end not before the start. The spec's default window
// (the last 90 days) is the caller's to apply. Bad input gives a
// *FieldError naming the field.
func (o *Catalog) ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	for _, id := range commaList(q.Get("service_request_id")) {
		f.IDs = append(f.IDs, incident.ID(id))
	}
	f.Codes = commaList(q.Get("service_code"))
	for _, c := range f.Codes {
		if o.byCode[c] == nil {
			return f, fieldErr("service_code", ErrUnknownService, "%q", c)
		}
	}
	f.Statuses = commaList(q.Get("status"))
	for _, s := range f.Statuses {
		if s != Open311Open && s != Open311Closed {
			return f, fieldErr("status", ErrBadValue, "%q (want open or closed)", s)
		}
	}
	var err error
	if f.From, err = o.parseDate("start_date", q.Get("start_date")); err != nil {
		return f, err
	}
	if f.To, err = o.parseDate("end_date", q.Get("end_date")); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, fieldErr("end_date", ErrOutOfRange, "%s is before start_date", q.Get("end_date"))
	}
	return f, nil
}

// commaList splits a comma-separated list, dropping blanks.
func commaList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseDate reads an ISO 8601 datetime; empty gives the zero time.
func (o *Catalog) parseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, o.zone); err == nil {
		return t, nil
	}
	return time.Time{}, fieldErr(field, ErrBadValue, "%q is not an ISO 8601 date or datetime with offset", s)
}

// Match reports whether an incident passes the filter.
func (f Filter) Match(inc incident.Incident) bool {
	if len(f.IDs) > 0 {
		return slices.Contains(f.IDs, inc.ID)
	}
	return (len(f.Codes) == 0 || slices.Contains(f.Codes, inc.Category)) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, Status(inc.Status))) &&
		(f.From.IsZero() || !inc.Reported.Before(f.From)) && (f.To.IsZero() || !inc.Reported.After(f.To))
}
