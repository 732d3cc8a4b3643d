package track

import (
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// gpxSeeds are hand-written GPX inputs: the table test asserts each, and
// FuzzGPX starts from them.
var gpxSeeds = []struct {
	name, in string
	n        int
	err      error
	field    string
}{
	{"gpx 1.1 two points", `<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="39.9" lon="116.3"><ele>50.5</ele><time>2024-05-01T08:00:00Z</time></trkpt>
<trkpt lat="39.9001" lon="116.3001"><time>2024-05-01T08:00:05Z</time></trkpt>
</trkseg></trk></gpx>`, 2, nil, ""},
	{"gpx 1.0 speed and course", `<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>
<trkpt lat="-33.5" lon="151.25"><time>2024-05-01T08:00:00+08:00</time><speed>1.4</speed><course>90</course></trkpt>
</trkseg></trk></gpx>`, 1, nil, ""},
	{"waypoints and routes skipped", `<gpx><wpt lat="1" lon="1"/><rte><rtept lat="1" lon="2"/></rte>
<trk><trkseg></trkseg></trk></gpx>`, 0, nil, ""},
	{"two segments", `<gpx><trk><trkseg><trkpt lat="1" lon="1"><time>2024-01-01T00:00:00Z</time></trkpt></trkseg>
<trkseg><trkpt lat="1" lon="1.001"><time>2024-01-01T00:01:00.5Z</time></trkpt></trkseg></trk></gpx>`, 2, nil, ""},
	{"missing time", `<gpx><trk><trkseg><trkpt lat="1" lon="1"></trkpt></trkseg></trk></gpx>`, 0, ErrMissingField, "time"},
	{"missing lon", `<gpx><trk><trkseg><trkpt lat="1"><time>2024-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>`, 0, ErrMissingField, "lon"},
	{"bad lat", `<gpx><trk><trkseg><trkpt lat="north" lon="1"/></trkseg></trk></gpx>`, 0, ErrBadValue, "lat"},
	{"lat out of range", `<gpx><trk><trkseg><trkpt lat="91" lon="1"/></trkseg></trk></gpx>`, 0, ErrOutOfRange, "lat"},
	{"NaN lon", `<gpx><trk><trkseg><trkpt lat="1" lon="NaN"/></trkseg></trk></gpx>`, 0, ErrBadValue, "lon"},
	{"bad time", `<gpx><trk><trkseg><trkpt lat="1" lon="1"><time>yesterday</time></trkpt></trkseg></trk></gpx>`, 0, ErrBadValue, "time"},
	{"bad ele", `<gpx><trk><trkseg><trkpt lat="1" lon="1"><ele>high</ele></trkpt></trkseg></trk></gpx>`, 0, ErrBadValue, "ele"},
	{"not gpx", `<kml><Placemark/></kml>`, 0, ErrSyntax, ""},
	{"empty", ``, 0, ErrSyntax, ""},
	{"truncated", `<gpx><trk><trkseg><trkpt lat="1" lon="1">`, 0, ErrSyntax, ""},
}

func TestGPXSeeds(t *testing.T) {
	for _, tc := range gpxSeeds {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := DecodeGPX(strings.NewReader(tc.in), DecodeOptions{Worker: "w1"})
			checkContract(t, "gpx", pts, err)
			checkSeed(t, pts, err, tc.n, tc.err, tc.field)
		})
	}
}

func TestGPXValues(t *testing.T) {
	pts, err := DecodeGPX(strings.NewReader(gpxSeeds[1].in), DecodeOptions{Worker: "w1"})
	if err != nil {
		t.Fatal(err)
	}
	want := patrol.TrackPoint{Worker: "w1", Time: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		Point: orb.Point{151.25, -33.5}, Speed: 1.4, Bearing: 90}
	if pts[0] != want {
		t.Errorf("got %+v\nwant %+v", pts[0], want)
	}
}

// TestGPXFiles decodes the real phone tracks; counts are those of the
// data manifest, first points are read off the files.
func TestGPXFiles(t *testing.T) {
	tests := []struct {
		file  string
		n     int
		first patrol.TrackPoint
	}{
		{"gpx/visnjan.gpx", 413, patrol.TrackPoint{Time: time.Date(2014, 8, 22, 16, 48, 52, 0, time.UTC),
			Point: orb.Point{13.715185, 45.273245}, Altitude: 271}},
		{"gpx/Mojstrovka.gpx", 184, patrol.TrackPoint{Time: time.Date(1901, 12, 13, 20, 45, 52, 207343700, time.UTC),
			Point: orb.Point{13.748273, 46.434981}, Altitude: 1614.678}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			pts, err := DecodeGPX(openData(t, tc.file), DecodeOptions{Source: tc.file})
			checkContract(t, "gpx", pts, err)
			if err != nil {
				t.Fatal(err)
			}
			if len(pts) != tc.n {
				t.Errorf("got %d points, want %d", len(pts), tc.n)
			}
			if pts[0] != tc.first {
				t.Errorf("first point %+v\nwant %+v", pts[0], tc.first)
			}
		})
	}
}

func FuzzGPX(f *testing.F) {
	for _, s := range gpxSeeds {
		f.Add(s.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pts, err := DecodeGPX(strings.NewReader(in), DecodeOptions{})
		checkContract(t, "gpx", pts, err)
	})
}
