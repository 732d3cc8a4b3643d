package track

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// osmandQuerySeeds are hand-written query strings of the OsmAnd protocol.
var osmandQuerySeeds = []struct {
	name, in string
	err      error
	field    string
}{
	{"traccar client android", "id=123456&timestamp=1714550400&lat=39.9&lon=116.3&speed=0.0&bearing=0.0&altitude=44.0&accuracy=12.0&batt=87.0", nil, ""},
	{"deviceid, location, heading, ISO time", "deviceid=abc&location=39.9,116.3&timestamp=2024-05-01T08:00:00Z&heading=90", nil, ""},
	{"epoch milliseconds, iOS unknowns", "id=1&lat=39.9&lon=116.3&timestamp=1714550400123&speed=-1&bearing=-1&accuracy=-1", nil, ""},
	{"unescaped plus in zone", "id=1&lat=39.9&lon=116.3&timestamp=2024-05-01T16:00:00.000+08:00", nil, ""},
	{"missing id", "lat=39.9&lon=116.3&timestamp=1714550400", ErrMissingField, "id"},
	{"missing lat", "id=1&lon=116.3&timestamp=1714550400", ErrMissingField, "lat"},
	{"bad lon", "id=1&lat=39.9&lon=x&timestamp=1714550400", ErrBadValue, "lon"},
	{"bad location", "id=1&location=39.9&timestamp=1714550400", ErrBadValue, "location"},
	{"location out of range", "id=1&location=39.9,216.3&timestamp=1714550400", ErrOutOfRange, "location"},
	{"missing timestamp", "id=1&lat=39.9&lon=116.3", ErrMissingField, "timestamp"},
	{"bad timestamp", "id=1&lat=39.9&lon=116.3&timestamp=today", ErrBadValue, "timestamp"},
	{"bad speed", "id=1&lat=39.9&lon=116.3&timestamp=1714550400&speed=fast", ErrBadValue, "speed"},
	{"infinite battery", "id=1&lat=39.9&lon=116.3&timestamp=1714550400&batt=Inf", ErrBadValue, "batt"},
}

// osmandJSONSeeds are hand-written bodies of the JSON form.
var osmandJSONSeeds = []struct {
	name, in string
	n        int
	err      error
	field    string
}{
	{"traccar client 8", `{"location":{"timestamp":"2024-05-01T08:00:00.000Z","coords":{"latitude":39.9,"longitude":116.3,
"accuracy":5,"speed":1.5,"heading":180,"altitude":44},"is_moving":true,"odometer":10,"battery":{"level":0.5,"is_charging":false}},"device_id":"123456"}`, 1, nil, ""},
	{"locations array, numeric id and times", `{"device_id":42,"locations":[{"timestamp":1714550400,"coords":{"latitude":1,"longitude":2}},
{"timestamp":1714550405000,"coords":{"latitude":1,"longitude":2.0001},"battery":{"level":-1}}]}`, 2, nil, ""},
	{"no device", `{"location":{"timestamp":0,"coords":{"latitude":1,"longitude":2}}}`, 0, ErrMissingField, "device_id"},
	{"no location", `{"device_id":"1"}`, 0, ErrMissingField, "location"},
	{"no latitude", `{"device_id":"1","location":{"timestamp":0,"coords":{"longitude":2}}}`, 0, ErrMissingField, "coords.latitude"},
	{"longitude out of range", `{"device_id":"1","location":{"timestamp":0,"coords":{"latitude":1,"longitude":200}}}`, 0, ErrOutOfRange, "coords.longitude"},
	{"no timestamp", `{"device_id":"1","location":{"coords":{"latitude":1,"longitude":2}}}`, 0, ErrMissingField, "timestamp"},
	{"bad timestamp", `{"device_id":"1","location":{"timestamp":"soon","coords":{"latitude":1,"longitude":2}}}`, 0, ErrBadValue, "timestamp"},
	{"speed as text", `{"device_id":"1","location":{"timestamp":0,"coords":{"latitude":1,"longitude":2,"speed":"1"}}}`, 0, ErrSyntax, ""},
	{"not json", `id=1&lat=2`, 0, ErrSyntax, ""},
}

