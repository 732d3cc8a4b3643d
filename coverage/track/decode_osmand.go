package track

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// The OsmAnd protocol as Traccar Client (Android, iOS) and OsmAnd's live
// tracking send it, in two forms.
//
// Query or form fields: id or deviceid; lat and lon, or location=lat,lon;
// timestamp as epoch seconds, epoch milliseconds (told apart by magnitude,
// see maxEpochSeconds) or ISO 8601; speed in KNOTS; bearing or heading in
// degrees; altitude and accuracy in metres; batt in percent.
//
// JSON (Traccar Client 8+): {"device_id": …, "location": {"timestamp": ISO
// or epoch, "coords": {"latitude", "longitude", "accuracy", "speed" in
// m/s, "heading", "altitude"}, "battery": {"level": fraction 0..1}}}, or
// "locations": [ … ] in place of "location".
//
// In both forms a negative speed, bearing, accuracy or battery level is
// the phone's "unknown" (iOS sends -1) and becomes 0, "not reported".

// DeviceFix is a position as a device reports it, before the device id is
// resolved to a worker; Point.Worker is empty.
type DeviceFix struct {
	Device string
	Point  patrol.TrackPoint
}

// DecodeOsmAnd reads one fix from the query or form fields of an OsmAnd /
// Traccar Client request.
func DecodeOsmAnd(v url.Values) (DeviceFix, error) {
	w := newWhere("osmand", "")
	var f DeviceFix
	f.Device = strings.TrimSpace(v.Get("id"))
	if f.Device == "" {
		f.Device = strings.TrimSpace(v.Get("deviceid"))
	}
	if f.Device == "" {
		return f, w.fail("id", ErrMissingField, nil)
	}
	var lat, lon float64
	var err error
	latField, lonField := "lat", "lon"
	if loc := v.Get("location"); loc != "" && v.Get("lat") == "" {
		latField, lonField = "location", "location"
		a, b, ok := strings.Cut(loc, ",")
		if !ok {
			return f, w.failf("location", ErrBadValue, "%q is not lat,lon", loc)
		}
		if lat, err = parseNum(a); err != nil {
			return f, w.fail("location", ErrBadValue, err)
		}
		if lon, err = parseNum(b); err != nil {
			return f, w.fail("location", ErrBadValue, err)
		}
	} else {
		if lat, err = queryNum(w, v, "lat", true); err != nil {
			return f, err
		}
		if lon, err = queryNum(w, v, "lon", true); err != nil {
			return f, err
		}
	}
	if err := w.checkLatLon(lat, lon, latField, lonField); err != nil {
		return f, err
	}
	p := &f.Point
	p.Point = orb.Point{lon, lat}
	ts := v.Get("timestamp")
	if ts == "" {
		return f, w.fail("timestamp", ErrMissingField, nil)
	}
	if p.Time, err = parseTimeValue(unescapePlus(ts)); err != nil {
		return f, w.badTime("timestamp", err)
	}
	bearingField := "bearing"
	if v.Get(bearingField) == "" {
		bearingField = "heading"
	}
	for _, o := range []struct {
		name  string
		dst   *float64
		scale float64
	}{
		{"speed", &p.Speed, KnotToMS}, {bearingField, &p.Bearing, 1},
		{"altitude", &p.Altitude, 1}, {"accuracy", &p.Accuracy, 1}, {"batt", &p.Battery, 1},
	} {
		x, err := queryNum(w, v, o.name, false)
		if err != nil {
			return f, err
		}
		*o.dst = x * o.scale
	}
	p.Speed, p.Bearing, p.Accuracy, p.Battery = known(p.Speed), known(p.Bearing), known(p.Accuracy), known(p.Battery)
	return f, nil
}

