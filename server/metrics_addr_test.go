package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"wangge/data"
)

// TestMetricsNeedAdminOrOwnAddress checks that /metrics on the API's
// address needs an admin token, and that with MetricsAddr it is served
// there without one and leaves the API's address.
func TestMetricsNeedAdminOrOwnAddress(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	wantStatus(t, request(t, s, http.MethodGet, "/metrics", "", nil), http.StatusUnauthorized)
	wantStatus(t, request(t, s, http.MethodGet, "/metrics", token(t, st, data.RoleViewer), nil), http.StatusForbidden)
	wantStatus(t, request(t, s, http.MethodGet, "/metrics", token(t, st, data.RoleAdmin), nil), http.StatusOK)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	s, _ = testServer(t, st, Options{Addr: "127.0.0.1:0", MetricsAddr: metricsAddr})
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	get := func(url string) (int, string) {
		t.Helper()
		for range 100 { // the metrics listener starts with Serve
			res, err := http.Get(url)
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return res.StatusCode, string(b)
		}
		t.Fatalf("GET %s: no answer", url)
		return 0, ""
	}
	if code, body := get("http://" + metricsAddr + "/metrics"); code != http.StatusOK || !strings.Contains(body, "wangge_store_up 1") {
		t.Fatalf("metrics address: %d %.200s", code, body)
	}
	if code, _ := get("http://" + addr.String() + "/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics on the API's address with MetricsAddr set: %d, want 404", code)
	}
}
