package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/internal/app"
)

// geoLifePath is the scikit-mobility GeoLife sample: 217,653 fixes of two
// users, Beijing, October 2008 – March 2009 (tests and benchmarks only).
const geoLifePath = "../../shared/data/tracks/skmob_geolife_sample.txt.gz"

// geoLifeFixes decodes the sample, or skips when it is missing.
func geoLifeFixes(tb testing.TB) []patrol.TrackPoint {
	tb.Helper()
	f, err := os.Open(geoLifePath)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("missing data file %s (see shared/data/MANIFEST.md)", geoLifePath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	pts, err := track.DecodeCSV(zr, track.CSVMapping{Lat: "lat", Lon: "lng", Time: "datetime", Worker: "uid"},
		track.DecodeOptions{Source: geoLifePath})
	if err != nil {
		tb.Fatal(err)
	}
	return pts
}

// geoLifeBatches turns fixes (grouped by worker, in time order) into
// batch bodies of at most size fixes of one worker each.
func geoLifeBatches(tb testing.TB, pts []patrol.TrackPoint, size int) [][]byte {
	tb.Helper()
	var out [][]byte
	for lo := 0; lo < len(pts); {
		hi := lo
		for hi < len(pts) && hi-lo < size && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		points := make([]map[string]any, 0, hi-lo)
		for _, p := range pts[lo:hi] {
			points = append(points, map[string]any{"time": p.Time.Format(time.RFC3339), "lon": p.Point[0], "lat": p.Point[1], "altitude": p.Altitude})
		}
		raw, err := json.Marshal(map[string]any{"worker": pts[lo].Worker, "points": points})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, raw)
		lo = hi
	}
	return out
}

// postAll posts every body to /api/v1/tracks over HTTP and sums the
// answers.
func postAll(tb testing.TB, srv *httptest.Server, secret string, bodies [][]byte) app.Ingested {
	tb.Helper()
	sum := app.Ingested{Dropped: map[string]int{}}
	for i, body := range bodies {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/tracks", bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := srv.Client().Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		var r app.Ingested
		err = json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			tb.Fatalf("batch %d: status %d, %v", i, res.StatusCode, err)
		}
		sum.Received += r.Received
		sum.Kept += r.Kept
		sum.New += r.New
		for k, n := range r.Dropped {
			sum.Dropped[k] += n
		}
	}
	return sum
}

// geoLifeServer is a server over st with the two GeoLife users registered
// and an admin token.
func geoLifeServer(tb testing.TB, st data.Store) (*httptest.Server, string) {
	tb.Helper()
	if err := st.PutWorkers(context.Background(), []patrol.Worker{
		{ID: "001", Role: patrol.RoleVolunteer}, {ID: "005", Role: patrol.RoleVolunteer}}); err != nil {
		tb.Fatal(err)
	}
	s, _ := testServer(tb, st, Options{})
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return srv, token(tb, st, data.RoleAdmin)
}

// TestIngestGeoLife posts the whole GeoLife sample through the API into
// each store: every fix is accounted for as kept or dropped, what is kept
// is what the store holds, and posting it all again stores nothing new.
// Cleaning batch by batch, each batch anchored on the fix stored before
// it, drops exactly what track.Clean drops from the whole sample at
// once (the referee).
func TestIngestGeoLife(t *testing.T) {
	if testing.Short() {
		t.Skip("posts 217,653 fixes")
	}
	pts := geoLifeFixes(t)
	bodies := geoLifeBatches(t, pts, 5000)
	_, whole := track.Clean(pts, track.CleanOptions{Now: time.Now()})
	forEachStore(t, func(t *testing.T, st data.Store) {
		srv, admin := geoLifeServer(t, st)
		sum := postAll(t, srv, admin, bodies)
		dropped := 0
		for _, n := range sum.Dropped {
			dropped += n
		}
		stored, err := st.TrackPoints(context.Background(), data.TrackQuery{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("received %d, kept %d, new %d, dropped %v", sum.Received, sum.Kept, sum.New, sum.Dropped)
		switch {
		case sum.Received != len(pts) || sum.Received != 217653:
			t.Fatalf("received %d of %d fixes", sum.Received, len(pts))
		case sum.Kept+dropped != sum.Received:
			t.Fatalf("kept %d + dropped %d != received %d", sum.Kept, dropped, sum.Received)
		case sum.New != sum.Kept || len(stored) != sum.New:
			t.Fatalf("kept %d, new %d, stored %d: want all equal", sum.Kept, sum.New, len(stored))
		case sum.Kept != whole.Kept || !maps.Equal(sum.Dropped, whole.ByReason()):
			t.Fatalf("batches kept %d, dropped %v; the whole sample cleaned at once keeps %d, drops %v",
				sum.Kept, sum.Dropped, whole.Kept, whole.ByReason())
		}
		if again := postAll(t, srv, admin, bodies); again.New != 0 || again.Kept != sum.Kept {
			t.Fatalf("second posting: kept %d, new %d; want %d and 0", again.Kept, again.New, sum.Kept)
		}
	})
}

// BenchmarkIngestGeoLife posts the whole GeoLife sample through the API
// in batches of 5,000 fixes of one user into a fresh store per run, and
// reports fixes per second received (decoding, cleaning, storing, HTTP).
// Run it with -benchtime 1x.
func BenchmarkIngestGeoLife(b *testing.B) {
	pts := geoLifeFixes(b)
	bodies := geoLifeBatches(b, pts, 5000)
	for _, sc := range testStores {
		b.Run(sc.name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				srv, admin := geoLifeServer(b, sc.open(b))
				b.StartTimer()
				start := time.Now()
				if sum := postAll(b, srv, admin, bodies); sum.Received != len(pts) {
					b.Fatalf("received %d of %d", sum.Received, len(pts))
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(b.N*len(pts))/elapsed.Seconds(), "fixes/s")
		})
	}
}
