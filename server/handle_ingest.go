package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
)

// ingestResult is the answer of every ingest route: how many fixes came
// in, how many survived cleaning, how many of those were new to the store
// (a re-sent batch gives 0) and, by reason, how many cleaning dropped
// (reasons with no drop are left out; see track.CleanReport).
type ingestResult struct {
	Received int            `json:"received"`
	Kept     int            `json:"kept"`
	New      int            `json:"new"`
	Dropped  map[string]int `json:"dropped"`
}

// anchorWindow is how far back ingest looks for a worker's last stored
// fix: beyond it, a fix could have come from anywhere a worker may travel.
const anchorWindow = 10 * time.Minute

// ingest cleans pts (track.Clean, with the request time as Now, so that
// fixes from a phone clock that runs ahead are dropped) and stores what is
// kept in one atomic PutTrackPoints call.
//
// Each worker's last stored fix before the batch (within anchorWindow)
// goes in front of the batch as the anchor of the speed and spike checks,
// and is taken out again after cleaning: the phone apps send one fix a
// request, and a batch of one has no neighbour to be checked against.
func (s *Server) ingest(c echo.Context, pts []patrol.TrackPoint, now time.Time) (ingestResult, error) {
	ctx := c.Request().Context()
	anchors, err := s.anchors(ctx, pts)
	if err != nil {
		return ingestResult{}, err
	}
	kept, rep := track.Clean(append(anchors, pts...), track.CleanOptions{Now: now})
	type key struct {
		w patrol.WorkerID
		t int64
	}
	isAnchor := make(map[key]bool, len(anchors))
	for _, a := range anchors {
		isAnchor[key{a.Worker, a.Time.UnixNano()}] = true
	}
	kept = slices.DeleteFunc(kept, func(p patrol.TrackPoint) bool { return isAnchor[key{p.Worker, p.Time.UnixNano()}] })
	rep.Input -= len(anchors)
	rep.Kept = len(kept)
	res := ingestResult{Received: rep.Input, Kept: rep.Kept, Dropped: droppedByReason(rep)}
	if len(kept) > 0 {
		n, err := s.store.PutTrackPoints(ctx, kept)
		if err != nil {
			return res, fmt.Errorf("server: store %d fixes: %w", len(kept), err)
		}
		res.New = n
	}
	s.logger(c).Info("fixes ingested", "received", res.Received, "kept", res.Kept, "new", res.New, "token", tokenID(c))
	return res, nil
}

