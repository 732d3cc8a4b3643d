package importer

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
)

// IncidentOptions say how to read a city's incident export. The zero value
// reads the file contract of import_incidents.go: fields under their own
// names, the default status vocabulary, a repeated id, a row without a
// location or at (0, 0) refuse the file.
type IncidentOptions struct {
	// Columns maps a field (id, category, description, address,
	// media_url, reported, reporter, status, lat, lon) onto the CSV column
	// or GeoJSON property holding it in the export ("id" →
	// "service_request_id"). A field not mapped is read under its own name.
	Columns map[string]string
	// Statuses maps status values of the export, compared without regard to
	// case or surrounding space ("Closed", "In Progress"), onto states of
	// the incident loop; they extend and override DefaultStatuses.
	Statuses map[string]incident.Status
	// Duplicates says what a repeated id does: DuplicatesReject (the
	// default) refuses the file, DuplicatesFirst keeps the first row of
	// the id and DuplicatesLast the last; the rows left out are Skipped.
	Duplicates Duplicates
	// Unlocated says what a row without a usable location does: no
	// coordinates, (0, 0) — what many systems export for "unknown" — or,
	// when Inside is set, a point Inside refuses. UnlocatedReject (the
	// default) refuses the file, UnlocatedSkip leaves the row out.
	Unlocated Unlocated
	// Inside, when set, tells whether a point lies in the territory (in
	// some area); rows outside it count as unlocated (ReasonOutside).
	Inside func(orb.Point) bool
	// Zone is the time zone of report times written without a UTC offset
	// (as many exports write them); nil refuses such times.
	Zone *time.Location
	// TimeLayout, when set, is the Go layout of report times
	// ("01/02/2006 03:04:05 PM"), read in Zone (UTC when nil) unless the
	// layout has an offset; else times are ISO 8601.
	TimeLayout string
}

// Duplicates is what a repeated incident id does (IncidentOptions).
type Duplicates string

// The answers to a repeated id.
const (
	DuplicatesReject Duplicates = "reject"
	DuplicatesFirst  Duplicates = "first"
	DuplicatesLast   Duplicates = "last"
)

// Unlocated is what a row without a usable location does
// (IncidentOptions).
type Unlocated string

// The answers to a row without a usable location.
const (
	UnlocatedReject Unlocated = "reject"
	UnlocatedSkip   Unlocated = "skip"
)

// Reason is why a row was left out of an import.
type Reason string

// The reasons a row is left out.
const (
	ReasonDuplicate  Reason = "duplicate_id"  // its id is on a row kept instead
	ReasonNoLocation Reason = "no_location"   // no coordinates
	ReasonZero       Reason = "zero_location" // at (0, 0)
	ReasonOutside    Reason = "outside_areas" // in no area of the territory
)

// Skip is one row left out: its CSV line (0 for GeoJSON) or GeoJSON
// feature (-1 for CSV), its id, and why.
type Skip struct {
	Line    int
	Feature int
	ID      incident.ID
	Reason  Reason
	Detail  string
}

// String is the row and the reason, as the import prints it.
func (s Skip) String() string {
	where := fmt.Sprintf("line %d", s.Line)
	if s.Feature >= 0 {
		where = fmt.Sprintf("feature %d", s.Feature)
	}
	return fmt.Sprintf("%s (id %q): %s: %s", where, s.ID, s.Reason, s.Detail)
}

// Incidents is a decoded incident file: the drafts to create, in file
// order, and the rows left out. A draft's Status is the state of the
// export (any state; incident.Imported starts it there), empty for
// reported.
type Incidents struct {
	Rows    int // data rows or features read
	Drafts  []incident.Incident
	Skipped []Skip
}

// Counts are the rows left out, by reason.
func (in Incidents) Counts() map[Reason]int {
	out := map[Reason]int{}
	for _, s := range in.Skipped {
		out[s.Reason]++
	}
	return out
}

