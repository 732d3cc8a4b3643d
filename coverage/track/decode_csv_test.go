package track

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// csvSeedMapping is the mapping the CSV seeds and FuzzCSV use.
var csvSeedMapping = CSVMapping{Lat: "lat", Lon: "lon", Time: "time", Worker: "worker", Accuracy: "acc"}

// skmobMapping reads the scikit-mobility GeoLife sample.
var skmobMapping = CSVMapping{Lat: "lat", Lon: "lng", Time: "datetime", Worker: "uid"}

// csvSeeds are hand-written CSV inputs for csvSeedMapping.
var csvSeeds = []struct {
	name, in string
	sep      rune
	n        int
	err      error
	field    string
}{
	{"comma, ISO times", "worker,lat,lon,time,acc\nw1,39.9,116.3,2024-05-01T08:00:00Z,5\nw2,39.9,116.3,2024-05-01 08:00:05,\n", ',', 2, nil, ""},
	{"semicolon, zone +00, BOM, spaces", "\ufeffLat ; LON;Time;Worker;acc\n39.9;116.3;2024-05-01 08:00:00+00;w1;3.5\n", ';', 1, nil, ""},
	{"tab, quoted", "lat\tlon\ttime\tworker\tacc\n\"39.9\"\t116.3\t2024-05-01T08:00:00+08:00\t\"w 1\"\t1\n", '\t', 1, nil, ""},
	{"header only", "lat,lon,time,worker,acc\n", ',', 0, nil, ""},
	{"empty", "", ',', 0, ErrSyntax, ""},
	{"missing column", "lat,lon,worker,acc\n39.9,116.3,w1,1\n", ',', 0, ErrColumn, "time"},
	{"short row", "lat,lon,time,worker,acc\n39.9,116.3\n", ',', 0, ErrSyntax, ""},
	{"empty lat", "lat,lon,time,worker,acc\n,116.3,2024-05-01T08:00:00Z,w1,1\n", ',', 0, ErrMissingField, "lat"},
	{"bad lon", "lat,lon,time,worker,acc\n39.9,east,2024-05-01T08:00:00Z,w1,1\n", ',', 0, ErrBadValue, "lon"},
	{"lat out of range", "lat,lon,time,worker,acc\n-99,116.3,2024-05-01T08:00:00Z,w1,1\n", ',', 0, ErrOutOfRange, "lat"},
	{"bad time", "lat,lon,time,worker,acc\n39.9,116.3,May 1,w1,1\n", ',', 0, ErrBadValue, "time"},
	{"empty time", "lat,lon,time,worker,acc\n39.9,116.3,,w1,1\n", ',', 0, ErrMissingField, "time"},
	{"bad accuracy", "lat,lon,time,worker,acc\n39.9,116.3,2024-05-01T08:00:00Z,w1,good\n", ',', 0, ErrBadValue, "acc"},
	{"bare quote", "lat,lon,time,worker,acc\n39.9,116.3,2024-05-01T08:00:00Z,w\"1,1\n", ',', 0, ErrSyntax, ""},
	{"invalid separator", "lat\"lon\n", '"', 0, ErrSyntax, ""},
}

func TestCSVSeeds(t *testing.T) {
	for _, tc := range csvSeeds {
		t.Run(tc.name, func(t *testing.T) {
			m := csvSeedMapping
			m.Separator = tc.sep
			pts, err := DecodeCSV(strings.NewReader(tc.in), m, DecodeOptions{})
			checkContract(t, "csv", pts, err)
			checkSeed(t, pts, err, tc.n, tc.err, tc.field)
		})
	}
}