// anchors returns, for each worker of pts, its last stored fix in the
// anchorWindow before its first fix in pts, when there is one that
// cleaning keeps (accuracy within track.DefaultMaxAccuracy), so that
// it is always kept as the first fix of its worker.
func (s *Server) anchors(ctx context.Context, pts []patrol.TrackPoint) ([]patrol.TrackPoint, error) {
	first := map[patrol.WorkerID]time.Time{}
	for _, p := range pts {
		if t, ok := first[p.Worker]; !ok || p.Time.Before(t) {
			first[p.Worker] = p.Time
		}
	}
	var out []patrol.TrackPoint
	for _, w := range slices.Sorted(maps.Keys(first)) {
		a, ok, err := s.anchor(ctx, w, first[w])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// anchor finds the last usable fix of w before t. It reads the last
// minute first (a dozen fixes at the apps' usual 5 s) and the whole
// anchorWindow only when that minute holds none.
func (s *Server) anchor(ctx context.Context, w patrol.WorkerID, t time.Time) (patrol.TrackPoint, bool, error) {
	for _, back := range []time.Duration{time.Minute, anchorWindow} {
		prev, err := s.store.TrackPoints(ctx, data.TrackQuery{Worker: w, From: t.Add(-back), To: t})
		if err != nil {
			return patrol.TrackPoint{}, false, fmt.Errorf("server: last fixes of %s: %w", w, err)
		}
		for i := len(prev) - 1; i >= 0; i-- {
			if prev[i].Accuracy <= track.DefaultMaxAccuracy {
				return prev[i], true, nil
			}
		}
	}
	return patrol.TrackPoint{}, false, nil
}

// droppedByReason turns the counts of a CleanReport into a map keyed by
// the report's JSON names, without the zero counts.
func droppedByReason(r track.CleanReport) map[string]int {
	m := map[string]int{}
	for reason, n := range map[string]int{
		"invalid": r.Invalid, "future": r.Future, "accuracy": r.Accuracy, "duplicate": r.Duplicate,
		"conflict": r.Conflict, "jump": r.Jump, "speed": r.Speed,
	} {
		if n > 0 {
			m[reason] = n
		}
	}
	return m
}

// trackBatch is the batch JSON of POST /api/v1/tracks.
type trackBatch struct {
	Type   string       `json:"type"` // set only when the body is GeoJSON
	Worker string       `json:"worker"`
	Points []batchPoint `json:"points"`
}

// batchPoint is one fix of a batch: time in RFC 3339, lon and lat in
// WGS-84 degrees, accuracy and altitude in metres, speed in m/s, bearing in
// degrees, battery in percent.
type batchPoint struct {
	Time     *string  `json:"time"`
	Lon      *float64 `json:"lon"`
	Lat      *float64 `json:"lat"`
	Accuracy float64  `json:"accuracy"`
	Speed    float64  `json:"speed"`
	Bearing  float64  `json:"bearing"`
	Altitude float64  `json:"altitude"`
	Battery  float64  `json:"battery"`
}

// postTracks answers POST /api/v1/tracks. The body is a batch
// {"worker": ID, "points": [{time, lon, lat, …}]} or a GeoJSON track
// (track.DecodeGeoJSON: Points with a time property, LineStrings with
// times; the worker is the "worker" property or ?worker=). A worker token
// writes only its own track; admins, planners and leaders any registered
// worker's. One malformed fix rejects the whole batch (400 naming it);
// plausible but bad fixes are dropped by cleaning and counted.
func (s *Server) postTracks(c echo.Context) error {
	now := time.Now()
	var worker string
	err := eachParam(c.QueryParams(), []string{"worker"}, func(_, v string) error { worker = v; return nil })
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return fmt.Errorf("server: read body: %w", err)
	}
	pts, err := decodeTracks(raw, patrol.WorkerID(worker))
	if err != nil {
		return err
	}
	if err := s.checkTrackOwners(c, pts); err != nil {
		return err
	}
	res, err := s.ingest(c, pts, now)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, res)
}

// decodeTracks reads a batch or a GeoJSON body; worker is the default
// worker of ?worker=.
func decodeTracks(raw []byte, worker patrol.WorkerID) ([]patrol.TrackPoint, error) {
	var b trackBatch
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, batchJSONError(raw, err)
	}
	if b.Type == "FeatureCollection" || b.Type == "Feature" {
		pts, err := track.DecodeGeoJSON(bytes.NewReader(raw), track.DecodeOptions{Source: "body", Worker: worker})
		if err != nil {
			return nil, decodeError(err, "features")
		}
		for i, p := range pts {
			if p.Worker == "" {
				return nil, &BodyError{Field: fmt.Sprintf("fix %d", i),
					Reason: `no worker: give a "worker" property or ?worker=`}
			}
		}
		return pts, nil
	}
	if b.Type != "" {
		return nil, &BodyError{Field: "type", Reason: fmt.Sprintf("%q: want a batch {worker, points} or a GeoJSON FeatureCollection or Feature", b.Type)}
	}
	if b.Worker == "" {
		b.Worker = string(worker)
	}
	if b.Worker == "" {
		return nil, &BodyError{Field: "worker", Reason: "missing: name the worker whose track this is"}
	}
	if len(b.Points) == 0 {
		return nil, &BodyError{Field: "points", Reason: "missing or empty: send at least one fix"}
	}
	pts := make([]patrol.TrackPoint, len(b.Points))
	for i, p := range b.Points {
		tp, err := p.trackPoint(i, patrol.WorkerID(b.Worker))
		if err != nil {
			return nil, err
		}
		pts[i] = tp
	}
	return pts, nil
}

