package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// listedWorkers calls GET /api/v1/workers and returns the ids.
func listedWorkers(t *testing.T, s *Server, secret string) []patrol.WorkerID {
	t.Helper()
	rec := request(t, s, http.MethodGet, "/api/v1/workers", secret, nil)
	wantStatus(t, rec, http.StatusOK)
	var l workerList
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	ids := make([]patrol.WorkerID, len(l.Workers))
	for i, w := range l.Workers {
		ids[i] = w.ID
	}
	return ids
}

func TestWorkersScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st) // li in g1 with a phone, wang in g2
		leader1, _, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", "g1")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("read back", func(t *testing.T) {
			rec := request(t, f.s, http.MethodGet, "/api/v1/workers/li", f.admin, nil)
			wantStatus(t, rec, http.StatusOK)
			var w workerJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil {
				t.Fatal(err)
			}
			if w.Name != "Li" || w.Role != patrol.RoleFullTime || w.DeviceID != liDevice || !slices.Equal(w.Grids, []partition.GridID{"g1"}) {
				t.Fatalf("worker li read back as %+v", w)
			}
		})
		lists := []struct {
			name, secret string
			want         []patrol.WorkerID
		}{
			{"admin sees all", f.admin, []patrol.WorkerID{"li", "wang"}},
			{"leader sees own grid", leader1, []patrol.WorkerID{"li"}},
			{"worker sees itself", f.liWork, []patrol.WorkerID{"li"}},
		}
		for _, tc := range lists {
			t.Run(tc.name, func(t *testing.T) {
				if got := listedWorkers(t, f.s, tc.secret); !slices.Equal(got, tc.want) {
					t.Fatalf("listed %v, want %v", got, tc.want)
				}
			})
		}
		refusals := []struct {
			name, method, target, secret, body string
			status                             int
		}{
			{"worker reads another", http.MethodGet, "/api/v1/workers/wang", f.liWork, "", http.StatusForbidden},
			{"leader reads another grid's worker", http.MethodGet, "/api/v1/workers/wang", leader1, "", http.StatusForbidden},
			{"planner reads workers", http.MethodGet, "/api/v1/workers", token(t, st, data.RolePlanner), "", http.StatusForbidden},
			{"viewer reads a worker", http.MethodGet, "/api/v1/workers/li", token(t, st, data.RoleViewer), "", http.StatusForbidden},
			{"worker writes", http.MethodPost, "/api/v1/workers", f.liWork, `{"id":"li","role":"leader"}`, http.StatusForbidden},
			{"leader writes into another grid", http.MethodPost, "/api/v1/workers", leader1,
				`[{"id":"zhao","role":"volunteer","grids":["g1"]},{"id":"qian","role":"volunteer","grids":["g2"]}]`, http.StatusForbidden},
			{"leader takes over another grid's worker", http.MethodPost, "/api/v1/workers", leader1,
				`{"id":"wang","role":"volunteer","grids":["g1"]}`, http.StatusForbidden},
			{"device of another worker", http.MethodPost, "/api/v1/workers", f.admin,
				`{"id":"zhao","role":"volunteer","device_id":"` + liDevice + `"}`, http.StatusConflict},
			{"one device for two workers", http.MethodPost, "/api/v1/workers", f.admin,
				`[{"id":"zhao","role":"volunteer","device_id":"abc"},{"id":"qian","role":"volunteer","device_id":"abc"}]`, http.StatusBadRequest},
			{"unknown worker", http.MethodGet, "/api/v1/workers/zhao", f.admin, "", http.StatusNotFound},
			{"bad role", http.MethodPost, "/api/v1/workers", f.admin, `[{"id":"zhao","role":"boss"}]`, http.StatusBadRequest},
			{"no id", http.MethodPost, "/api/v1/workers", f.admin, `{"role":"volunteer"}`, http.StatusBadRequest},
			{"not JSON", http.MethodPost, "/api/v1/workers", f.admin, `{"id":`, http.StatusBadRequest},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				decodeProblem(t, request(t, f.s, tc.method, tc.target, tc.secret, strings.NewReader(tc.body)), tc.status)
			})
		}
		t.Run("refused batches store nothing", func(t *testing.T) {
			if got := listedWorkers(t, f.s, f.admin); !slices.Equal(got, []patrol.WorkerID{"li", "wang"}) {
				t.Fatalf("workers after refusals: %v", got)
			}
		})
		t.Run("leader writes into own grid", func(t *testing.T) {
			rec := request(t, f.s, http.MethodPost, "/api/v1/workers", leader1,
				strings.NewReader(`{"id":"zhao","name":"Zhao","role":"building-head","grids":["g1"]}`))
			wantStatus(t, rec, http.StatusOK)
			// li keeps its own phone when rewritten.
			rec = request(t, f.s, http.MethodPost, "/api/v1/workers", leader1,
				strings.NewReader(`{"id":"li","name":"Li","role":"full-time","device_id":"`+liDevice+`","grids":["g1"]}`))
			wantStatus(t, rec, http.StatusOK)
			if got := listedWorkers(t, f.s, leader1); !slices.Equal(got, []patrol.WorkerID{"li", "zhao"}) {
				t.Fatalf("leader lists %v after the write", got)
			}
		})
	})
}

// TestLeaderCannotNarrowASharedWorker is what a tester did: a leader of
// one grid rewrote a worker registered in every grid to its own grid only.
// Now the stored worker must be the leader's alone: 403, and the worker
// stays as it was.
func TestLeaderCannotNarrowASharedWorker(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/workers", f.admin,
			strings.NewReader(`{"id":"chief","role":"leader","grids":["g1","g2"]}`)), http.StatusOK)
		leader1, _, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", "g1")
		if err != nil {
			t.Fatal(err)
		}
		p := decodeProblem(t, request(t, f.s, http.MethodPost, "/api/v1/workers", leader1,
			strings.NewReader(`{"id":"chief","role":"leader","grids":["g1"]}`)), http.StatusForbidden)
		if !strings.Contains(p.Detail, "belongs to grids [g1 g2]") {
			t.Errorf("403 detail %q does not say why", p.Detail)
		}
		w, err := st.Worker(context.Background(), "chief")
		if err != nil || !slices.Equal(w.Grids, []partition.GridID{"g1", "g2"}) {
			t.Fatalf("worker chief after the refused write: %+v, %v", w, err)
		}
	})
}

// FuzzDecodeWorkers checks that any body gives at least one worker or a
// *BodyError.
func FuzzDecodeWorkers(f *testing.F) {
	for _, seed := range []string{
		`{"id":"li","name":"Li","role":"full-time","device_id":"864950031236785","grids":["g1"]}`,
		`[{"id":"li","role":"volunteer"},{"id":"wang","role":"leader","grids":["g1","g2"]}]`,
		`[]`, `{"id":`, `{"grids":"g1"}`, `[1]`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		workers, err := decodeWorkers(bytes.NewReader(body))
		if err != nil {
			wantBodyError(t, err)
			return
		}
		if len(workers) == 0 {
			t.Fatal("no worker and no error")
		}
	})
}
