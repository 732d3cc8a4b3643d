package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// leaderToken makes a leader token of grid and returns its secret and id.
func leaderToken(t *testing.T, st data.Store, grid partition.GridID) (string, string) {
	t.Helper()
	secret, tok, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", grid)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok.ID
}

// overdueBody is the answer of GET /api/v1/visits/overdue as a client
// reads it (durations in seconds).
type overdueBody struct {
	Visits int `json:"visits_found"`
	Count  int `json:"count"`
	Grids  []struct {
		Grid   string `json:"grid"`
		Places []struct {
			ID          string    `json:"id"`
			LastVisited time.Time `json:"last_visited"`
			OverdueS    float64   `json:"overdue_s"`
		} `json:"places"`
	} `json:"grids"`
}

// overdueIDs reads GET /api/v1/visits/overdue as grid → place ids in order.
func overdueIDs(t *testing.T, s *Server, secret, query string) (map[string][]string, overdueBody) {
	t.Helper()
	rec := request(t, s, http.MethodGet, "/api/v1/visits/overdue"+query, secret, nil)
	wantStatus(t, rec, http.StatusOK)
	var a overdueBody
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, g := range a.Grids {
		for _, p := range g.Places {
			out[g.Grid] = append(out[g.Grid], p.ID)
		}
	}
	return out, a
}

// stopAt is a worker standing 10 minutes at p from start, a fix every
// 10 s scattered by a few metres, as a phone at a door reports.
func stopAt(worker patrol.WorkerID, p orb.Point, start time.Time) []patrol.TrackPoint {
	var pts []patrol.TrackPoint
	for i := 0; i <= 60; i++ {
		jitter := float64(i%3-1) * 3 / stepM // -3, 0 or +3 m
		pts = append(pts, patrol.TrackPoint{Worker: worker, Time: start.Add(time.Duration(i) * 10 * time.Second),
			Point: orb.Point{p[0] + jitter*dLon, p[1] + jitter*dLat}, Accuracy: 10})
	}
	return pts
}

// auditLines returns the audit records of the log with the given message.
func auditLines(t *testing.T, logs *logBuffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if m["msg"] == msg && m["audit"] == true {
			out = append(out, m)
		}
	}
	return out
}

