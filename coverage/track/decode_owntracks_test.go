package track

import (
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// ownTracksSeeds are hand-written OwnTracks HTTP bodies.
var ownTracksSeeds = []struct {
	name, in string
	ignored  bool
	err      error
	field    string
}{
	{"location", `{"_type":"location","acc":12,"alt":44,"batt":76,"bs":1,"cog":270,"conn":"m","lat":39.9,"lon":116.3,
"tid":"zh","tst":1714550400,"vel":18,"topic":"owntracks/zhang/phone"}`, false, nil, ""},
	{"location, minimal", `{"_type":"location","lat":-1,"lon":-2,"tst":0}`, false, nil, ""},
	{"transition ignored", `{"_type":"transition","event":"enter","tst":1714550400,"lat":1,"lon":2}`, true, nil, ""},
	{"lwt ignored", `{"_type":"lwt","tst":1714550400}`, true, nil, ""},
	{"no type", `{"lat":1,"lon":2,"tst":1714550400}`, false, ErrMissingField, "_type"},
	{"no lat", `{"_type":"location","lon":2,"tst":1714550400}`, false, ErrMissingField, "lat"},
	{"no tst", `{"_type":"location","lat":1,"lon":2}`, false, ErrMissingField, "tst"},
	{"lat out of range", `{"_type":"location","lat":100,"lon":2,"tst":1714550400}`, false, ErrOutOfRange, "lat"},
	{"tst out of range", `{"_type":"location","lat":1,"lon":2,"tst":1e20}`, false, ErrOutOfRange, "tst"},
	{"lat as text", `{"_type":"location","lat":"1","lon":2,"tst":1714550400}`, false, ErrSyntax, ""},
	{"truncated", `{"_type":"loc`, false, ErrSyntax, ""},
}

func TestOwnTracksSeeds(t *testing.T) {
	for _, tc := range ownTracksSeeds {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeOwnTracks(strings.NewReader(tc.in))
			checkContract(t, "owntracks", []patrol.TrackPoint{m.Point}, err)
			checkSeed(t, []patrol.TrackPoint{m.Point}, err, 1, tc.err, tc.field)
			if err == nil && m.Ignored != tc.ignored {
				t.Errorf("ignored %v, want %v", m.Ignored, tc.ignored)
			}
		})
	}
}

func TestOwnTracksValues(t *testing.T) {
	m, err := DecodeOwnTracks(strings.NewReader(ownTracksSeeds[0].in))
	if err != nil {
		t.Fatal(err)
	}
	// vel 18 km/h = 18000 m / 3600 s = 5 m/s; tst 1714550400 = 2024-05-01T08:00:00Z.
	want := OwnTracksMessage{Type: "location", TID: "zh", Topic: "owntracks/zhang/phone", Point: patrol.TrackPoint{
		Time: time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), Point: orb.Point{116.3, 39.9},
		Accuracy: 12, Speed: 5, Bearing: 270, Altitude: 44, Battery: 76}}
	if m != want {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
}

func TestOwnTracksDevice(t *testing.T) {
	tests := []struct {
		name, topic, tid, user, device, want string
	}{
		{"headers", "owntracks/li/tablet", "zh", "zhang", "phone", "zhang/phone"},
		{"user header only", "", "zh", "zhang", "", "zhang"},
		{"topic", "owntracks/li/tablet", "zh", "", "", "li/tablet"},
		{"short topic, tid", "owntracks/li", "zh", "", "", "zh"},
		{"nothing", "", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := OwnTracksMessage{Type: "location", Topic: tc.topic, TID: tc.tid}
			if got := m.Device(tc.user, tc.device); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzOwnTracks(f *testing.F) {
	for _, s := range ownTracksSeeds {
		f.Add(s.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := DecodeOwnTracks(strings.NewReader(in))
		checkContract(t, "owntracks", []patrol.TrackPoint{m.Point}, err)
	})
}