func TestCSVValues(t *testing.T) {
	m := CSVMapping{Lat: "lat", Lon: "lon", Time: "t", Altitude: "alt", Speed: "v", Bearing: "dir", Battery: "bat",
		TimeLayout: "02/01/2006 15:04", Location: time.FixedZone("CST", 8*3600)}
	in := "lat,lon,t,alt,v,dir,bat\n39.9,116.3,01/05/2024 08:00,44,1.2,270,80\n"
	pts, err := DecodeCSV(strings.NewReader(in), m, DecodeOptions{Worker: "w9"})
	if err != nil {
		t.Fatal(err)
	}
	// 08:00 in UTC+8 is 00:00 UTC.
	want := patrol.TrackPoint{Worker: "w9", Time: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		Point: orb.Point{116.3, 39.9}, Altitude: 44, Speed: 1.2, Bearing: 270, Battery: 80}
	if pts[0] != want {
		t.Errorf("got %+v\nwant %+v", pts[0], want)
	}
	// An empty worker cell falls back to DecodeOptions.Worker.
	m = CSVMapping{Lat: "lat", Lon: "lon", Time: "t", Worker: "who"}
	pts, err = DecodeCSV(strings.NewReader("lat,lon,t,who\n1,2,2024-05-01T00:00:00Z,\n1,2,2024-05-01T00:00:01Z,w1\n"), m, DecodeOptions{Worker: "w9"})
	if err != nil {
		t.Fatal(err)
	}
	if pts[0].Worker != "w9" || pts[1].Worker != "w1" {
		t.Errorf("workers %q, %q, want w9, w1", pts[0].Worker, pts[1].Worker)
	}
}

func TestCSVErrorLine(t *testing.T) {
	in := "lat,lon,time,worker,acc\n39.9,116.3,2024-05-01T08:00:00Z,w1,1\n\"39.9\n\",116.3,2024-05-01T08:00:00Z,w1,1\n39.9,116.3,x,w1,1\n"
	_, err := DecodeCSV(strings.NewReader(in), csvSeedMapping, DecodeOptions{Source: "x.csv"})
	if de, ok := err.(*DecodeError); !ok || de.Line != 5 || de.Field != "time" {
		t.Fatalf("got %v, want an error at line 5, field time", err)
	}
}

// TestCSVFiles decodes the real CSV exports of GeoLife; the counts are the
// data manifest's, per worker from `cut | sort | uniq -c` on the files.
func TestCSVFiles(t *testing.T) {
	tests := []struct {
		file      string
		gz        bool
		m         CSVMapping
		perWorker map[patrol.WorkerID]int
		first     patrol.TrackPoint
	}{
		{"mpd_geolife_small.csv", false, CSVMapping{Lat: "Y", Lon: "X", Time: "t", Worker: "tracker", Separator: ';'},
			map[patrol.WorkerID]int{"0": 897, "19": 466, "2": 4545},
			patrol.TrackPoint{Worker: "19", Time: time.Date(2008, 12, 11, 4, 42, 14, 0, time.UTC), Point: orb.Point{116.391305, 39.898573}}},
		{"skmob_geolife_sample.txt.gz", true, skmobMapping,
			map[patrol.WorkerID]int{"001": 108607, "005": 109046},
			patrol.TrackPoint{Worker: "001", Time: time.Date(2008, 10, 23, 5, 53, 5, 0, time.UTC), Point: orb.Point{116.319236, 39.984094}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var r io.Reader = openData(t, tc.file)
			if tc.gz {
				zr, err := gzip.NewReader(r)
				if err != nil {
					t.Fatal(err)
				}
				r = zr
			}
			pts, err := DecodeCSV(r, tc.m, DecodeOptions{Source: tc.file})
			checkContract(t, "csv", pts, err)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			got := map[patrol.WorkerID]int{}
			for _, p := range pts {
				got[p.Worker]++
			}
			for w, n := range tc.perWorker {
				total += n
				if got[w] != n {
					t.Errorf("worker %s: %d points, want %d", w, got[w], n)
				}
			}
			if len(pts) != total || len(got) != len(tc.perWorker) {
				t.Errorf("%d points of %d workers, want %d of %d", len(pts), len(got), total, len(tc.perWorker))
			}
			if pts[0] != tc.first {
				t.Errorf("first point %+v\nwant %+v", pts[0], tc.first)
			}
		})
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s.in, byte(s.sep))
	}
	f.Fuzz(func(t *testing.T, in string, sep byte) {
		m := csvSeedMapping
		m.Separator = rune(sep)
		pts, err := DecodeCSV(strings.NewReader(in), m, DecodeOptions{})
		checkContract(t, "csv", pts, err)
	})
}

// BenchmarkDecodeCSV decodes the skmob GeoLife sample (217,653 rows),
// already decompressed in memory, and reports points per second.
func BenchmarkDecodeCSV(b *testing.B) {
	zr, err := gzip.NewReader(openData(b, "skmob_geolife_sample.txt.gz"))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	n := 0
	for b.Loop() {
		n = 0
		err := ScanCSV(bytes.NewReader(raw), skmobMapping, DecodeOptions{}, func(patrol.TrackPoint) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}
