package open311

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/internal/window"
)

func TestParsePost(t *testing.T) {
	o := testOpen311(t)
	ok := "service_code=litter&lat=34.805&long=117.505"
	cases := []struct {
		name  string
		form  string
		field string // empty: accepted
		want  error
		check func(incident.Incident) bool
	}{
		{"lat and long", ok + "&description=bags&media_url=https://example.org/a.jpg", "", nil, func(d incident.Incident) bool {
			return d.Category == "litter" && d.Location == orb.Point{117.505, 34.805} && d.Description == "bags" &&
				d.MediaURL == "https://example.org/a.jpg" && len(d.Flags) == 0
		}},
		{"address only", "service_code=dispute&address_string=Gate+2", "", nil, func(d incident.Incident) bool {
			return d.Address == "Gate 2" && slices.Equal(d.Flags, []string{incident.FlagNoLocation})
		}},
		{"personal fields dropped", ok + "&first_name=Li&phone=123&email=a@b.c", "", nil, func(d incident.Incident) bool {
			return d.Description == "" && d.Address == ""
		}},
		{"no service_code", "lat=34.8&long=117.5", "service_code", ErrMissingField, nil},
		{"unknown service_code", "service_code=pothole&lat=34.8&long=117.5", "service_code", ErrUnknownService, nil},
		{"no location", "service_code=litter", "lat", ErrMissingField, nil},
		{"address_id alone", "service_code=litter&address_id=42", "lat", ErrMissingField, nil},
		{"long without lat", "service_code=litter&long=117.5", "lat", ErrMissingField, nil},
		{"lat without long", "service_code=litter&lat=34.8", "long", ErrMissingField, nil},
		{"lat not a number", "service_code=litter&lat=north&long=117.5", "lat", ErrBadValue, nil},
		{"lat 91", "service_code=litter&lat=91&long=117.5", "lat", ErrOutOfRange, nil},
		{"at (0, 0)", "service_code=litter&lat=0&long=0.0", "lat", ErrOutOfRange, nil},
		{"long NaN", "service_code=litter&lat=34.8&long=NaN", "long", ErrOutOfRange, nil},
		{"long -180.5", "service_code=litter&lat=34.8&long=-180.5", "long", ErrOutOfRange, nil},
		{"description too long", ok + "&description=" + strings.Repeat("x", 4001), "description", ErrOutOfRange, nil},
		{"media_url not http", ok + "&media_url=ftp://example.org/a.jpg", "media_url", ErrBadValue, nil},
		{"media_url relative", ok + "&media_url=a.jpg", "media_url", ErrBadValue, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := o.ParsePost(mustQuery(t, c.form))
			if c.field == "" {
				if err != nil || !c.check(d) {
					t.Fatalf("draft %+v, err %v", d, err)
				}
				return
			}
			wantFieldError(t, err, c.field, c.want)
		})
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// wantFieldError fails unless err is a *FieldError on field wrapping want.
func wantFieldError(t *testing.T, err error, field string, want error) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, want) {
		t.Fatalf("err %v, want field %s and %v", err, field, want)
	}
}

func TestParseFilter(t *testing.T) {
	o := testOpen311(t)
	cases := []struct {
		name  string
		query string
		field string
		want  error
		check func(Filter) bool
	}{
		{"empty", "", "", nil, func(f Filter) bool {
			return f.IDs == nil && f.Codes == nil && f.Statuses == nil && f.From.IsZero() && f.To.IsZero()
		}},
		{"id list", "service_request_id=I1,+I2,,I3", "", nil, func(f Filter) bool {
			return slices.Equal(f.IDs, []incident.ID{"I1", "I2", "I3"})
		}},
		{"codes and statuses", "service_code=litter,dispute&status=open,closed", "", nil, func(f Filter) bool {
			return slices.Equal(f.Codes, []string{"litter", "dispute"}) && slices.Equal(f.Statuses, []string{"open", "closed"})
		}},
		{"dates", "start_date=2026-03-01T00:00:00-05:00&end_date=2026-03-02", "", nil, func(f Filter) bool {
			return f.From.Equal(time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)) && f.To.Equal(time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC))
		}},
		{"unknown code", "service_code=pothole", "service_code", ErrUnknownService, nil},
		{"bad status", "status=pending", "status", ErrBadValue, nil},
		{"W3C datetime to the minute", "end_date=2026-03-01T10:30-05:00", "", nil, func(f Filter) bool {
			return f.From.IsZero() && f.To.Equal(time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC))
		}},
		{"bad start", "start_date=yesterday", "start_date", window.ErrSyntax, nil},
		{"datetime without offset", "end_date=2026-03-01T10:00:00", "end_date", window.ErrSyntax, nil},
		{"end before start", "start_date=2026-03-02&end_date=2026-03-01", "end_date", window.ErrOrder, nil},
		{"end at start: an empty window", "start_date=2026-03-01&end_date=2026-03-01", "end_date", window.ErrOrder, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := o.ParseFilter(mustQuery(t, c.query))
			if c.field == "" {
				if err != nil || !c.check(f) {
					t.Fatalf("filter %+v, err %v", f, err)
				}
				return
			}
			wantFieldError(t, err, c.field, c.want)
		})
	}
}

