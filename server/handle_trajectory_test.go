package server

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/geo"
	"wangge/internal/app"
	"wangge/partition"
)

// A walking day of li near Tiananmen, one fix every 10 s, on 2024-05-01 in
// China Standard Time: 10 minutes east at 14 m a step, 10 minutes standing
// at one door (the phone repeats its position), 10 minutes north. The
// published plan's grid g1 reaches half a step past fix 30 of the walk
// east, so fixes 0–30 are inside: 30 intervals (300 s) inside, the
// crossing one half (5 s), and the rest of the 1,800 s outside.
const (
	walkLat  = 39.9087
	walkLon  = 116.3975
	stepM    = 14.0
	earthR   = 6371008.8 // mean Earth radius (IUGG), for the haversine referee
	insideS  = 305.0
	dayFixes = 181
)

// stepDeg is 14 m in longitude and in latitude at walkLat on a sphere;
// the stored steps are then measured by the server on the ellipsoid.
var (
	dLon = stepM / (earthR * math.Cos(walkLat*math.Pi/180)) * 180 / math.Pi
	dLat = stepM / earthR * 180 / math.Pi
)

func walkingDay(t *testing.T) []patrol.TrackPoint {
	t.Helper()
	cst := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, cst)
	var pts []patrol.TrackPoint
	add := func(i int, lon, lat float64) {
		pts = append(pts, patrol.TrackPoint{Worker: "li", Time: t0.Add(time.Duration(i) * 10 * time.Second), Point: orb.Point{lon, lat}, Accuracy: 8})
	}
	for i := 0; i <= 60; i++ {
		add(i, walkLon+float64(i)*dLon, walkLat)
	}
	door := orb.Point{walkLon + 60*dLon, walkLat}
	for i := 61; i <= 120; i++ {
		add(i, door[0], door[1])
	}
	for i := 121; i <= 180; i++ {
		add(i, door[0], walkLat+float64(i-120)*dLat)
	}
	// One fix just before and one just after the day in Shanghai.
	pts = append(pts,
		patrol.TrackPoint{Worker: "li", Time: time.Date(2024, 4, 30, 23, 59, 50, 0, cst), Point: orb.Point{116.3, 39.8}},
		patrol.TrackPoint{Worker: "li", Time: time.Date(2024, 5, 2, 0, 0, 0, 0, cst), Point: orb.Point{116.3, 39.8}})
	return pts
}

// rect is a one-polygon grid geometry.
func rect(minLon, minLat, maxLon, maxLat float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}}}
}

// haversine is the referee for distances: within 0.5% of the ellipsoid.
func haversine(a, b orb.Point) float64 {
	rad := math.Pi / 180
	dphi, dlam := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	h := math.Pow(math.Sin(dphi/2), 2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Pow(math.Sin(dlam/2), 2)
	return 2 * earthR * math.Asin(math.Sqrt(h))
}

// trajectoryBody reads the answer; durations are seconds.
type trajectoryBody struct {
	Plan   string   `json:"plan"`
	Grids  []string `json:"grids"`
	Report struct {
		Fixes    int     `json:"fixes"`
		Distance float64 `json:"distance_m"`
		Duration float64 `json:"duration_s"`
		Inside   float64 `json:"inside_grids_s"`
		Outside  float64 `json:"outside_grids_s"`
		Stops    []struct {
			Duration float64 `json:"duration_s"`
		} `json:"stops"`
	} `json:"report"`
	Type     string `json:"type"`
	Features []struct {
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Kind                 string `json:"kind"`
			CoordinateProperties struct {
				Times []time.Time `json:"times"`
			} `json:"coordinateProperties"`
		} `json:"properties"`
	} `json:"features"`
}