// batchJSONError locates a JSON error of a batch body: the point that
// cannot be decoded when it is one (found in a second, slower pass, so that
// good batches are scanned once), else the position encoding/json gives.
func batchJSONError(raw []byte, err error) error {
	var loose struct {
		Points []json.RawMessage `json:"points"`
	}
	if json.Unmarshal(raw, &loose) == nil {
		for i, rp := range loose.Points {
			var p batchPoint
			if perr := json.Unmarshal(rp, &p); perr != nil {
				return &BodyError{Field: fmt.Sprintf("points[%d]", i), Reason: perr.Error()}
			}
		}
	}
	return &BodyError{Field: jsonWhere(err), Reason: err.Error()}
}

// decodeError locates a decoding failure of package coverage in the body
// for a BodyError: items names the array the decoder's item index counts
// in ("features", "locations").
func decodeError(err error, items string) error {
	var de *track.DecodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("server: read positions: %w", err)
	}
	field := de.Field
	if de.Feature >= 0 {
		field = strings.TrimSuffix(fmt.Sprintf("%s[%d].%s", items, de.Feature, de.Field), ".")
	}
	return &BodyError{Field: field, Reason: de.Err.Error()}
}

// trackPoint checks p, the i-th point of a batch, and converts it.
func (p batchPoint) trackPoint(i int, worker patrol.WorkerID) (patrol.TrackPoint, error) {
	bad := func(field, reason string) (patrol.TrackPoint, error) {
		return patrol.TrackPoint{}, &BodyError{Field: fmt.Sprintf("points[%d].%s", i, field), Reason: reason}
	}
	if p.Time == nil {
		return bad("time", "missing: give the fix time in RFC 3339")
	}
	t, err := time.Parse(time.RFC3339Nano, *p.Time)
	if err != nil {
		return bad("time", fmt.Sprintf("%q is not an RFC 3339 time such as 2024-05-01T08:00:00+08:00", *p.Time))
	}
	switch {
	case p.Lon == nil:
		return bad("lon", "missing")
	case p.Lat == nil:
		return bad("lat", "missing")
	case !(math.Abs(*p.Lon) <= 180):
		return bad("lon", fmt.Sprintf("%v is outside [-180, 180]", *p.Lon))
	case !(math.Abs(*p.Lat) <= 90):
		return bad("lat", fmt.Sprintf("%v is outside [-90, 90]", *p.Lat))
	}
	return patrol.TrackPoint{Worker: worker, Time: t.UTC(), Point: [2]float64{*p.Lon, *p.Lat},
		Accuracy: p.Accuracy, Speed: p.Speed, Bearing: p.Bearing, Altitude: p.Altitude, Battery: p.Battery}, nil
}

// checkTrackOwners refuses fixes the token may not write: a worker token
// writes only its own worker's fixes; every worker named must be
// registered.
func (s *Server) checkTrackOwners(c echo.Context, pts []patrol.TrackPoint) error {
	tok, _ := TokenFrom(c)
	seen := map[patrol.WorkerID]bool{}
	for i, p := range pts {
		if seen[p.Worker] {
			continue
		}
		seen[p.Worker] = true
		if tok.Role == data.RoleWorker && p.Worker != tok.Worker {
			return &ScopeError{TokenID: tok.ID, Reason: scopeReason(tok, "the track of worker "+string(p.Worker))}
		}
		if _, err := s.store.Worker(c.Request().Context(), p.Worker); errors.Is(err, data.ErrNotFound) {
			return &BodyError{Field: fmt.Sprintf("fix %d", i), Reason: fmt.Sprintf(
				"worker %q is not registered; create it with POST /api/v1/workers first", p.Worker)}
		} else if err != nil {
			return fmt.Errorf("server: worker %q: %w", p.Worker, err)
		}
	}
	return nil
}
