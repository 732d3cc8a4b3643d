package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
)

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
	res, err := s.app.IngestFixes(c.Request().Context(), principal(c), pts)
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
				return &BodyError{Field: fmt.Sprintf("points[%d]", i), Reason: jsonReason(perr)}
			}
		}
	}
	return &BodyError{Field: jsonWhere(err), Reason: jsonReason(err)}
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
	return &BodyError{Field: field, Reason: jsonReason(de.Err)}
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
