package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/stores"
	"wangge/internal/app"
	"wangge/internal/window"
	"wangge/server"
)

// TestSameWindowEverywhere gives the same from and to to the command line
// (wangge coverage --from --to --tz), the API (from, to on
// /api/v1/incidents and /api/v1/stats/incidents) and Open311 (start_date,
// end_date on requests.json) of a server in the same zone, over incidents
// reported on and around every bound, on both stores: all three take the
// same window.
func TestSameWindowEverywhere(t *testing.T) {
	t.Run("gpkg", func(t *testing.T) { sameWindow(t, filepath.Join(t.TempDir(), "w.gpkg")) })
	t.Run("postgis", func(t *testing.T) { sameWindow(t, pgtest.DSN(t)) })
}

func sameWindow(t *testing.T, db string) {
	const zoneName = "America/New_York" // DST ends on 2026-11-01
	zone, err := window.LoadZone(zoneName)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to string
		want           window.Window // what every surface must take
	}{
		{"a day of dates", "2026-11-05", "2026-11-06",
			window.Window{From: time.Date(2026, 11, 5, 0, 0, 0, 0, zone), To: time.Date(2026, 11, 6, 0, 0, 0, 0, zone)}},
		{"the 25-hour day", "2026-11-01", "2026-11-02",
			window.Window{From: time.Date(2026, 11, 1, 0, 0, 0, 0, zone), To: time.Date(2026, 11, 2, 0, 0, 0, 0, zone)}},
		{"instants in other zones", "2026-11-05T08:00:00+08:00", "2026-11-05T10:30:00Z",
			window.Window{From: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 5, 10, 30, 0, 0, time.UTC)}},
		{"a W3C minute and a date", "2026-11-05T12:00-05:00", "2026-11-07",
			window.Window{From: time.Date(2026, 11, 5, 12, 0, 0, 0, zone), To: time.Date(2026, 11, 7, 0, 0, 0, 0, zone)}},
		{"open end", "2026-11-06", "",
			window.Window{From: time.Date(2026, 11, 6, 0, 0, 0, 0, zone)}},
	}

	ctx := t.Context()
	st, err := stores.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// An incident a second before, at and a second after each bound.
	var incs []incident.Incident
	for _, c := range cases {
		for _, b := range []time.Time{c.want.From, c.want.To} {
			for _, d := range []time.Duration{-time.Second, 0, time.Second} {
				if b.IsZero() {
					continue
				}
				id := incident.ID(fmt.Sprintf("I%d", len(incs)))
				inc, err := incident.Create(incident.Incident{ID: id, Category: "environment", Location: incidenttest.InA},
					incidenttest.WorkerA, b.Add(d), "found", incidenttest.Index())
				if err != nil {
					t.Fatal(err)
				}
				incs = append(incs, inc)
			}
		}
	}
	if err := st.PutIncidents(ctx, incs); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: st, Zone: zone, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(srv)
	defer api.Close()
	viewer, _, err := app.CreateToken(ctx, st, data.RoleViewer, "", "")
	if err != nil {
		t.Fatal(err)
	}
	get := func(t *testing.T, path string, q url.Values, v any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+viewer)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s?%s: %d %s", path, q.Encode(), res.StatusCode, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	query := func(names [2]string, c struct{ from, to string }) url.Values {
		q := url.Values{}
		if c.from != "" {
			q.Set(names[0], c.from)
		}
		if c.to != "" {
			q.Set(names[1], c.to)
		}
		return q
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []string
			for _, inc := range incs {
				if c.want.Contains(inc.Reported) {
					want = append(want, string(inc.ID))
				}
			}
			slices.Sort(want)
			bounds := struct{ from, to string }{c.from, c.to}

			// The command line.
			args := []string{"--grids", "g.geojson", "--tracks", "t.gpx", "--out", "o.geojson", "--tz", zoneName}
			if c.from != "" {
				args = append(args, "--from", c.from)
			}
			if c.to != "" {
				args = append(args, "--to", c.to)
			}
			o, err := parseCoverage(args, io.Discard)
			if err != nil {
				t.Fatalf("parseCoverage: %v", err)
			}
			if !o.cov.From.Equal(c.want.From) || !o.cov.To.Equal(c.want.To) {
				t.Errorf("CLI window [%v, %v), want [%v, %v)", o.cov.From, o.cov.To, c.want.From, c.want.To)
			}

			// The API: the statistics say their window, the list filters by it.
			var stats struct{ From, To time.Time }
			get(t, "/api/v1/stats/incidents", query([2]string{"from", "to"}, bounds), &stats)
			if !stats.From.Equal(c.want.From) || !stats.To.Equal(c.want.To) {
				t.Errorf("API window [%v, %v), want [%v, %v)", stats.From, stats.To, c.want.From, c.want.To)
			}
			var list struct {
				Features []struct{ ID string }
			}
			get(t, "/api/v1/incidents", query([2]string{"from", "to"}, bounds), &list)
			var got []string
			for _, f := range list.Features {
				got = append(got, f.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("API incidents %v, want %v", got, want)
			}

			// Open311.
			var requests []struct {
				ID string `json:"service_request_id"`
			}
			get(t, "/open311/v2/requests.json", query([2]string{"start_date", "end_date"}, bounds), &requests)
			got = got[:0]
			for _, r := range requests {
				got = append(got, r.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("Open311 requests %v, want %v", got, want)
			}
		})
	}
}