func TestTrajectory(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		ctx := context.Background()
		f := newIngestFixture(t, st)
		day := walkingDay(t)
		if _, err := st.PutTrackPoints(ctx, day); err != nil {
			t.Fatal(err)
		}
		get := func(t *testing.T, secret, query string) *trajectoryBody {
			t.Helper()
			rec := request(t, f.s, http.MethodGet, "/api/v1/workers/li/trajectory"+query, secret, nil)
			wantStatus(t, rec, http.StatusOK)
			if ct := rec.Header().Get(echo.HeaderContentType); ct != GeoJSONContentType {
				t.Errorf("Content-Type %q, want %q", ct, GeoJSONContentType)
			}
			var b trajectoryBody
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			return &b
		}
		t.Run("no plan published", func(t *testing.T) {
			b := get(t, f.admin, "?date=2024-05-01")
			if b.Plan != "" || len(b.Grids) != 0 || b.Report.Inside != 0 || b.Report.Outside != 1800 {
				t.Fatalf("plan %q grids %v inside %v outside %v; want no plan and all 1800 s outside", b.Plan, b.Grids, b.Report.Inside, b.Report.Outside)
			}
		})
		g1 := partition.Grid{ID: "g1", Kind: partition.Basic, Geometry: rect(walkLon-0.001, walkLat-0.001, walkLon+30.5*dLon, walkLat+0.001)}
		everywhere := partition.Grid{ID: "g1", Kind: partition.Basic, Geometry: rect(116, 39, 117, 40)}
		for _, p := range []partition.Plan{
			{ID: "p1", Status: partition.PlanPublished, Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), Grids: []partition.Grid{g1}},
			{ID: "p2", Status: partition.PlanDraft, Grids: []partition.Grid{everywhere}},
		} {
			if err := st.PutPlan(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		b := get(t, f.liWork, "?date=2024-05-01&tz=Asia/Shanghai")
		r := b.Report
		var want float64
		for i := 1; i < dayFixes; i++ {
			want += haversine(day[i-1].Point, day[i].Point)
		}
		switch {
		case b.Plan != "p1" || len(b.Grids) != 1:
			t.Errorf("plan %q grids %v, want the published p1 with g1", b.Plan, b.Grids)
		case r.Fixes != dayFixes:
			t.Errorf("%d fixes, want the %d of the day in Shanghai", r.Fixes, dayFixes)
		case math.Abs(r.Distance-want) > 0.005*want:
			t.Errorf("distance %.1f m, haversine %.1f m", r.Distance, want)
		case r.Duration != 1800 || r.Inside != insideS || r.Outside != 1800-insideS:
			t.Errorf("duration %v inside %v outside %v, want 1800, %v, %v", r.Duration, r.Inside, r.Outside, insideS, 1800-insideS)
		case len(r.Stops) != 1 || r.Stops[0].Duration < 600 || r.Stops[0].Duration > 660:
			t.Errorf("stops %+v, want one of 10 to 11 minutes at the door", r.Stops)
		case b.Type != "FeatureCollection" || len(b.Features) != 2 || b.Features[0].Properties.Kind != "line":
			t.Errorf("type %q, %d features, want a FeatureCollection of the line and one stop", b.Type, len(b.Features))
		default:
			// Every point of the line has its time: the fix it is, in order,
			// from the day's first fix to its last.
			var line [][2]float64
			if err := json.Unmarshal(b.Features[0].Geometry.Coordinates, &line); err != nil {
				t.Fatal(err)
			}
			times := b.Features[0].Properties.CoordinateProperties.Times
			if len(times) != len(line) || len(line) < 2 {
				t.Fatalf("%d times for %d points", len(times), len(line))
			}
			at := make(map[int64]orb.Point, len(day))
			for _, p := range day {
				at[p.Time.Unix()] = p.Point
			}
			for i, ts := range times {
				p, ok := at[ts.Unix()]
				if !ok || haversine(p, orb.Point{line[i][0], line[i][1]}) > 0.05 || i > 0 && !ts.After(times[i-1]) {
					t.Fatalf("point %d %v at %v: the fix at that time is %v (found %v); times must rise", i, line[i], ts, p, ok)
				}
			}
			if !times[0].Equal(day[0].Time) || !times[len(times)-1].Equal(day[dayFixes-1].Time) {
				t.Errorf("times run %v…%v, the day's fixes %v…%v", times[0], times[len(times)-1], day[0].Time, day[dayFixes-1].Time)
			}
		}
		// 2024-05-02 00:00 CST is 2024-05-01 16:00 UTC: the UTC day holds it too.
		if b := get(t, f.admin, "?date=2024-05-01&tz=UTC"); b.Report.Fixes != dayFixes+1 {
			t.Errorf("UTC day holds %d fixes, want %d", b.Report.Fixes, dayFixes+1)
		}
		t.Run("gcj02", func(t *testing.T) {
			rec := request(t, f.s, http.MethodGet, "/api/v1/workers/li/trajectory?date=2024-05-01&crs=gcj02", f.admin, nil)
			wantStatus(t, rec, http.StatusOK)
			var g struct {
				Report struct {
					Distance float64     `json:"distance_m"`
					Line     [][]float64 `json:"line"`
				} `json:"report"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil {
				t.Fatal(err)
			}
			// GCJ-02 shifts Beijing by some 100–700 m; the figures stay those of WGS-84.
			first := orb.Point{g.Report.Line[0][0], g.Report.Line[0][1]}
			if d := haversine(first, day[0].Point); d < 100 || d > 700 || g.Report.Distance != r.Distance {
				t.Errorf("first vertex %v is %.0f m from the WGS-84 fix, distance %v (WGS-84 %v)", first, d, g.Report.Distance, r.Distance)
			}
			if want := geo.WGS84ToGCJ02(day[0].Point); math.Abs(first[0]-want[0]) > 1e-7 || math.Abs(first[1]-want[1]) > 1e-7 {
				t.Errorf("first vertex %v, geo.WGS84ToGCJ02 gives %v", first, want)
			}
		})
		if b := get(t, f.admin, "?date=2024-04-30&tz=Asia/Shanghai"); b.Report.Fixes != 1 {
			t.Errorf("the day before holds %d fixes, want 1", b.Report.Fixes)
		}
	})
}

func TestTrajectoryRefusals(t *testing.T) {
	st := openGPKG(t)
	f := newIngestFixture(t, st)
	leader2, _, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", "g2")
	if err != nil {
		t.Fatal(err)
	}
	wang, _, err := app.CreateToken(context.Background(), st, data.RoleWorker, "wang", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, secret, target string
		status               int
		detail               string
	}{
		{"another worker", wang, "/api/v1/workers/li/trajectory?date=2024-05-01", http.StatusForbidden, "only its own worker (wang)"},
		{"leader of another grid", leader2, "/api/v1/workers/li/trajectory?date=2024-05-01", http.StatusForbidden, "outside grid g2"},
		{"viewer", token(t, st, data.RoleViewer), "/api/v1/workers/li/trajectory?date=2024-05-01", http.StatusForbidden, "viewer"},
		{"planner", token(t, st, data.RolePlanner), "/api/v1/workers/li/trajectory?date=2024-05-01", http.StatusForbidden, "planner"},
		{"no date", f.admin, "/api/v1/workers/li/trajectory", http.StatusBadRequest, "date"},
		{"bad date", f.admin, "/api/v1/workers/li/trajectory?date=2024-13-01", http.StatusBadRequest, "YYYY-MM-DD"},
		{"bad zone", f.admin, "/api/v1/workers/li/trajectory?date=2024-05-01&tz=Mars/Olympus", http.StatusBadRequest, "IANA"},
		{"bad stop radius", f.admin, "/api/v1/workers/li/trajectory?date=2024-05-01&stop_radius=-5", http.StatusBadRequest, "stop_radius"},
		{"bad stop silence", f.admin, "/api/v1/workers/li/trajectory?date=2024-05-01&stop_silence=-2", http.StatusBadRequest, "stop_silence"},
		{"unknown worker", f.admin, "/api/v1/workers/zhao/trajectory?date=2024-05-01", http.StatusNotFound, "zhao"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, f.s, http.MethodGet, tc.target, tc.secret, nil), tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
		})
	}
}

// stop_silence reaches patrol.TrajectoryOptions in minutes; absent is off.
func TestTrajectoryParamsStopSilence(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  time.Duration
	}{{"date=2024-05-01", 0}, {"date=2024-05-01&stop_silence=2.5", 150 * time.Second}, {"date=2024-05-01&stop_silence=0", 0}} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseTrajectoryParams(q, time.UTC)
		if err != nil || p.opts.StopSilence != tc.want {
			t.Errorf("%s: stop silence %v, %v; want %v", tc.query, p.opts.StopSilence, err, tc.want)
		}
	}
}