// DefaultStatuses is the status vocabulary every import knows, by lower
// case value: our own states and the values Open311 exports and city 311
// systems commonly use (Open, Closed, Completed, In Progress, Assigned,
// New). An empty status is reported.
func DefaultStatuses() map[string]incident.Status {
	m := map[string]incident.Status{
		"open": incident.StatusReported, "new": incident.StatusReported, "submitted": incident.StatusReported,
		"assigned": incident.StatusAccepted, "acknowledged": incident.StatusAccepted,
		"in progress": incident.StatusHandling, "in_progress": incident.StatusHandling, "pending": incident.StatusHandling,
		"completed": incident.StatusResolved, "fixed": incident.StatusResolved,
		"canceled": incident.StatusRejected, "cancelled": incident.StatusRejected,
	}
	for _, s := range incident.ImportStates {
		m[string(s)] = s
	}
	return m
}

// Validate checks the options: mapped fields exist, statuses map onto
// states an import may start in (incident.ImportStates), the policies
// are known. Its error wraps ErrBadOption.
func (o IncidentOptions) Validate() error {
	for field, col := range o.Columns {
		if !slices.Contains(incidentFields, field) {
			return fmt.Errorf("%w: cannot map %q: the fields are %s", ErrBadOption, field, strings.Join(incidentFields, ", "))
		}
		if strings.TrimSpace(col) == "" {
			return fmt.Errorf("%w: field %q mapped onto an empty column name", ErrBadOption, field)
		}
	}
	for v, s := range o.Statuses {
		if !slices.Contains(incident.ImportStates, s) {
			return fmt.Errorf("%w: status %q maps onto %q, not a state an import starts in", ErrBadOption, v, s)
		}
	}
	if !slices.Contains([]Duplicates{"", DuplicatesReject, DuplicatesFirst, DuplicatesLast}, o.Duplicates) {
		return fmt.Errorf("%w: duplicates %q: want reject, first or last", ErrBadOption, o.Duplicates)
	}
	if !slices.Contains([]Unlocated{"", UnlocatedReject, UnlocatedSkip}, o.Unlocated) {
		return fmt.Errorf("%w: unlocated %q: want reject or skip", ErrBadOption, o.Unlocated)
	}
	return nil
}

// column is the CSV column or GeoJSON property of a field, lower case
// for CSV headers.
func (o IncidentOptions) column(field string) string {
	return cmp.Or(o.Columns[field], field)
}

// incidentRows collects the rows of one file, applying the options: it
// maps statuses, keeps the first or last row of a repeated id and leaves
// unlocated rows out, or refuses them.
type incidentRows struct {
	o        IncidentOptions
	statuses map[string]incident.Status
	out      Incidents
	at       map[incident.ID]int // index in out.Drafts of each id kept
	where    []Skip              // the place of each draft, for a later Skip
	dropped  []bool              // drafts replaced by a later row (DuplicatesLast)
}

func newIncidentRows(o IncidentOptions) *incidentRows {
	st := DefaultStatuses()
	for v, s := range o.Statuses {
		st[strings.ToLower(strings.TrimSpace(v))] = s
	}
	return &incidentRows{o: o, statuses: st, at: map[incident.ID]int{}}
}

// status reads a status value through the vocabulary.
func (r *incidentRows) status(v string) (incident.Status, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return "", nil
	}
	if s, ok := r.statuses[v]; ok {
		return s, nil
	}
	known := slices.Sorted(maps.Keys(r.statuses))
	return "", fmt.Errorf("%w: status %.40q is not in the vocabulary (%s); map it with --status VALUE=STATE", ErrBadValue, v, strings.Join(known, ", "))
}

