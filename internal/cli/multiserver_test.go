package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/stores"
	"wangge/internal/app"
)

// buildWangge builds the command once per test binary.
var buildWangge = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wangge-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "wangge")
	out, err := exec.Command("go", "build", "-o", bin, "wangge").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
})

// servingLine is the line `wangge serve` prints once it listens.
var servingLine = regexp.MustCompile(`serving (http://\S+)`)

// startServe starts `wangge serve` on a free loopback port over dsn and
// returns its base URL; the process is stopped when the test ends.
func startServe(t *testing.T, dsn string) string {
	t.Helper()
	bin, err := buildWangge()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	out := bufio.NewReader(stdout)
	var u string
	for u == "" {
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed no address: %v\n%s", err, stderr.String())
		}
		if m := servingLine.FindStringSubmatch(line); m != nil {
			u = m[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return u
}

// call sends a JSON request with a bearer token and decodes a JSON answer
// into out (when not nil); it returns the status.
func call(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, raw)
		}
	}
	return resp.StatusCode
}

// incidentJSON is what the test reads of an incident feature.
type incidentJSON struct {
	ID         string `json:"id"`
	Properties struct {
		Status string `json:"status"`
		Grid   string `json:"grid"`
		Events []struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"events"`
	} `json:"properties"`
}

// sharedStore makes a store for two servers and an admin token on it.
func sharedStore(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	s, err := stores.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, _, err := app.CreateToken(ctx, s, data.RoleAdmin, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return admin
}

// TestTwoServersOneStore starts two `wangge serve` processes on one
// GeoPackage file, and two on one PostGIS schema, and fires conflicting
// requests at both at once: for each of 40 incidents, reported → accepted
// from both, then accepted → handling from one and accepted → duplicate
// from the other (either move makes the other illegal); and the same new
// device id registered to two workers.
// Every transition answered 2xx is in the event log exactly once, every
// loser got 409, the stored status is the last event's on every incident,
// and exactly one registration of a device succeeds.
func TestTwoServersOneStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and starts four servers")
	}
	cases := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"geopackage", func(t *testing.T) string { return filepath.Join(t.TempDir(), "shared.gpkg") }},
		{"postgis", func(t *testing.T) string { return pgtest.DSN(t) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := c.dsn(t)
			admin := sharedStore(t, dsn)
			servers := [2]string{startServe(t, dsn), startServe(t, dsn)}
			t.Run("incident transitions", func(t *testing.T) { raceTransitions(t, servers, admin) })
			t.Run("device ids", func(t *testing.T) { raceDevices(t, servers, admin) })
		})
	}
}

// raceTransitions files 40 incidents, then moves each from both servers
// at once, twice, and checks the event logs.
func raceTransitions(t *testing.T, servers [2]string, admin string) {
	const n = 40
	ids := make([]string, n)
	for i := range ids {
		var inc incidentJSON
		body := map[string]any{"category": "environment", "description": "race", "location": []float64{7.42 + float64(i)*1e-4, 43.73}}
		if st := call(t, http.MethodPost, servers[i%2]+"/api/v1/incidents", admin, body, &inc); st != http.StatusCreated {
			t.Fatalf("file incident %d: %d", i, st)
		}
		ids[i] = inc.ID
	}
	type outcome struct{ status [2]int }
	race := func(to [2]string) []outcome {
		out := make([]outcome, n)
		var wg sync.WaitGroup
		for i, id := range ids {
			for k := range 2 {
				body := map[string]string{"to": to[k], "note": fmt.Sprintf("server %d", k)}
				if to[k] == "duplicate" {
					body["duplicate_of"] = ids[(i+1)%n]
				}
				wg.Go(func() {
					out[i].status[k] = call(t, http.MethodPost, servers[k]+"/api/v1/incidents/"+id+"/transitions", admin, body, nil)
				})
			}
		}
		wg.Wait()
		return out
	}
	first := race([2]string{"accepted", "accepted"})
	second := race([2]string{"handling", "duplicate"})
	for i, id := range ids {
		var inc incidentJSON
		if st := call(t, http.MethodGet, servers[i%2]+"/api/v1/incidents/"+id, admin, nil, &inc); st != http.StatusOK {
			t.Fatalf("read %s: %d", id, st)
		}
		ev := inc.Properties.Events
		var tos []string
		for _, e := range ev {
			tos = append(tos, e.To)
		}
		for round, o := range []outcome{first[i], second[i]} {
			won := 0
			for _, st := range o.status {
				switch {
				case st >= 200 && st < 300:
					won++
				case st != http.StatusConflict:
					t.Errorf("%s round %d: a loser got %d, want 409", id, round+1, st)
				}
			}
			if won != 1 {
				t.Errorf("%s round %d: %d servers answered 2xx (%v), want exactly 1", id, round+1, won, o.status)
			}
		}
		winner := map[bool]string{true: "handling", false: "duplicate"}[second[i].status[0] < 300]
		if want := []string{"reported", "accepted", winner}; strings.Join(tos, ",") != strings.Join(want, ",") {
			t.Errorf("%s: events %v, want %v", id, tos, want)
		}
		if len(ev) > 0 && inc.Properties.Status != ev[len(ev)-1].To {
			t.Errorf("%s: status %s, last event %s", id, inc.Properties.Status, ev[len(ev)-1].To)
		}
	}
}

// raceDevices registers one new device id to two workers, one through
// each server, at once, 30 times.
func raceDevices(t *testing.T, servers [2]string, admin string) {
	for trial := range 30 {
		device := fmt.Sprintf("phone-%02d", trial)
		var st [2]int
		var wg sync.WaitGroup
		for k := range 2 {
			wg.Go(func() {
				w := map[string]any{"id": fmt.Sprintf("w%02d-%d", trial, k), "role": "full-time", "device_id": device, "grids": []string{}}
				st[k] = call(t, http.MethodPost, servers[k]+"/api/v1/workers", admin, w, nil)
			})
		}
		wg.Wait()
		ok := 0
		for _, s := range st {
			switch {
			case s >= 200 && s < 300:
				ok++
			case s != http.StatusConflict:
				t.Errorf("device %s: a loser got %d, want 409", device, s)
			}
		}
		if ok != 1 {
			t.Errorf("device %s: %d registrations succeeded (%v), want exactly 1", device, ok, st)
		}
	}
}

// TestPublishSeenByAnotherServer publishes a plan through one server of a
// PostGIS store and checks that the other locates a new incident in its
// grids within a second: the second server keeps the plan in force in
// memory and drops it when the change feed says plans changed.
func TestPublishSeenByAnotherServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and starts two servers")
	}
	dsn := pgtest.DSN(t)
	admin := sharedStore(t, dsn)
	a, b := startServe(t, dsn), startServe(t, dsn)
	blocks := map[string]any{"type": "FeatureCollection", "features": []any{
		blockSquare("b1", 7.410, 43.730, 120), blockSquare("b2", 7.411, 43.730, 130),
		blockSquare("b3", 7.410, 43.731, 110), blockSquare("b4", 7.411, 43.731, 140),
	}}
	if st := call(t, http.MethodPost, a+"/api/v1/blocks", admin, blocks, nil); st != http.StatusOK {
		t.Fatalf("put blocks: %d", st)
	}
	var drawn struct {
		Plan struct {
			ID string `json:"id"`
		} `json:"plan"`
	}
	if st := call(t, http.MethodPost, a+"/api/v1/plans", admin, map[string]any{"weight": "households", "count": 2, "tolerance": 0.2}, &drawn); st != http.StatusCreated {
		t.Fatalf("draw plan: %d", st)
	}
	report := func() incidentJSON {
		var inc incidentJSON
		body := map[string]any{"category": "environment", "location": []float64{7.4105, 43.7305}}
		if st := call(t, http.MethodPost, b+"/api/v1/incidents", admin, body, &inc); st != http.StatusCreated {
			t.Fatalf("file incident on B: %d", st)
		}
		return inc
	}
	if g := report().Properties.Grid; g != "" {
		t.Fatalf("before publishing, B located an incident in grid %q", g)
	}
	if st := call(t, http.MethodPost, a+"/api/v1/plans/"+drawn.Plan.ID+"/publish", admin, nil, nil); st != http.StatusOK {
		t.Fatalf("publish on A: %d", st)
	}
	published := time.Now()
	for {
		inc := report()
		if inc.Properties.Grid != "" {
			t.Logf("B located an incident in grid %s %v after A published", inc.Properties.Grid, time.Since(published).Round(time.Millisecond))
			break
		}
		if time.Since(published) > time.Second {
			t.Fatalf("a second after A published, B still locates incidents in no grid")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// blockSquare is a block feature: a square of about 80 m at lon, lat.
func blockSquare(id string, lon, lat float64, households int) map[string]any {
	const d = 0.001
	return map[string]any{"type": "Feature", "properties": map[string]any{"id": id, "households": households},
		"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}}
}

// TestPositionsAcrossServers subscribes to the live positions on one
// server of a PostGIS store and posts a fix through the other: the first
// passes it on within a few seconds (the change feed announces the
// worker's new fixes, and every server relays them to its subscribers).
func TestPositionsAcrossServers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and starts two servers")
	}
	dsn := pgtest.DSN(t)
	admin := sharedStore(t, dsn)
	a, b := startServe(t, dsn), startServe(t, dsn)
	worker := map[string]any{"id": "walker", "role": "full-time", "grids": []string{}}
	if st := call(t, http.MethodPost, a+"/api/v1/workers", admin, worker, nil); st != http.StatusOK {
		t.Fatalf("register the worker on A: %d", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b+"/api/v1/positions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("subscribe on B: %d", resp.StatusCode)
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- line
			}
		}
		close(events)
	}()
	at := time.Now().UTC().Truncate(time.Second)
	batch := map[string]any{"worker": "walker", "points": []map[string]any{
		{"time": at.Add(-10 * time.Second).Format(time.RFC3339), "lon": 7.4200, "lat": 43.7300, "accuracy": 5},
		{"time": at.Format(time.RFC3339), "lon": 7.4201, "lat": 43.7301, "accuracy": 5},
	}}
	var res struct {
		New int `json:"new"`
	}
	if st := call(t, http.MethodPost, a+"/api/v1/tracks", admin, batch, &res); st != http.StatusOK || res.New != 2 {
		t.Fatalf("post fixes to A: %d, %d new", st, res.New)
	}
	posted := time.Now()
	for {
		select {
		case line, ok := <-events:
			if !ok {
				t.Fatal("B's position stream ended before the fix came")
			}
			var f struct {
				Properties struct {
					Worker string    `json:"worker"`
					Time   time.Time `json:"time"`
				} `json:"properties"`
			}
			if json.Unmarshal([]byte(line), &f) == nil && f.Properties.Worker == "walker" && f.Properties.Time.Equal(at) {
				t.Logf("B passed on A's fix %v after it was stored", time.Since(posted).Round(time.Millisecond))
				return
			}
		case <-ctx.Done():
			t.Fatal("B never passed on the fix stored through A")
		}
	}
}