func TestFilterMatch(t *testing.T) {
	open := incidenttest.New(t, "I1") // litter, reported at t0
	closed := incidenttest.New(t, "I2")
	incidenttest.Apply(t, &closed, incidenttest.Step{To: incident.StatusRejected, Actor: incidenttest.Leader})
	cases := []struct {
		name string
		f    Filter
		want [2]bool // open, closed
	}{
		{"all", Filter{}, [2]bool{true, true}},
		{"by id, other fields ignored", Filter{IDs: []incident.ID{"I2"}, Statuses: []string{"open"}}, [2]bool{false, true}},
		{"open", Filter{Statuses: []string{"open"}}, [2]bool{true, false}},
		{"closed", Filter{Statuses: []string{"closed"}}, [2]bool{false, true}},
		{"other code", Filter{Codes: []string{"dispute"}}, [2]bool{false, false}},
		{"from at report time", Filter{Window: window.Window{From: incidenttest.T0}}, [2]bool{true, true}},
		{"from after", Filter{Window: window.Window{From: incidenttest.T0.Add(time.Second)}}, [2]bool{false, false}},
		{"to just after report time", Filter{Window: window.Window{To: incidenttest.T0.Add(time.Nanosecond)}}, [2]bool{true, true}},
		{"to at report time excludes it", Filter{Window: window.Window{To: incidenttest.T0}}, [2]bool{false, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := [2]bool{c.f.Match(open), c.f.Match(closed)}; got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// rejected reports whether err is set, failing when it is not a *FieldError.
func rejected(t *testing.T, err error) bool {
	t.Helper()
	var fe *FieldError
	if err != nil && !errors.As(err, &fe) {
		t.Fatalf("untyped error %v", err)
	}
	return err != nil
}

// FuzzParsePost checks that any form either gives a usable draft or a
// *FieldError.
func FuzzParsePost(f *testing.F) {
	for _, s := range []string{"service_code=litter&lat=34.805&long=117.505", "service_code=dispute&address_string=Gate+2",
		"service_code=litter&lat=1e400&long=0", "service_code=litter&lat=-0&long=+180", "lat=%zz", ""} {
		f.Add(s)
	}
	o := testOpen311(f)
	f.Fuzz(func(t *testing.T, body string) {
		parsed, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		d, err := o.ParsePost(parsed)
		if rejected(t, err) {
			return
		}
		if o.byCode[d.Category] == nil {
			t.Fatalf("unknown category %q accepted", d.Category)
		}
		if !slices.Contains(d.Flags, incident.FlagNoLocation) && (!(d.Location[1] >= -90 && d.Location[1] <= 90) || !(d.Location[0] >= -180 && d.Location[0] <= 180)) {
			t.Fatalf("location %v accepted", d.Location)
		}
	})
}

// FuzzParseFilter checks that any query either gives a consistent filter or
// a *FieldError.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"service_request_id=1,2", "status=open&service_code=litter",
		"start_date=2026-03-01&end_date=2026-03-01T23:59:59+08:00", "end_date=0000-01-01", "start_date=2026-02-30"} {
		f.Add(s)
	}
	o := testOpen311(f)
	f.Fuzz(func(t *testing.T, query string) {
		parsed, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, err := o.ParseFilter(parsed)
		if rejected(t, err) {
			return
		}
		if !flt.From.IsZero() && !flt.To.IsZero() && !flt.To.After(flt.From) {
			t.Fatalf("end %v not after start %v accepted", flt.To, flt.From)
		}
		for _, s := range flt.Statuses {
			if s != Open311Open && s != Open311Closed {
				t.Fatalf("status %q accepted", s)
			}
		}
	})
}
