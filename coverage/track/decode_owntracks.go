package track

import (
	"encoding/json"
	"io"
	"strings"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// OwnTracks HTTP mode: the app POSTs one JSON message a request. Only
// messages with "_type": "location" carry a position: lat, lon (degrees),
// tst (epoch seconds), acc (m), vel (km/h), cog (degrees), alt (m), batt
// (percent) and tid (a two-character tracker id). The device is the tid
// or, as most servers do, the user in the topic or the X-Limit-U header,
// which only the caller knows.

// OwnTracksMessage is a decoded OwnTracks message. Ignored is true for
// every _type other than "location" (transition, waypoint, card, lwt, …):
// the app sends them on the same endpoint, and they are not an error.
type OwnTracksMessage struct {
	Type    string // the _type
	Ignored bool
	TID     string            // tracker id, when given
	Topic   string            // MQTT-style topic, when given
	Point   patrol.TrackPoint // Worker is empty: the caller resolves the device
}

type ownTracksBody struct {
	Type  string   `json:"_type"`
	Lat   *float64 `json:"lat"`
	Lon   *float64 `json:"lon"`
	Tst   *float64 `json:"tst"`
	Acc   float64  `json:"acc"`
	Vel   float64  `json:"vel"`
	Cog   float64  `json:"cog"`
	Alt   float64  `json:"alt"`
	Batt  float64  `json:"batt"`
	TID   string   `json:"tid"`
	Topic string   `json:"topic"`
}

// DecodeOwnTracks reads one OwnTracks message.
func DecodeOwnTracks(r io.Reader) (OwnTracksMessage, error) {
	w := newWhere("owntracks", "")
	var b ownTracksBody
	if err := json.NewDecoder(r).Decode(&b); err != nil {
		return OwnTracksMessage{}, w.jsonFail(err)
	}
	m := OwnTracksMessage{Type: b.Type, TID: b.TID, Topic: b.Topic}
	switch b.Type {
	case "":
		return m, w.fail("_type", ErrMissingField, nil)
	case "location":
	default:
		m.Ignored = true
		return m, nil
	}
	switch {
	case b.Lat == nil:
		return m, w.fail("lat", ErrMissingField, nil)
	case b.Lon == nil:
		return m, w.fail("lon", ErrMissingField, nil)
	case b.Tst == nil:
		return m, w.fail("tst", ErrMissingField, nil)
	}
	if err := w.checkLatLon(*b.Lat, *b.Lon, "lat", "lon"); err != nil {
		return m, err
	}
	t, err := secondsTime(*b.Tst)
	if err != nil {
		return m, w.badTime("tst", err)
	}
	m.Point = patrol.TrackPoint{
		Time:     t,
		Point:    orb.Point{*b.Lon, *b.Lat},
		Accuracy: known(b.Acc),
		Speed:    known(b.Vel) * KmhToMS,
		Bearing:  known(b.Cog),
		Altitude: b.Alt,
		Battery:  known(b.Batt),
	}
	return m, nil
}

// Device names the device that sent m, for the caller to resolve to a
// worker: "user/device" from the X-Limit-U and X-Limit-D headers of the
// HTTP request when the caller passes them (the device part may be
// empty), else the user and device of the topic "owntracks/USER/DEVICE",
// else the tracker id; "" when the message carries none of these.
func (m OwnTracksMessage) Device(user, device string) string {
	user, device = strings.TrimSpace(user), strings.TrimSpace(device)
	switch {
	case user != "" && device != "":
		return user + "/" + device
	case user != "":
		return user
	}
	if parts := strings.Split(m.Topic, "/"); len(parts) >= 3 && parts[1] != "" && parts[2] != "" {
		return parts[1] + "/" + parts[2]
	}
	return strings.TrimSpace(m.TID)
}
