package postgis_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data/pgtest"
	"wangge/internal/cputime"
)

// pgGeoLifeFile holds 217,653 real GeoLife fixes of two Beijing users.
const pgGeoLifeFile = "../../../shared/data/tracks/skmob_geolife_sample.txt.gz"

// pgReadGeoLife reads the fixes of a `lat,lng,datetime,uid` file.
func pgReadGeoLife(tb testing.TB, file string) []patrol.TrackPoint {
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
	var pts []patrol.TrackPoint
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
		pts = append(pts, patrol.TrackPoint{Worker: patrol.WorkerID(rec[3]), Time: tm, Point: orb.Point{lon, lat}})
	}
}

// BenchmarkPostGISTrackInsert stores real GeoLife fixes in batches of 10k
// and reports points/s, and points per CPU-second of this process and of
// the PostgreSQL backends serving the store. Each round through the file
// renames the workers, so that every fix is new.
func BenchmarkPostGISTrackInsert(b *testing.B) {
	const batch = 10_000
	dsn := pgtest.DSN(b) // skips first when there is no server
	src := pgReadGeoLife(b, pgGeoLifeFile)
	app := fmt.Sprintf("wangge-bench-%d", os.Getpid())
	s := pgOpen(b, dsn+"&application_name="+app)
	watch := pgConn(b, dsn)
	ctx := context.Background()
	buf := make([]patrol.TrackPoint, batch)
	// Make the monthly partitions outside the timing: store one fix of
	// each month for a worker of its own.
	months := map[time.Time]patrol.TrackPoint{}
	for _, p := range src {
		m := time.Date(p.Time.Year(), p.Time.Month(), 1, 0, 0, 0, 0, time.UTC)
		months[m] = patrol.TrackPoint{Worker: "warm-up", Time: m, Point: p.Point}
	}
	var warm []patrol.TrackPoint
	for _, p := range months {
		warm = append(warm, p)
	}
	if _, err := s.PutTrackPoints(ctx, warm); err != nil {
		b.Fatal(err)
	}
	stored, batches := 0, 0
	cpu0, server0 := cputime.Self().Seconds(), backendCPU(b, watch, app)
	for b.Loop() {
		for j := range buf {
			g := batches*batch + j
			p := src[g%len(src)]
			p.Worker += patrol.WorkerID("-" + strconv.Itoa(g/len(src)))
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
	cpu, server := cputime.Self().Seconds()-cpu0, backendCPU(b, watch, app)-server0
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(stored)/cpu, "points/client-cpu-s")
	if server0 >= 0 && server > 0 {
		b.ReportMetric(float64(stored)/server, "points/server-cpu-s")
	}
	// Storage per fix: the partitions with their indexes.
	var size int64
	if err := watch.QueryRow(ctx, `SELECT sum(pg_total_relation_size(inhrelid))::bigint FROM pg_inherits
		WHERE inhparent = 'track_points'::regclass`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size)/float64(stored+len(warm)), "disk-B/point")
}

// The track ingest benchmarks report points per CPU-second beside points
// per second: on a shared machine the wall clock measures the neighbours
// as much as the store, while the CPU time spent on our side (and on the
// PostgreSQL backends that serve us) compares variants fairly.

// backendCPU is the CPU time in seconds of the PostgreSQL backends whose
// application_name is app, read from /proc (the server runs on this
// machine in the test set-up). It returns -1 when /proc cannot tell.
func backendCPU(tb testing.TB, conn *pgx.Conn, app string) float64 {
	tb.Helper()
	rows, err := conn.Query(context.Background(), "SELECT pid FROM pg_stat_activity WHERE application_name = $1", app)
	if err != nil {
		tb.Fatalf("backend pids: %v", err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		tb.Fatalf("backend pids: %v", err)
	}
	var total time.Duration
	for _, pid := range pids {
		d, ok := cputime.Process(int(pid), "postgres")
		if !ok {
			return -1 // the server is elsewhere or hidden
		}
		total += d
	}
	return total.Seconds()
}