func TestOsmAndQuerySeeds(t *testing.T) {
	for _, tc := range osmandQuerySeeds {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := DecodeOsmAnd(v)
			checkContract(t, "osmand", []patrol.TrackPoint{f.Point}, err)
			checkSeed(t, []patrol.TrackPoint{f.Point}, err, 1, tc.err, tc.field)
		})
	}
}

func TestOsmAndJSONSeeds(t *testing.T) {
	for _, tc := range osmandJSONSeeds {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := DecodeOsmAndJSON(strings.NewReader(tc.in))
			pts := fixPoints(fs)
			checkContract(t, "osmand", pts, err)
			checkSeed(t, pts, err, tc.n, tc.err, tc.field)
		})
	}
}

// fixPoints returns the points of device fixes.
func fixPoints(fs []DeviceFix) []patrol.TrackPoint {
	pts := make([]patrol.TrackPoint, len(fs))
	for i, f := range fs {
		pts[i] = f.Point
	}
	return pts
}

func TestOsmAndValues(t *testing.T) {
	at := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC) // 1714550400 s
	tests := []struct {
		name string
		got  func(t *testing.T) DeviceFix
		want DeviceFix
	}{
		{"query", func(t *testing.T) DeviceFix { return osmand(t, osmandQuerySeeds[0].in) },
			DeviceFix{"123456", patrol.TrackPoint{Time: at, Point: orb.Point{116.3, 39.9}, Altitude: 44, Accuracy: 12, Battery: 87}}},
		{"query with location and heading", func(t *testing.T) DeviceFix { return osmand(t, osmandQuerySeeds[1].in) },
			DeviceFix{"abc", patrol.TrackPoint{Time: at, Point: orb.Point{116.3, 39.9}, Bearing: 90}}},
		{"query with milliseconds and unknowns", func(t *testing.T) DeviceFix { return osmand(t, osmandQuerySeeds[2].in) },
			DeviceFix{"1", patrol.TrackPoint{Time: at.Add(123 * time.Millisecond), Point: orb.Point{116.3, 39.9}}}},
		{"query with unescaped plus", func(t *testing.T) DeviceFix { return osmand(t, osmandQuerySeeds[3].in) },
			DeviceFix{"1", patrol.TrackPoint{Time: at, Point: orb.Point{116.3, 39.9}}}},
		{"json", func(t *testing.T) DeviceFix { return decodeJSONFixes(t, osmandJSONSeeds[0].in)[0] },
			DeviceFix{"123456", patrol.TrackPoint{Time: at, Point: orb.Point{116.3, 39.9}, Accuracy: 5, Speed: 1.5, Bearing: 180, Altitude: 44, Battery: 50}}},
		{"json numeric id, milliseconds, unknown battery", func(t *testing.T) DeviceFix { return decodeJSONFixes(t, osmandJSONSeeds[1].in)[1] },
			DeviceFix{"42", patrol.TrackPoint{Time: at.Add(5 * time.Second), Point: orb.Point{2.0001, 1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got(t); got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// decodeJSONFixes decodes a JSON body that must be valid.
func decodeJSONFixes(t *testing.T, in string) []DeviceFix {
	t.Helper()
	fs, err := DecodeOsmAndJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func FuzzOsmAnd(f *testing.F) {
	for _, s := range osmandQuerySeeds {
		f.Add(s.in, "")
	}
	for _, s := range osmandJSONSeeds {
		f.Add("", s.in)
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		if v, err := url.ParseQuery(query); err == nil {
			fix, err := DecodeOsmAnd(v)
			checkContract(t, "osmand", []patrol.TrackPoint{fix.Point}, err)
		}
		fs, err := DecodeOsmAndJSON(strings.NewReader(body))
		checkContract(t, "osmand", fixPoints(fs), err)
	})
}

func ExampleDecodeOsmAnd() {
	v, _ := url.ParseQuery("id=phone7&lat=39.9042&lon=116.4074&timestamp=1714550400&speed=2&batt=64")
	f, err := DecodeOsmAnd(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	// 2 knots = 3704 m / 3600 s.
	fmt.Printf("%s %s %.4f m/s %.0f%%\n", f.Device, f.Point.Time.Format(time.RFC3339), f.Point.Speed, f.Point.Battery)
	// Output: phone7 2024-05-01T08:00:00Z 1.0289 m/s 64%
}
