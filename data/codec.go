package data

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// This file holds what both stores share: the text and binary forms of
// attributes, lists, geometries and times, and the checks every Put runs
// before it writes anything.

// encodeMap writes string attributes as a JSON object ("{}" when empty).
func encodeMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// decodeMap reads what encodeMap wrote; empty text, null and {} give nil.
func decodeMap(text string) (map[string]string, error) {
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

// encodeList writes a list of ids or flags as a JSON array ("[]" when empty).
func encodeList[S ~string](xs []S) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs) // a slice of strings always marshals
	return string(b)
}

// decodeList reads what encodeList wrote; empty text, null and [] give nil.
func decodeList[S ~string](text string) ([]S, error) {
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

// encodeWKB writes a geometry as little-endian WKB.
func encodeWKB(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("data: encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	return b, nil
}

// decodeMultiPolygon reads WKB holding a MultiPolygon or a Polygon.
func decodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
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

// decodeMultiLineString reads WKB holding a MultiLineString or a
// LineString.
func decodeMultiLineString(b []byte) (orb.MultiLineString, error) {
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

// decodePoint reads WKB holding a Point.
func decodePoint(b []byte) (orb.Point, error) {
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

// timeLayout is ISO 8601 in UTC with a fixed microsecond fraction, so that
// text order is time order. Both stores keep times to the microsecond.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// encodeTime writes t as timeLayout text; the zero time is NULL.
func encodeTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: t.UTC().Format(timeLayout), Valid: true}
}

// decodeTime reads what encodeTime wrote; NULL gives the zero time.
func decodeTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("data: time %q: %w", s.String, err)
	}
	return t.UTC(), nil
}

// micros is t as microseconds since 1970 (the key of track points).
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros is the UTC time of a micros value.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// invalid makes an error wrapping ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// checkBatch runs check on every item and returns the first failure as an
// *ItemError naming the item.
func checkBatch[T any](kind string, items []T, id func(T) string, check func(T) error) error {
	for i, it := range items {
		if err := check(it); err != nil {
			return &ItemError{Kind: kind, Index: i, ID: id(it), Err: err}
		}
	}
	return nil
}

func checkID[S ~string](id S) error {
	if id == "" {
		return invalid("empty id")
	}
	return nil
}

func checkPoint(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
		return invalid("point %v is not a WGS-84 longitude, latitude", p)
	}
	return nil
}

func checkMultiPolygon(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return invalid("no geometry")
	}
	for _, poly := range mp {
		if len(poly) == 0 {
			return invalid("empty polygon")
		}
		for _, ring := range poly {
			if len(ring) < 4 {
				return invalid("ring of %d points, want at least 4", len(ring))
			}
			for _, p := range ring {
				if err := checkPoint(p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkArea(a partition.Area) error {
	if err := checkID(a.ID); err != nil {
		return err
	}
	if !a.Level.Valid() {
		return invalid("unknown level %q", a.Level)
	}
	return checkMultiPolygon(a.Geometry)
}

func checkBlock(b partition.Block) error {
	if err := checkID(b.ID); err != nil {
		return err
	}
	if b.Households < 0 || b.Population < 0 {
		return invalid("negative households or population")
	}
	return checkMultiPolygon(b.Geometry)
}

func checkBuilding(b partition.Building) error {
	if err := checkID(b.ID); err != nil {
		return err
	}
	return checkMultiPolygon(b.Geometry)
}

func checkMultiLineString(ml orb.MultiLineString) error {
	if len(ml) == 0 {
		return invalid("no geometry")
	}
	for i, line := range ml {
		if len(line) < 2 {
			return invalid("line %d of %d points, want at least 2", i, len(line))
		}
		for _, p := range line {
			if err := checkPoint(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkRoad(r partition.Road) error {
	if err := checkID(r.ID); err != nil {
		return err
	}
	return checkMultiLineString(r.Geometry)
}

func checkGrid(g partition.Grid) error {
	if err := checkID(g.ID); err != nil {
		return err
	}
	if g.Kind != partition.Basic && g.Kind != partition.Dedicated {
		return invalid("unknown grid kind %q", g.Kind)
	}
	return checkMultiPolygon(g.Geometry)
}

// checkPlan checks the plan and each grid; a bad grid is named by an
// *ItemError inside the plan's.
func checkPlan(p partition.Plan) error {
	if err := checkID(p.ID); err != nil {
		return err
	}
	if p.Status != partition.PlanDraft && p.Status != partition.PlanPublished {
		return invalid("unknown plan status %q", p.Status)
	}
	seen := make(map[partition.GridID]bool, len(p.Grids))
	return checkBatch("grid", p.Grids, func(g partition.Grid) string { return string(g.ID) }, func(g partition.Grid) error {
		if seen[g.ID] {
			return invalid("grid id repeated in the plan")
		}
		seen[g.ID] = true
		if g.Plan != "" && g.Plan != p.ID {
			return invalid("grid belongs to plan %q", g.Plan)
		}
		return checkGrid(g)
	})
}

func checkWorker(w patrol.Worker) error {
	if err := checkID(w.ID); err != nil {
		return err
	}
	if !w.Role.Valid() {
		return invalid("unknown role %q", w.Role)
	}
	return nil
}

func checkTrackPoint(p patrol.TrackPoint) error {
	if p.Worker == "" {
		return invalid("no worker")
	}
	if p.Time.IsZero() {
		return invalid("no time")
	}
	return checkPoint(p.Point)
}

// incidentStatuses are the states of incident.Status.
var incidentStatuses = map[incident.Status]bool{
	incident.StatusDiscovered: true, incident.StatusReported: true, incident.StatusAccepted: true,
	incident.StatusHandling: true, incident.StatusResolved: true, incident.StatusClosed: true,
	incident.StatusEscalated: true, incident.StatusReturned: true, incident.StatusRejected: true,
	incident.StatusDuplicate: true,
}

func checkIncident(in incident.Incident) error {
	if err := checkID(in.ID); err != nil {
		return err
	}
	if !incidentStatuses[in.Status] {
		return invalid("unknown status %q", in.Status)
	}
	if in.Reported.IsZero() {
		return invalid("no report time")
	}
	for i, e := range in.Events {
		if e.Time.IsZero() || !incidentStatuses[e.To] {
			return invalid("event %d: no time or unknown status %q", i, e.To)
		}
	}
	return checkPoint(in.Location)
}

func checkKeyPlace(k patrol.KeyPlace) error {
	if err := checkID(k.ID); err != nil {
		return err
	}
	if k.VisitInterval < 0 {
		return invalid("negative visit interval")
	}
	return checkPoint(k.Location)
}

func checkToken(t Token) error {
	if err := checkID(t.ID); err != nil {
		return err
	}
	if t.Hash == "" {
		return invalid("no hash")
	}
	if !t.Role.Valid() {
		return invalid("unknown role %q", t.Role)
	}
	return nil
}
