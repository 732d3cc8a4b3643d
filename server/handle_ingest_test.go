package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
)

// ingestFixture is a server with two registered workers, each carrying a
// phone, and tokens to call it.
type ingestFixture struct {
	s        *Server
	st       data.Store
	logs     *logBuffer
	admin    string
	liWork   string // worker token of li: the secret of li's phone
	wangWork string // worker token of wang
}

// Device ids as the apps send them: Traccar Client's numeric id, and
// OwnTracks' user/device pair.
const (
	liDevice   = "864950031236785"
	wangDevice = "wang/pixel7"
)

func newIngestFixture(t testing.TB, st data.Store) ingestFixture {
	t.Helper()
	s, logs := testServer(t, st, Options{})
	f := ingestFixture{s: s, st: st, logs: logs, admin: token(t, st, data.RoleAdmin)}
	body := `[{"id":"li","name":"Li","role":"full-time","device_id":"` + liDevice + `","grids":["g1"]},
	          {"id":"wang","name":"Wang","role":"volunteer","device_id":"` + wangDevice + `","grids":["g2"]}]`
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/workers", f.admin, strings.NewReader(body)), http.StatusOK)
	secret, _, err := app.CreateToken(context.Background(), st, data.RoleWorker, "li", "")
	if err != nil {
		t.Fatal(err)
	}
	f.liWork = secret
	if f.wangWork, _, err = app.CreateToken(context.Background(), st, data.RoleWorker, "wang", ""); err != nil {
		t.Fatal(err)
	}
	return f
}

// stored reads a worker's fixes back from the store.
func (f ingestFixture) stored(t *testing.T, worker patrol.WorkerID) []patrol.TrackPoint {
	t.Helper()
	pts, err := f.st.TrackPoints(context.Background(), data.TrackQuery{Worker: worker})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// decodeIngest reads an ingest answer.
func decodeIngest(t *testing.T, body []byte) app.Ingested {
	t.Helper()
	var r app.Ingested
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("ingest answer %q: %v", body, err)
	}
	return r
}

