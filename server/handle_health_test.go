package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"wangge/data"
)

func TestHealth(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, logs := testServer(t, st, Options{})
		rec := request(t, s, http.MethodGet, "/healthz", "", nil)
		wantStatus(t, rec, http.StatusOK)
		var h map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatal(err)
		}
		if h["status"] != "ok" || h["store"] != "ok" || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("healthy answer %v (%s)", h, rec.Header().Get("Content-Type"))
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		p := decodeProblem(t, request(t, s, http.MethodGet, "/healthz", "", nil), http.StatusServiceUnavailable)
		if p.Instance != "/healthz" {
			t.Errorf("problem %+v", p)
		}
		if !containsAll(logs.String(), "store ping failed", p.RequestID) {
			t.Errorf("the ping failure is not logged with the request id:\n%s", logs.String())
		}
	})
}
