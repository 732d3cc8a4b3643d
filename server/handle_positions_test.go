package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wangge/data"
	"wangge/internal/app"
)

// GET /api/v1/me tells each token its role and scope.
func TestMe(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	leader, _, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", "g1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ secret, want string }{
		{leader, `{"role":"leader","grid":"g1"}`},
		{token(t, st, data.RoleViewer), `{"role":"viewer"}`},
	} {
		rec := request(t, s, http.MethodGet, "/api/v1/me", c.secret, nil)
		wantStatus(t, rec, http.StatusOK)
		if got := strings.TrimSpace(rec.Body.String()); got != c.want {
			t.Errorf("me %s, want %s", got, c.want)
		}
	}
	decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/me", "", nil), http.StatusUnauthorized)
}

// The position stream sends the last fix of each worker the token may
// see, then each fix as it is ingested, and nothing of other workers.
func TestPositionStream(t *testing.T) {
	st := openGPKG(t)
	f := newIngestFixture(t, st)
	hs := httptest.NewServer(f.s)
	defer hs.Close()
	now := time.Now().UTC().Truncate(time.Second)
	post := func(worker string, at time.Time, lon float64) {
		t.Helper()
		body := `{"worker":"` + worker + `","points":[{"time":"` + at.Format(time.RFC3339) + `","lon":` + jsonNum(lon) + `,"lat":39.9087,"accuracy":8}]}`
		wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/tracks", f.admin, strings.NewReader(body)), http.StatusOK)
	}
	post("li", now.Add(-10*time.Minute), 116.3975)
	post("wang", now.Add(-10*time.Minute), 116.4)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/api/v1/positions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.liWork)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%s %q, want 200 text/event-stream", res.Status, res.Header.Get("Content-Type"))
	}
	events := make(chan feature)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var f feature
				if json.Unmarshal([]byte(data), &f) == nil {
					events <- f
				}
			}
		}
		close(events)
	}()
	next := func() feature {
		t.Helper()
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			return e
		case <-ctx.Done():
			t.Fatal("no event within 10 s")
		}
		return feature{}
	}
	if e := next(); e.ID != "li" || e.Properties["time"] != now.Add(-10*time.Minute).Format(time.RFC3339) {
		t.Fatalf("first event %+v, want li's last fix", e)
	}
	post("wang", now.Add(-time.Minute), 116.4001) // not li's to see
	post("li", now.Add(-time.Minute), 116.3976)
	if e := next(); e.ID != "li" || e.Properties["time"] != now.Add(-time.Minute).Format(time.RFC3339) {
		t.Fatalf("next event %+v, want li's new fix (and nothing of wang)", e)
	}
	viewer := token(t, st, data.RoleViewer)
	decodeProblem(t, request(t, f.s, http.MethodGet, "/api/v1/positions", viewer, nil), http.StatusForbidden)
}

func jsonNum(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