func TestOverdueVisits(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		now := time.Now().UTC()
		ago := func(days float64) string {
			return now.Add(-time.Duration(days * 24 * float64(time.Hour))).Format(time.RFC3339)
		}
		body := fmt.Sprintf(`[
			{"id":"k1","category":"elderly-alone","lon":116.3975,"lat":39.9087,"grid":"g1","visit_interval_days":7,"last_visited":%q},
			{"id":"k2","category":"disabled","lon":116.3980,"lat":39.9090,"grid":"g1","visit_interval_days":14},
			{"id":"k3","category":"left-behind-child","lon":116.3995,"lat":39.9100,"grid":"g1","visit_interval_days":30,"last_visited":%q},
			{"id":"k4","category":"elderly-alone","lon":116.4100,"lat":39.9200,"grid":"g2","visit_interval_days":7}]`, ago(10), ago(2))
		wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/keyplaces", f.admin, strings.NewReader(body)), http.StatusOK)
		leader1, leader1ID := leaderToken(t, st, "g1")

		t.Run("admin sees every grid", func(t *testing.T) {
			got, a := overdueIDs(t, f.s, f.admin, "")
			want := map[string][]string{"g1": {"k2", "k1"}, "g2": {"k4"}}
			if fmt.Sprint(got) != fmt.Sprint(want) || a.Count != 3 {
				t.Fatalf("overdue %v (count %d), want %v: never visited first, k3 visited in time", got, a.Count, want)
			}
			k2, k1 := a.Grids[0].Places[0], a.Grids[0].Places[1]
			if math.Abs(k1.OverdueS-3*86400) > 60 || k1.LastVisited.IsZero() || !k2.LastVisited.IsZero() || a.Visits != 0 {
				t.Fatalf("k1 %+v, k2 %+v: want k1 3 days overdue (visited 10 days ago, every 7 days), k2 never visited", k1, k2)
			}
		})
		t.Run("leader sees own grid, logged", func(t *testing.T) {
			got, _ := overdueIDs(t, f.s, leader1, "")
			if fmt.Sprint(got) != fmt.Sprint(map[string][]string{"g1": {"k2", "k1"}}) {
				t.Fatalf("leader of g1 sees %v", got)
			}
			var found bool
			for _, m := range auditLines(t, f.logs, "key places read") {
				places, _ := m["places"].([]any)
				if m["token"] == leader1ID && fmt.Sprint(places) == "[k2 k1]" && m["count"] == 2.0 {
					found = true
				}
			}
			if !found {
				t.Fatalf("no audit record of the leader's read naming k2 and k1 in:\n%s", f.logs.String())
			}
		})
		t.Run("stops visit places", func(t *testing.T) {
			// li stood 20 m from k2 two days ago; wang stood at k4 ten
			// days ago, before the week the route looks back by default.
			k2 := orb.Point{116.3980 + 20/stepM*dLon, 39.9090}
			pts := append(stopAt("li", k2, now.Add(-48*time.Hour)), stopAt("wang", orb.Point{116.4100, 39.9200}, now.Add(-240*time.Hour))...)
			if _, err := st.PutTrackPoints(context.Background(), pts); err != nil {
				t.Fatal(err)
			}
			got, a := overdueIDs(t, f.s, f.admin, "")
			if fmt.Sprint(got) != "map[g1:[k1] g2:[k4]]" || a.Visits != 1 {
				t.Fatalf("overdue %v, %d visits found; want k2 visited and k4 not (outside the week)", got, a.Visits)
			}
			stored, err := st.KeyPlace(context.Background(), "k2")
			if err != nil || !stored.LastVisited.Equal(pts[60].Time.Truncate(time.Microsecond)) {
				t.Fatalf("k2 stored as %+v, %v; want last visited at the stop's end %v", stored, err, pts[60].Time)
			}
			got, a = overdueIDs(t, f.s, f.admin, "?days=14")
			k4 := a.Grids[1].Places[0]
			if fmt.Sprint(got) != "map[g1:[k1] g2:[k4]]" || a.Visits != 1 || math.Abs(k4.OverdueS-(3*86400-600)) > 60 {
				t.Fatalf("with 14 days: overdue %v, %d visits, k4 %+v; want k4 visited at the end of a stop 10 days ago, due 7 days later", got, a.Visits, k4)
			}
		})
		t.Run("admin filters by grid", func(t *testing.T) {
			if got, _ := overdueIDs(t, f.s, f.admin, "?grid=g2"); fmt.Sprint(got) != "map[g2:[k4]]" {
				t.Fatalf("admin ?grid=g2 sees %v", got)
			}
		})
	})
}