// near fails unless got is within 1e-9 of want.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestPostTracksBatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		batch := `{"worker":"li","points":[
			{"time":"2024-05-01T08:00:00+08:00","lon":116.3975,"lat":39.9087,"accuracy":8,"speed":1.4,"bearing":90,"altitude":44,"battery":81},
			{"time":"2024-05-01T08:00:10+08:00","lon":116.3977,"lat":39.9087,"accuracy":9,"speed":1.5},
			{"time":"2024-05-01T08:00:20+08:00","lon":116.3979,"lat":39.9087,"accuracy":120},
			{"time":"` + future + `","lon":116.3981,"lat":39.9087}]}`
		rec := request(t, f.s, http.MethodPost, "/api/v1/tracks", f.liWork, strings.NewReader(batch))
		wantStatus(t, rec, http.StatusOK)
		got := decodeIngest(t, rec.Body.Bytes())
		if got.Received != 4 || got.Kept != 2 || got.New != 2 || got.Dropped["accuracy"] != 1 || got.Dropped["future"] != 1 || len(got.Dropped) != 2 {
			t.Fatalf("answer %+v, want 4 received, 2 kept and new, 1 dropped for accuracy and 1 for the future", got)
		}
		pts := f.stored(t, "li")
		if len(pts) != 2 {
			t.Fatalf("stored %d fixes, want 2", len(pts))
		}
		p := pts[0]
		if want := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC); !p.Time.Equal(want) {
			t.Errorf("time %v, want %v (08:00 at +08:00)", p.Time, want)
		}
		near(t, "lon", p.Point[0], 116.3975)
		near(t, "speed", p.Speed, 1.4)
		near(t, "battery", p.Battery, 81)

		t.Run("re-sent batch stores nothing new", func(t *testing.T) {
			rec := request(t, f.s, http.MethodPost, "/api/v1/tracks", f.liWork, strings.NewReader(batch))
			wantStatus(t, rec, http.StatusOK)
			if got := decodeIngest(t, rec.Body.Bytes()); got.New != 0 || got.Kept != 2 {
				t.Fatalf("re-send answer %+v, want kept 2, new 0", got)
			}
			if n := len(f.stored(t, "li")); n != 2 {
				t.Fatalf("stored %d fixes after the re-send, want 2", n)
			}
		})
	})
}

func TestPostTracksRefusals(t *testing.T) {
	f := newIngestFixture(t, openGPKG(t))
	planner := token(t, f.st, data.RolePlanner)
	good := `{"time":"2024-05-01T08:00:00Z","lon":116.39,"lat":39.9}`
	tests := []struct {
		name, secret, target, body string
		status                     int
		detail                     string // must appear in the problem's detail
	}{
		{"one bad latitude", f.liWork, "/api/v1/tracks",
			`{"worker":"li","points":[` + good + `,{"time":"2024-05-01T08:00:05Z","lon":116.39,"lat":91},` + good + `]}`,
			http.StatusBadRequest, "points[1].lat"},
		{"missing time", f.liWork, "/api/v1/tracks", `{"worker":"li","points":[{"lon":116.39,"lat":39.9}]}`,
			http.StatusBadRequest, "points[0].time"},
		{"bad time", f.liWork, "/api/v1/tracks", `{"worker":"li","points":[` + good + `,{"time":"yesterday","lon":1,"lat":2}]}`,
			http.StatusBadRequest, "points[1].time"},
		{"point not an object", f.liWork, "/api/v1/tracks", `{"worker":"li","points":[` + good + `,[1,2]]}`,
			http.StatusBadRequest, "points[1]"},
		{"no points", f.liWork, "/api/v1/tracks", `{"worker":"li","points":[]}`, http.StatusBadRequest, "points"},
		{"no worker", planner, "/api/v1/tracks", `{"points":[` + good + `]}`, http.StatusBadRequest, "worker"},
		{"unregistered worker", planner, "/api/v1/tracks", `{"worker":"zhao","points":[` + good + `]}`,
			http.StatusBadRequest, `"zhao" is not registered`},
		{"worker writes another's track", f.liWork, "/api/v1/tracks", `{"worker":"wang","points":[` + good + `]}`,
			http.StatusForbidden, "only its own worker (li)"},
		{"GeoJSON point without time", planner, "/api/v1/tracks?worker=wang",
			`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[116.39,39.9]},"properties":{}}]}`,
			http.StatusBadRequest, "features[0].properties.time"},
		{"viewer", token(t, f.st, data.RoleViewer), "/api/v1/tracks", `{"worker":"li","points":[` + good + `]}`,
			http.StatusForbidden, "viewer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := request(t, f.s, http.MethodPost, tc.target, tc.secret, strings.NewReader(tc.body))
			p := decodeProblem(t, rec, tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
			for _, w := range []patrol.WorkerID{"li", "wang", "zhao"} {
				if n := len(f.stored(t, w)); n != 0 {
					t.Fatalf("%d fixes of %s stored after a refused batch", n, w)
				}
			}
		})
	}
}

func TestPostTracksGeoJSON(t *testing.T) {
	f := newIngestFixture(t, openGPKG(t))
	leader, _, err := app.CreateToken(context.Background(), f.st, data.RoleLeader, "", "g2")
	if err != nil {
		t.Fatal(err)
	}
	// A LineString with per-vertex times, as GPS loggers export it.
	body := `{"type":"Feature","properties":{"worker":"wang","times":["2024-05-01T00:00:00Z","2024-05-01T00:00:30Z","2024-05-01T00:01:00Z"]},
		"geometry":{"type":"LineString","coordinates":[[116.3975,39.9087],[116.3980,39.9090],[116.3985,39.9093]]}}`
	rec := request(t, f.s, http.MethodPost, "/api/v1/tracks", leader, strings.NewReader(body))
	wantStatus(t, rec, http.StatusOK)
	if got := decodeIngest(t, rec.Body.Bytes()); got.Received != 3 || got.New != 3 {
		t.Fatalf("answer %+v, want 3 received and new", got)
	}
	pts := f.stored(t, "wang")
	if len(pts) != 3 || pts[2].Point[0] != 116.3985 || !pts[1].Time.Equal(time.Date(2024, 5, 1, 0, 0, 30, 0, time.UTC)) {
		t.Fatalf("stored %+v", pts)
	}
}

// FuzzDecodeTracks checks that any body either decodes into fixes that
// each have a worker, a time and a position in range, or is refused with a
// *BodyError that names where.
func FuzzDecodeTracks(f *testing.F) {
	for _, seed := range []string{
		`{"worker":"li","points":[{"time":"2024-05-01T08:00:00+08:00","lon":116.39,"lat":39.9,"accuracy":8,"speed":1.4}]}`,
		`{"worker":"li","points":[{"time":"2024-05-01T08:00:00Z","lon":116.39,"lat":91}]}`,
		`{"worker":"li","points":[{"time":"yesterday","lon":1,"lat":2}]}`,
		`{"worker":"li","points":[[1,2]]}`,
		`{"points":[{"time":"2024-05-01T08:00:00Z","lon":1,"lat":2}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"time":"2024-05-01T00:00:00Z","worker":"wang"},"geometry":{"type":"Point","coordinates":[116.4,39.9]}}]}`,
		`{"type":"Feature","properties":{"times":["2024-05-01T00:00:00Z","2024-05-01T00:00:30Z"]},"geometry":{"type":"LineString","coordinates":[[116.4,39.9],[116.41,39.91]]}}`,
		`{"type":"Polygon"}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		pts, err := decodeTracks(body, "")
		if err != nil {
			wantBodyError(t, err)
			return
		}
		for i, p := range pts {
			if p.Worker == "" || p.Time.IsZero() || !(math.Abs(p.Point[0]) <= 180) || !(math.Abs(p.Point[1]) <= 90) {
				t.Fatalf("fix %d decoded as %+v", i, p)
			}
		}
	})
}

// TestPostTracksConcurrentResend posts one batch from several clients at
// once, as a phone retrying on a flaky network does: each fix is stored
// once and counted new once.
func TestPostTracksConcurrentResend(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		var b strings.Builder
		b.WriteString(`{"worker":"li","points":[`)
		for i := range 200 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"time":"2024-05-01T08:%02d:%02d+08:00","lon":%.7f,"lat":39.9087,"accuracy":8}`, i/60, i%60, 116.3975+float64(i)*1e-5)
		}
		b.WriteString("]}")
		const clients = 4
		news := make(chan int, clients)
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := request(t, f.s, http.MethodPost, "/api/v1/tracks", f.liWork, strings.NewReader(b.String()))
				if rec.Code != http.StatusOK {
					t.Errorf("status %d: %s", rec.Code, rec.Body)
					return
				}
				var r app.Ingested // no t.Fatal off the test goroutine
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
					t.Errorf("answer %q: %v", rec.Body, err)
				}
				news <- r.New
			}()
		}
		wg.Wait()
		close(news)
		total := 0
		for n := range news {
			total += n
		}
		if stored := len(f.stored(t, "li")); total != 200 || stored != 200 {
			t.Fatalf("new %d in all answers, %d stored; want 200 and 200", total, stored)
		}
	})
}
