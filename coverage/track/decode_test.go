package track

import (
	"errors"
	"math"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"
)

// dataDir is the shared real data, beside the repository.
const dataDir = "../../../shared/data/tracks/"

// openData opens a shared data file or skips the test naming it.
func openData(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(dataDir + name)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("data file %s%s missing", dataDir, name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sentinels are the errors every DecodeError must wrap one of.
var sentinels = []error{ErrSyntax, ErrMissingField, ErrBadValue, ErrOutOfRange, ErrUnsupported, ErrColumn}

// checkContract asserts what every decoder promises on any input: valid
// points, or a *DecodeError of the format that wraps a sentinel.
func checkContract(t testing.TB, format string, pts []patrol.TrackPoint, err error) {
	t.Helper()
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
		}
		if de.Format != format {
			t.Fatalf("error format %q, want %q", de.Format, format)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v wraps no sentinel", err)
	}
	for i, p := range pts {
		lon, lat := p.Point[0], p.Point[1]
		if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
			t.Fatalf("point %d: position %v out of range", i, p.Point)
		}
		for _, v := range []float64{p.Speed, p.Bearing, p.Altitude, p.Accuracy, p.Battery} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("point %d: non-finite value in %+v", i, p)
			}
		}
		if y := p.Time.Year(); y < 0 || y > 9999 || p.Time.Location() != time.UTC {
			t.Fatalf("point %d: time %v not a UTC time in years 0-9999", i, p.Time)
		}
	}
}

// checkSeed asserts the outcome of one seed: n points, or an error that
// wraps want and names field.
func checkSeed(t *testing.T, pts []patrol.TrackPoint, err error, n int, want error, field string) {
	t.Helper()
	if want != nil {
		var de *DecodeError
		if !errors.Is(err, want) || !errors.As(err, &de) {
			t.Fatalf("got %v, want an error wrapping %v", err, want)
		}
		if de.Field != field {
			t.Fatalf("error %v names field %q, want %q", err, de.Field, field)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != n {
		t.Fatalf("got %d points, want %d", len(pts), n)
	}
}

// near reports whether a and b agree to 1e-9 relative.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// TestUnitTraps checks each unit conversion against a hand-computed value.
func TestUnitTraps(t *testing.T) {
	// 1,700,000,000 s after the epoch is 2023-11-14 22:13:20 UTC.
	epoch := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	tests := []struct {
		name string
		got  func(t *testing.T) (float64, time.Time)
		want float64
	}{
		{"osmand speed 10 knots is 18520/3600 m/s", func(t *testing.T) (float64, time.Time) {
			f := osmand(t, "id=1&lat=1&lon=2&timestamp=1700000000&speed=10")
			return f.Point.Speed, f.Point.Time
		}, 18520.0 / 3600},
		{"osmand epoch milliseconds", func(t *testing.T) (float64, time.Time) {
			f := osmand(t, "id=1&lat=1&lon=2&timestamp=1700000000000&batt=85")
			return f.Point.Battery, f.Point.Time
		}, 85},
		{"osmand JSON speed is m/s, battery a fraction", func(t *testing.T) (float64, time.Time) {
			fs, err := DecodeOsmAndJSON(strings.NewReader(`{"device_id":"1","location":{"timestamp":"2023-11-14T22:13:20Z",
				"coords":{"latitude":1,"longitude":2,"speed":3.5},"battery":{"level":0.85}}}`))
			if err != nil {
				t.Fatal(err)
			}
			if !near(fs[0].Point.Battery, 85) {
				t.Errorf("battery %v, want 85 percent", fs[0].Point.Battery)
			}
			return fs[0].Point.Speed, fs[0].Point.Time
		}, 3.5},
		{"owntracks vel 36 km/h is 10 m/s", func(t *testing.T) (float64, time.Time) {
			m, err := DecodeOwnTracks(strings.NewReader(`{"_type":"location","lat":1,"lon":2,"tst":1700000000,"vel":36,"batt":85}`))
			if err != nil {
				t.Fatal(err)
			}
			if m.Point.Battery != 85 {
				t.Errorf("battery %v, want 85 percent", m.Point.Battery)
			}
			return m.Point.Speed, m.Point.Time
		}, 10},
		{"plt altitude 1000 ft is 304.8 m", func(t *testing.T) (float64, time.Time) {
			return pltAltitude(t, "1000")
		}, 304.8},
		{"plt altitude -777 is missing", func(t *testing.T) (float64, time.Time) {
			return pltAltitude(t, "-777")
		}, 0},
		{"csv epoch auto seconds", func(t *testing.T) (float64, time.Time) {
			m := CSVMapping{Lat: "lat", Lon: "lon", Time: "t", Speed: "v", Epoch: EpochAuto}
			pts, err := DecodeCSV(strings.NewReader("lat,lon,t,v\n1,2,1700000000,1.5\n"), m, DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return pts[0].Speed, pts[0].Time
		}, 1.5},
		{"csv epoch milliseconds", func(t *testing.T) (float64, time.Time) {
			m := CSVMapping{Lat: "lat", Lon: "lon", Time: "t", Epoch: EpochMillis}
			pts, err := DecodeCSV(strings.NewReader("lat,lon,t\n1,2,1700000000000\n"), m, DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return pts[0].Point[1], pts[0].Time
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, at := tc.got(t)
			if !near(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if !at.Equal(epoch) {
				t.Errorf("time %v, want %v", at, epoch)
			}
		})
	}
}

// pltAltitude decodes a PLT fix at 2023-11-14 22:13:20 with the given
// altitude field.
func pltAltitude(t *testing.T, feet string) (float64, time.Time) {
	t.Helper()
	pts, err := DecodePLT(strings.NewReader(pltHeader+"1,2,0,"+feet+",45244.9259259259,2023-11-14,22:13:20\n"), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pts[0].Altitude, pts[0].Time
}

// osmand decodes a query string that must be valid.
func osmand(t *testing.T, q string) DeviceFix {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	f, err := DecodeOsmAnd(v)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDecodeErrorMessage(t *testing.T) {
	_, err := DecodeGPX(strings.NewReader("<gpx>\n<trk><trkseg>\n<trkpt lat=\"x\" lon=\"1\"/></trkseg></trk></gpx>"),
		DecodeOptions{Source: "walk.gpx"})
	want := `track: gpx walk.gpx: line 3: field lat: track: bad value: strconv.ParseFloat: parsing "x": invalid syntax`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}