func TestKeyPlaceRefusals(t *testing.T) {
	st := openGPKG(t)
	f := newIngestFixture(t, st)
	leader1, _ := leaderToken(t, st, "g1")
	noGrid, _ := leaderToken(t, st, "")
	place := func(id, grid, lat string) string {
		return `{"id":"` + id + `","category":"elderly-alone","lon":116.39,"lat":` + lat + `,"grid":"` + grid + `","visit_interval_days":7}`
	}
	tests := []struct {
		name, method, target, secret, body string
		status                             int
		detail                             string
	}{
		{"leader reads another grid", http.MethodGet, "/api/v1/visits/overdue?grid=g2", leader1, "", http.StatusForbidden, "grid g1"},
		{"leader without grid", http.MethodGet, "/api/v1/visits/overdue", noGrid, "", http.StatusForbidden, "no grid"},
		{"planner", http.MethodGet, "/api/v1/visits/overdue", token(t, st, data.RolePlanner), "", http.StatusForbidden, "planner"},
		{"worker", http.MethodGet, "/api/v1/visits/overdue", f.liWork, "", http.StatusForbidden, "worker"},
		{"viewer", http.MethodGet, "/api/v1/visits/overdue", token(t, st, data.RoleViewer), "", http.StatusForbidden, "viewer"},
		{"leader writes into another grid", http.MethodPost, "/api/v1/keyplaces", leader1,
			"[" + place("k1", "g1", "39.9") + "," + place("k9", "g2", "39.9") + "]", http.StatusForbidden, "k9"},
		{"bad latitude", http.MethodPost, "/api/v1/keyplaces", f.admin,
			"[" + place("k1", "g1", "39.9") + "," + place("k2", "g1", "99") + "]", http.StatusBadRequest, "[1].lat"},
		{"no interval", http.MethodPost, "/api/v1/keyplaces", f.admin,
			`[{"id":"k1","category":"x","lon":116.39,"lat":39.9,"grid":"g1"}]`, http.StatusBadRequest, "visit_interval_days"},
		{"not an array", http.MethodPost, "/api/v1/keyplaces", f.admin, place("k1", "g1", "39.9"), http.StatusBadRequest, "array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, f.s, tc.method, tc.target, tc.secret, strings.NewReader(tc.body)), tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
		})
	}
	t.Run("refused writes store nothing", func(t *testing.T) {
		places, err := st.KeyPlaces(context.Background(), data.BBoxQuery{})
		if err != nil || len(places) != 0 {
			t.Fatalf("key places after refusals: %v, %v", places, err)
		}
	})
	t.Run("leader writes into own grid", func(t *testing.T) {
		wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/keyplaces", leader1, strings.NewReader("["+place("k1", "g1", "39.9")+"]")), http.StatusOK)
		wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/keyplaces", f.admin, strings.NewReader("["+place("k7", "g2", "39.9")+"]")), http.StatusOK)
		p := decodeProblem(t, request(t, f.s, http.MethodPost, "/api/v1/keyplaces", leader1, strings.NewReader("["+place("k7", "g1", "39.9")+"]")), http.StatusForbidden)
		if !strings.Contains(p.Detail, "k7") {
			t.Errorf("detail %q does not name k7", p.Detail)
		}
		places, err := st.KeyPlaces(context.Background(), data.BBoxQuery{})
		if err != nil || len(places) != 2 || places[0].VisitInterval != 7*24*time.Hour || places[0].Grid != "g1" || places[1].Grid != "g2" {
			t.Fatalf("stored %+v, %v; want k1 in g1 and k7 still in g2", places, err)
		}
		if n := len(auditLines(t, f.logs, "key places written")); n != 2 {
			t.Fatalf("%d audit records of writes, want 2", n)
		}
	})
}

// FuzzDecodeKeyPlaces checks that any body gives key places with an id,
// a category, a grid, a position in range and a positive interval, or a
// *BodyError.
func FuzzDecodeKeyPlaces(f *testing.F) {
	for _, seed := range []string{
		`[{"id":"k1","category":"elderly-alone","lon":116.39,"lat":39.9,"grid":"g1","visit_interval_days":7}]`,
		`[{"id":"k1","category":"disabled","lon":116.39,"lat":39.9,"grid":"g1","visit_interval_days":14,"last_visited":"2024-05-01T08:00:00+08:00"}]`,
		`[{"id":"k1","category":"x","lon":116.39,"lat":99,"grid":"g1","visit_interval_days":7}]`,
		`[{"id":"k1","category":"x","lon":116.39,"lat":39.9,"grid":"g1"}]`,
		`{"id":"k1"}`, `[]`, `[`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		places, err := decodeKeyPlaces(body)
		if err != nil {
			wantBodyError(t, err)
			return
		}
		for i, p := range places {
			if p.ID == "" || p.Category == "" || p.Grid == "" || p.VisitInterval <= 0 ||
				!(math.Abs(p.Location[0]) <= 180) || !(math.Abs(p.Location[1]) <= 90) {
				t.Fatalf("place %d decoded as %+v", i, p)
			}
		}
	})
}
