package data_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/data/pgtest"
)

// pgGeoLifeFile holds 217,653 real GeoLife fixes of two Beijing users.
const pgGeoLifeFile = "../../shared/data/tracks/skmob_geolife_sample.txt.gz"

// pgReadGeoLife reads the fixes of a `lat,lng,datetime,uid` file.
func pgReadGeoLife(tb testing.TB, file string) []coverage.TrackPoint {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Skipf("needs %s: %v", file, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	r := csv.NewReader(gz)
	r.FieldsPerRecord = 4
	r.ReuseRecord = true
	var pts []coverage.TrackPoint
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return pts
		}
		if err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		if line == 1 {
			continue // header
		}
		lat, err1 := strconv.ParseFloat(rec[0], 64)
		lon, err2 := strconv.ParseFloat(rec[1], 64)
		tm, err3 := time.Parse(time.DateTime, rec[2])
		if err := errors.Join(err1, err2, err3); err != nil {
			tb.Fatalf("%s:%d: %v", file, line, err)
		}
		pts = append(pts, coverage.TrackPoint{Worker: coverage.WorkerID(rec[3]), Time: tm, Point: orb.Point{lon, lat}})
	}
}

// BenchmarkPostGISTrackInsert stores real GeoLife fixes in batches of 10k
// and reports points/s. Each round through the file renames the workers,
// so that every fix is new.
func BenchmarkPostGISTrackInsert(b *testing.B) {
	const batch = 10_000
	dsn := pgtest.DSN(b) // skips first when there is no server
	src := pgReadGeoLife(b, pgGeoLifeFile)
	s := pgOpen(b, dsn)
	ctx := context.Background()
	buf := make([]coverage.TrackPoint, batch)
	// Make the monthly partitions outside the timing: store one fix of
	// each month for a worker of its own.
	months := map[time.Time]coverage.TrackPoint{}
	for _, p := range src {
		m := time.Date(p.Time.Year(), p.Time.Month(), 1, 0, 0, 0, 0, time.UTC)
		months[m] = coverage.TrackPoint{Worker: "warm-up", Time: m, Point: p.Point}
	}
	var warm []coverage.TrackPoint
	for _, p := range months {
		warm = append(warm, p)
	}
	if _, err := s.PutTrackPoints(ctx, warm); err != nil {
		b.Fatal(err)
	}
	stored, batches := 0, 0
	for b.Loop() {
		for j := range buf {
			g := batches*batch + j
			p := src[g%len(src)]
			p.Worker += coverage.WorkerID("-" + strconv.Itoa(g/len(src)))
			buf[j] = p
		}
		n, err := s.PutTrackPoints(ctx, buf)
		if err != nil {
			b.Fatal(err)
		}
		stored += n
		batches++
	}
	if want := batches * batch; stored != want {
		b.Fatalf("stored %d new points, want %d", stored, want)
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "points/s")
}