// located checks the location of a row: ok false with the reason when it
// has none usable.
func (r *incidentRows) located(p orb.Point, missing bool) (Reason, string) {
	switch {
	case missing:
		return ReasonNoLocation, "no coordinates"
	case isZero(p[0], p[1]):
		return ReasonZero, "at (0, 0), what the export writes for an unknown place"
	case r.o.Inside != nil && !r.o.Inside(p):
		return ReasonOutside, fmt.Sprintf("(%v, %v) is in no area of the territory", p[0], p[1])
	}
	return "", ""
}

// unlocated leaves a row out, or refuses the file with err naming the
// location field when the options say reject.
func (r *incidentRows) unlocated(s Skip) error {
	if r.o.Unlocated != UnlocatedSkip {
		return fmt.Errorf("%w: %s: %s (skip such rows with --unlocated skip)", ErrBadValue, s.Reason, s.Detail)
	}
	r.out.Skipped = append(r.out.Skipped, s)
	return nil
}

// add takes a good draft found at where, or returns the error refusing a
// repeated id (naming where the id was first).
func (r *incidentRows) add(d incident.Incident, where Skip) error {
	i, dup := r.at[d.ID]
	if !dup {
		r.at[d.ID] = len(r.out.Drafts)
		r.out.Drafts = append(r.out.Drafts, d)
		r.where = append(r.where, where)
		r.dropped = append(r.dropped, false)
		return nil
	}
	first := r.where[i]
	switch r.o.Duplicates {
	case DuplicatesFirst:
		where.Reason, where.Detail = ReasonDuplicate, "the id's first row, "+place(first)+", is kept"
		r.out.Skipped = append(r.out.Skipped, where)
	case DuplicatesLast:
		first.Reason, first.Detail = ReasonDuplicate, "the id's last row, "+place(where)+", is kept"
		r.out.Skipped = append(r.out.Skipped, first)
		r.dropped[i] = true
		r.at[d.ID] = len(r.out.Drafts)
		r.out.Drafts = append(r.out.Drafts, d)
		r.where = append(r.where, where)
		r.dropped = append(r.dropped, false)
	default:
		return fmt.Errorf("%w: %q is also on %s (keep one with --duplicates first or last)", ErrDuplicateID, d.ID, place(first))
	}
	return nil
}

// place names a row: its line or feature.
func place(s Skip) string {
	if s.Feature >= 0 {
		return fmt.Sprintf("feature %d", s.Feature)
	}
	return fmt.Sprintf("line %d", s.Line)
}

// done returns the file: the drafts kept in file order, the skips in
// file order.
func (r *incidentRows) done() Incidents {
	out := r.out
	out.Drafts = nil
	for i, d := range r.out.Drafts {
		if !r.dropped[i] {
			out.Drafts = append(out.Drafts, d)
		}
	}
	slices.SortStableFunc(out.Skipped, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Feature, b.Feature))
	})
	return out
}

// parseTime reads a report time: with TimeLayout, in that layout and
// Zone; else ISO 8601, an offset required unless Zone is set.
func (o IncidentOptions) parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: no report time", ErrMissingValue)
	}
	zone := cmp.Or(o.Zone, time.UTC)
	if o.TimeLayout != "" {
		t, err := time.ParseInLocation(o.TimeLayout, s, zone)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: time %.40q is not in the layout %q", ErrBadValue, s, o.TimeLayout)
		}
		return t, nil
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, local := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, zone)
	switch {
	case local == nil && o.Zone != nil:
		return t, nil
	case local == nil:
		return time.Time{}, fmt.Errorf("%w: time %q has no UTC offset (add Z or +08:00, or give the export's --zone)", ErrBadValue, s)
	}
	return time.Time{}, fmt.Errorf("%w: time %.40q is not ISO 8601 (2026-03-03T08:00:00+08:00)", ErrBadValue, s)
}

// isZero reports whether a coordinate pair is (0, 0) within float noise.
func isZero(lon, lat float64) bool { return math.Abs(lon) < 1e-9 && math.Abs(lat) < 1e-9 }
