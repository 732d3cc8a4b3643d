package track

import (
	"bufio"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pltHeader is the six-line header every GeoLife PLT file starts with.
const pltHeader = "Geolife trajectory\nWGS 84\nAltitude is in Feet\nReserved 3\n0,2,255,My Track,0,0,2,8421376\n0\n"

// pltSeeds are hand-written PLT inputs (no line is taken from GeoLife).
var pltSeeds = []struct {
	name, in string
	n        int
	err      error
	field    string
}{
	{"two fixes", pltHeader + "39.9,116.3,0,100,45413.5,2024-05-01,12:00:00\n39.9001,116.3,0,-777,45413.5000578704,2024-05-01,12:00:05\n", 2, nil, ""},
	{"blank lines and CRLF", pltHeader + "39.9,116.3,0,100,45413.5,2024-05-01,12:00:00\r\n\r\n", 1, nil, ""},
	{"header only", pltHeader, 0, nil, ""},
	{"short header", "Geolife trajectory\nWGS 84\n", 0, ErrSyntax, ""},
	{"six fields", pltHeader + "39.9,116.3,0,100,2024-05-01,12:00:00\n", 0, ErrSyntax, ""},
	{"bad lat", pltHeader + "abc,116.3,0,100,45413.5,2024-05-01,12:00:00\n", 0, ErrBadValue, "lat"},
	{"lon out of range", pltHeader + "39.9,196.3,0,100,45413.5,2024-05-01,12:00:00\n", 0, ErrOutOfRange, "lon"},
	{"bad altitude", pltHeader + "39.9,116.3,0,high,45413.5,2024-05-01,12:00:00\n", 0, ErrBadValue, "altitude"},
	{"bad date", pltHeader + "39.9,116.3,0,100,45413.5,2024/05/01,12:00:00\n", 0, ErrBadValue, "date"},
}

func TestPLTSeeds(t *testing.T) {
	for _, tc := range pltSeeds {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := DecodePLT(strings.NewReader(tc.in), DecodeOptions{Worker: "w1"})
			checkContract(t, "plt", pts, err)
			checkSeed(t, pts, err, tc.n, tc.err, tc.field)
		})
	}
}

func TestPLTErrorLine(t *testing.T) {
	in := pltHeader + "39.9,116.3,0,100,45413.5,2024-05-01,12:00:00\n39.9,116.3,0,100,45413.5,2024-05-01,25:00:00\n"
	_, err := DecodePLT(strings.NewReader(in), DecodeOptions{Source: "a.plt"})
	if de, ok := err.(*DecodeError); !ok || de.Line != 8 || de.Source != "a.plt" {
		t.Fatalf("got %v, want an error at a.plt line 8", err)
	}
}

// TestPLTFiles decodes the real GeoLife files. Two referees: the point
// count is the number of non-blank lines after the header, and each time
// (read from the date and time fields) must agree with the redundant days
// field (fractional days since 1899-12-30) to within a second.
func TestPLTFiles(t *testing.T) {
	files, _ := filepath.Glob(dataDir + "geolife_plt/*/Trajectory/*.plt")
	if len(files) == 0 {
		t.Skipf("no GeoLife PLT files under %sgeolife_plt", dataDir)
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	for _, path := range files {
		name, _ := filepath.Rel(dataDir, path)
		t.Run(name, func(t *testing.T) {
			f := openData(t, name)
			pts, err := DecodePLT(f, DecodeOptions{Source: name})
			checkContract(t, "plt", pts, err)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			var days []float64
			sc := bufio.NewScanner(f)
			for i := 0; sc.Scan(); i++ {
				fields := strings.Split(sc.Text(), ",")
				if i < 6 || len(fields) < 5 {
					continue
				}
				d, err := strconv.ParseFloat(fields[4], 64)
				if err != nil {
					t.Fatal(err)
				}
				days = append(days, d)
			}
			if len(pts) != len(days) {
				t.Fatalf("got %d points, file has %d fix lines", len(pts), len(days))
			}
			for i, p := range pts {
				want := base.Add(time.Duration(days[i] * 24 * float64(time.Hour)))
				if d := p.Time.Sub(want); math.Abs(d.Seconds()) > 1 {
					t.Fatalf("point %d: time %v, days field says %v", i, p.Time, want)
				}
			}
		})
	}
}

// TestPLTFeet checks the altitude of a real fix recorded as 4096 ft:
// 4096 × 0.3048 = 1248.4608 m.
func TestPLTFeet(t *testing.T) {
	const name = "geolife_plt/010/Trajectory/20080402060926.plt"
	pts, err := DecodePLT(openData(t, name), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !near(pts[0].Altitude, 1248.4608) {
		t.Errorf("altitude %v m, want 1248.4608 m", pts[0].Altitude)
	}
}

func FuzzPLT(f *testing.F) {
	for _, s := range pltSeeds {
		f.Add(s.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pts, err := DecodePLT(strings.NewReader(in), DecodeOptions{})
		checkContract(t, "plt", pts, err)
	})
}
