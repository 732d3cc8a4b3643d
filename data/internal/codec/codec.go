package codec

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// This file holds what both stores share: the text and binary forms of
// attributes, lists, geometries and times, and the checks every Put runs
// before it writes anything.

// EncodeMap writes string attributes as a JSON object ("{}" when empty).
func EncodeMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// DecodeMap reads what EncodeMap wrote; empty text, null and {} give nil.
func DecodeMap(text string) (map[string]string, error) {
	if text == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("data: attributes %.40q: %w", text, err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// EncodeList writes a list of ids or flags as a JSON array ("[]" when empty).
func EncodeList[S ~string](xs []S) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs) // a slice of strings always marshals
	return string(b)
}

// DecodeList reads what EncodeList wrote; empty text, null and [] give nil.
func DecodeList[S ~string](text string) ([]S, error) {
	if text == "" {
		return nil, nil
	}
	var xs []S
	if err := json.Unmarshal([]byte(text), &xs); err != nil {
		return nil, fmt.Errorf("data: list %.40q: %w", text, err)
	}
	if len(xs) == 0 {
		return nil, nil
	}
	return xs, nil
}

// EncodeWKB writes a geometry as little-endian WKB.
func EncodeWKB(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("data: encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	return b, nil
}

// DecodeMultiPolygon reads WKB holding a MultiPolygon or a Polygon.
func DecodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("data: decode WKB: %w", err)
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("data: decode WKB: got %s, want MultiPolygon", g.GeoJSONType())
}

// DecodeMultiLineString reads WKB holding a MultiLineString or a
// LineString.
func DecodeMultiLineString(b []byte) (orb.MultiLineString, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("data: decode WKB: %w", err)
	}
	switch g := g.(type) {
	case orb.MultiLineString:
		return g, nil
	case orb.LineString:
		return orb.MultiLineString{g}, nil
	}
	return nil, fmt.Errorf("data: decode WKB: got %s, want MultiLineString", g.GeoJSONType())
}

// DecodePoint reads WKB holding a Point.
func DecodePoint(b []byte) (orb.Point, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return orb.Point{}, fmt.Errorf("data: decode WKB: %w", err)
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("data: decode WKB: got %s, want Point", g.GeoJSONType())
	}
	return p, nil
}

// TimeLayout is ISO 8601 in UTC with a fixed microsecond fraction, so that
// text order is time order. Both stores keep times to the microsecond.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// EncodeTime writes t as TimeLayout text; the zero time is NULL.
func EncodeTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: t.UTC().Format(TimeLayout), Valid: true}
}

// DecodeTime reads what EncodeTime wrote; NULL gives the zero time.
func DecodeTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("data: time %q: %w", s.String, err)
	}
	return t.UTC(), nil
}

// Micros is t as microseconds since 1970 (the key of track points).
func Micros(t time.Time) int64 { return t.UnixMicro() }

// FromMicros is the UTC time of a Micros value.
func FromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// Invalid makes an error wrapping ErrInvalid.
func Invalid(format string, args ...any) error {
	return data.Refuse(data.ErrInvalid, format, args...)
}

// CheckBatch runs check on every item and returns the first failure as an
// *ItemError naming the item.
func CheckBatch[T any](kind string, items []T, id func(T) string, check func(T) error) error {
	for i, it := range items {
		if err := check(it); err != nil {
			return &data.ItemError{Kind: kind, Index: i, ID: id(it), Err: err}
		}
	}
	return nil
}

func CheckID[S ~string](id S) error {
	if id == "" {
		return Invalid("empty id")
	}
	return nil
}

func CheckPoint(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
		return Invalid("point %v is not a WGS-84 longitude, latitude", p)
	}
	return nil
}

func CheckMultiPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return Invalid("no geometry")
	}
	for _, poly := range mp {
		if len(poly) == 0 {
			return Invalid("empty polygon")
		}
		for _, ring := range poly {
			if len(ring) < 4 {
				return Invalid("ring of %d points, want at least 4", len(ring))
			}
			for _, p := range ring {
				if err := CheckPoint(p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func CheckArea(a partition.Area) error {
	if err := CheckID(a.ID); err != nil {
		return err
	}
	if !a.Level.Valid() {
		return Invalid("unknown level %q", a.Level)
	}
	return CheckMultiPolygon(a.Geometry)
}

func CheckBlock(b partition.Block) error {
	if err := CheckID(b.ID); err != nil {
		return err
	}
	if b.Households < 0 || b.Population < 0 {
		return Invalid("negative households or population")
	}
	return CheckMultiPolygon(b.Geometry)
}

func CheckBuilding(b partition.Building) error {
	if err := CheckID(b.ID); err != nil {
		return err
	}
	return CheckMultiPolygon(b.Geometry)
}

func CheckMultiLineString(ml orb.MultiLineString) error {
	if len(ml) == 0 {
		return Invalid("no geometry")
	}
	for i, line := range ml {
		if len(line) < 2 {
			return Invalid("line %d of %d points, want at least 2", i, len(line))
		}
		for _, p := range line {
			if err := CheckPoint(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func CheckRoad(r partition.Road) error {
	if err := CheckID(r.ID); err != nil {
		return err
	}
	return CheckMultiLineString(r.Geometry)
}

func CheckGrid(g partition.Grid) error {
	if err := CheckID(g.ID); err != nil {
		return err
	}
	if g.Kind != partition.Basic && g.Kind != partition.Dedicated {
		return Invalid("unknown grid kind %q", g.Kind)
	}
	return CheckMultiPolygon(g.Geometry)
}

// CheckPlan checks the plan and each grid; a bad grid is named by an
// *ItemError inside the plan's.
func CheckPlan(p partition.Plan) error {
	if err := CheckID(p.ID); err != nil {
		return err
	}
	if p.Status != partition.PlanDraft && p.Status != partition.PlanPublished && p.Status != partition.PlanSuperseded {
		return Invalid("unknown plan status %q", p.Status)
	}
	seen := make(map[partition.GridID]bool, len(p.Grids))
	return CheckBatch("grid", p.Grids, func(g partition.Grid) string { return string(g.ID) }, func(g partition.Grid) error {
		if seen[g.ID] {
			return Invalid("grid id repeated in the plan")
		}
		seen[g.ID] = true
		if g.Plan != "" && g.Plan != p.ID {
			return Invalid("grid belongs to plan %q", g.Plan)
		}
		return CheckGrid(g)
	})
}

func CheckWorker(w patrol.Worker) error {
	if err := CheckID(w.ID); err != nil {
		return err
	}
	if !w.Role.Valid() {
		return Invalid("unknown role %q", w.Role)
	}
	return nil
}

func CheckTrackPoint(p patrol.TrackPoint) error {
	if p.Worker == "" {
		return Invalid("no worker")
	}
	if p.Time.IsZero() {
		return Invalid("no time")
	}
	return CheckPoint(p.Point)
}

// IncidentStatuses are the states of incident.Status.
var IncidentStatuses = map[incident.Status]bool{
	incident.StatusDiscovered: true, incident.StatusReported: true, incident.StatusAccepted: true,
	incident.StatusHandling: true, incident.StatusResolved: true, incident.StatusClosed: true,
	incident.StatusEscalated: true, incident.StatusReturned: true, incident.StatusRejected: true,
	incident.StatusDuplicate: true,
}

func CheckIncident(in incident.Incident) error {
	if err := CheckID(in.ID); err != nil {
		return err
	}
	if !IncidentStatuses[in.Status] {
		return Invalid("unknown status %q", in.Status)
	}
	if in.Reported.IsZero() {
		return Invalid("no report time")
	}
	for i, e := range in.Events {
		if e.Time.IsZero() || !IncidentStatuses[e.To] {
			return Invalid("event %d: no time or unknown status %q", i, e.To)
		}
	}
	return CheckPoint(in.Location)
}

func CheckKeyPlace(k patrol.KeyPlace) error {
	if err := CheckID(k.ID); err != nil {
		return err
	}
	if k.VisitInterval < 0 {
		return Invalid("negative visit interval")
	}
	return CheckPoint(k.Location)
}

func CheckToken(t data.Token) error {
	if err := CheckID(t.ID); err != nil {
		return err
	}
	if t.Hash == "" {
		return Invalid("no hash")
	}
	if !t.Role.Valid() {
		return Invalid("unknown role %q", t.Role)
	}
	return nil
}

// EncodeResume writes the Resume of a visit state as JSON text, a worker's
// zero time kept as zero.
func EncodeResume(resume map[patrol.WorkerID]time.Time) (string, error) {
	b, err := json.Marshal(resume)
	if err != nil {
		return "", fmt.Errorf("data: visit state: %w", err)
	}
	return string(b), nil
}

// DecodeResume reads what EncodeResume wrote.
func DecodeResume(s string) (map[patrol.WorkerID]time.Time, error) {
	var resume map[patrol.WorkerID]time.Time
	if err := json.Unmarshal([]byte(s), &resume); err != nil {
		return nil, fmt.Errorf("data: visit state %q: %w", s, err)
	}
	for w, t := range resume {
		resume[w] = t.UTC()
	}
	return resume, nil
}

// NoteFixes is the visit state st after pts were stored (data.VisitState):
// a worker's fixes before its Resume time are read again from the start
// of the look-back (they may join a stop already found), and those of a
// worker without one, before Checked, from the earliest of them (none of
// the worker's fixes were read there). ok is false when nothing changes.
func NoteFixes(st data.VisitState, pts []patrol.TrackPoint) (next data.VisitState, ok bool) {
	next = data.VisitState{Version: st.Version, Since: st.Since, Checked: st.Checked, Resume: maps.Clone(st.Resume)}
	if next.Resume == nil {
		next.Resume = map[patrol.WorkerID]time.Time{}
	}
	for _, p := range pts {
		r, known := next.Resume[p.Worker]
		switch {
		case known && p.Time.Before(r):
			if _, before := st.Resume[p.Worker]; before {
				r = time.Time{} // the worker's fixes were read from r: all again
			} else {
				r = p.Time // none were: from the earliest of the new
			}
		case !known && p.Time.Before(st.Checked):
			r = p.Time
		default:
			continue
		}
		next.Resume[p.Worker] = r.UTC()
		ok = true
	}
	return next, ok
}