// unescapePlus restores the '+' of an ISO 8601 zone offset that a client
// left unescaped in a query, so that it arrived as a space:
// "2024-05-01T08:00:00 08:00" is "2024-05-01T08:00:00+08:00".
func unescapePlus(ts string) string {
	if len(ts) > 19 && ts[10] == 'T' {
		if i := strings.LastIndexByte(ts, ' '); i >= 19 {
			return ts[:i] + "+" + ts[i+1:]
		}
	}
	return ts
}

// queryNum reads a numeric field; an absent optional field is 0.
func queryNum(w where, v url.Values, name string, required bool) (float64, error) {
	s := v.Get(name)
	if s == "" {
		if required {
			return 0, w.fail(name, ErrMissingField, nil)
		}
		return 0, nil
	}
	x, err := parseNum(s)
	if err != nil {
		return 0, w.fail(name, ErrBadValue, err)
	}
	return x, nil
}

// known maps the phones' negative "unknown" to 0, "not reported".
func known(v float64) float64 {
	if v < 0 {
		return 0
	}
	return v
}

type osmandJSON struct {
	DeviceID  any              `json:"device_id"`
	Location  *osmandLocation  `json:"location"`
	Locations []osmandLocation `json:"locations"`
}

type osmandLocation struct {
	Timestamp any `json:"timestamp"`
	Coords    struct {
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
		Accuracy  float64  `json:"accuracy"`
		Speed     float64  `json:"speed"`
		Heading   float64  `json:"heading"`
		Altitude  float64  `json:"altitude"`
	} `json:"coords"`
	Battery struct {
		Level *float64 `json:"level"`
	} `json:"battery"`
}

// DecodeOsmAndJSON reads the JSON form of the protocol: one location, or
// several under "locations", all from one device.
func DecodeOsmAndJSON(r io.Reader) ([]DeviceFix, error) {
	w := newWhere("osmand", "")
	var body osmandJSON
	if err := json.NewDecoder(r).Decode(&body); err != nil {
		return nil, w.jsonFail(err)
	}
	var device string
	switch id := body.DeviceID.(type) {
	case string:
		device = strings.TrimSpace(id)
	case float64:
		device = fmt.Sprint(id)
	}
	if device == "" {
		return nil, w.fail("device_id", ErrMissingField, nil)
	}
	locs := body.Locations
	if body.Location != nil {
		locs = []osmandLocation{*body.Location}
	} else {
		w.feature = 0
	}
	if len(locs) == 0 {
		return nil, w.fail("location", ErrMissingField, nil)
	}
	fixes := make([]DeviceFix, 0, len(locs))
	for i, l := range locs {
		if w.feature >= 0 {
			w.feature = i
		}
		p, err := l.point(w)
		if err != nil {
			return nil, err
		}
		fixes = append(fixes, DeviceFix{Device: device, Point: p})
	}
	return fixes, nil
}

func (l osmandLocation) point(w where) (patrol.TrackPoint, error) {
	c := l.Coords
	switch {
	case c.Latitude == nil:
		return patrol.TrackPoint{}, w.fail("coords.latitude", ErrMissingField, nil)
	case c.Longitude == nil:
		return patrol.TrackPoint{}, w.fail("coords.longitude", ErrMissingField, nil)
	}
	if err := w.checkLatLon(*c.Latitude, *c.Longitude, "coords.latitude", "coords.longitude"); err != nil {
		return patrol.TrackPoint{}, err
	}
	if l.Timestamp == nil {
		return patrol.TrackPoint{}, w.fail("timestamp", ErrMissingField, nil)
	}
	t, err := parseTimeValue(l.Timestamp)
	if err != nil {
		return patrol.TrackPoint{}, w.badTime("timestamp", err)
	}
	p := patrol.TrackPoint{
		Time:     t,
		Point:    orb.Point{*c.Longitude, *c.Latitude},
		Accuracy: known(c.Accuracy),
		Speed:    known(c.Speed),
		Bearing:  known(c.Heading),
		Altitude: c.Altitude,
	}
	if l.Battery.Level != nil {
		p.Battery = known(*l.Battery.Level * 100)
	}
	return p, nil
}
