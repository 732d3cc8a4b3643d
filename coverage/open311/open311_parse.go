package open311

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/internal/window"
)

// maxDescription is GeoReport v2's limit on a description, in characters.
const maxDescription = 4000

// ParsePost reads the form of POST requests.json into a draft for Create
// (no ID: the caller assigns one). service_code must name a configured
// category; lat and long (WGS-84 degrees, not both 0) come together, and
// either they or address_string must be given; an address alone gives a draft flagged
// FlagNoLocation. description is at most 4,000 characters and media_url an
// absolute http(s) URL. Personal fields (email, names, phone, device_id)
// are not kept. Bad input gives a *FieldError naming the field.
func (o *Catalog) ParsePost(form url.Values) (incident.Incident, error) {
	var d incident.Incident
	code := strings.TrimSpace(form.Get("service_code"))
	switch {
	case code == "":
		return d, fieldErr("service_code", ErrMissingField, "required")
	case o.byService[code] == nil:
		return d, fieldErr("service_code", ErrUnknownService, "%q (GET services.json lists the codes)", code)
	}
	d.Category = o.byService[code].Code
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
		if x == 0 && y == 0 {
			return d, fieldErr("lat", ErrOutOfRange, "(0, 0) is what a device sends without a fix; send address_string alone instead")
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
// other fields are ignored, as GeoReport v2 says. The window is on the
// requested datetime, [From, To) as everywhere in wangge (internal/window);
// zero bounds are open.
type Filter struct {
	IDs   []incident.ID
	Codes []string // category codes (Incident.Category) of the service codes asked for
	// configured are the configured categories when the DefaultCategory
	// service is asked for: it also matches every category not in it.
	configured map[string]*Category
	Statuses   []string // Open311Open, Open311Closed
	window.Window
}

// ParseFilter reads and checks the query of GET requests.json:
// service_request_id, service_code and status as comma-separated lists
// (codes must be configured, statuses open or closed), start_date and
// end_date as the from and to of a window (internal/window: W3C datetimes
// with an offset, or a date alone meaning midnight in the configured zone;
// start_date is in the window, end_date is not, and must be after it).
// The spec's default window (the last 90 days) is the caller's to apply.
// Bad input gives a *FieldError naming the field.
func (o *Catalog) ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	for _, id := range commaList(q.Get("service_request_id")) {
		f.IDs = append(f.IDs, incident.ID(id))
	}
	for _, code := range commaList(q.Get("service_code")) {
		c := o.byService[code]
		if c == nil {
			return f, fieldErr("service_code", ErrUnknownService, "%q", code)
		}
		f.Codes = append(f.Codes, c.Code)
		if c.Code == DefaultCategory {
			f.configured = o.byCode
		}
	}
	f.Statuses = commaList(q.Get("status"))
	for _, s := range f.Statuses {
		if s != Open311Open && s != Open311Closed {
			return f, fieldErr("status", ErrBadValue, "%q (want open or closed)", s)
		}
	}
	var err error
	if f.Window, err = window.Parse(q.Get("start_date"), q.Get("end_date"), o.zone); err != nil {
		return f, windowError(err)
	}
	return f, nil
}

// windowError names the field of a window error as GeoReport v2 does:
// start_date for from, end_date for to.
func windowError(err error) error {
	var we *window.Error
	if !errors.As(err, &we) {
		return err
	}
	field := "start_date"
	if we.Field == "to" {
		field = "end_date"
	}
	return fieldErr(field, we.Err, "%q: %s", we.Value, we.Reason)
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

// Match reports whether an incident passes the filter.
func (f Filter) Match(inc incident.Incident) bool {
	if len(f.IDs) > 0 {
		return slices.Contains(f.IDs, inc.ID)
	}
	return (len(f.Codes) == 0 || slices.Contains(f.Codes, inc.Category) || f.configured != nil && f.configured[inc.Category] == nil) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, Status(inc.Status))) &&
		f.Contains(inc.Reported)
}
