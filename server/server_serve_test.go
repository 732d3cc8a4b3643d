package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
	"wangge/internal/window"

	"github.com/labstack/echo/v4"
)

// slowServer is a Server on 127.0.0.1:0 with a /test/slow route that
// signals when a request arrives and answers only when released.
type slowServer struct {
	*Server
	url      string
	arrived  chan struct{}
	release  chan struct{}
	shutdown chan struct{} // closed when Shutdown begins
}

func newSlowServer(t *testing.T, timeout time.Duration) *slowServer {
	t.Helper()
	s, _ := testServer(t, openGPKG(t), Options{Addr: "127.0.0.1:0", ShutdownTimeout: timeout})
	ss := &slowServer{Server: s, arrived: make(chan struct{}), release: make(chan struct{}), shutdown: make(chan struct{})}
	s.echo.GET("/test/slow", func(c echo.Context) error {
		close(ss.arrived)
		<-ss.release
		return c.String(http.StatusOK, "done")
	})
	s.http.RegisterOnShutdown(func() { close(ss.shutdown) })
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ss.url = "http://" + addr.String()
	return ss
}

// result is what a client got.
type result struct {
	status int
	body   string
	err    error
}

func get(url string) <-chan result {
	out := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		out <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	return out
}

func TestServeDrainsInFlightRequests(t *testing.T) {
	ss := newSlowServer(t, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- ss.Serve(ctx) }()

	if r := <-get(ss.url + "/healthz"); r.err != nil || r.status != http.StatusOK {
		t.Fatalf("healthz before shutdown: %+v", r)
	}
	slow := get(ss.url + "/test/slow")
	<-ss.arrived
	cancel()
	<-ss.shutdown
	// Shutdown has begun and closed the listener: new connections fail.
	if conn, err := net.Dial("tcp", ss.url[len("http://"):]); err == nil {
		conn.Close()
		t.Error("the server still accepts connections while shutting down")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	default:
	}
	close(ss.release)
	if r := <-slow; r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestServeShutdownTimeout(t *testing.T) {
	ss := newSlowServer(t, 10*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ss.Serve(ctx) }()
	slow := get(ss.url + "/test/slow")
	<-ss.arrived
	cancel()
	// The handler is released only after Serve gave up on it.
	err := <-served
	close(ss.release)
	if !errors.Is(err, ErrShutdownTimeout) {
		t.Fatalf("Serve: %v, want ErrShutdownTimeout", err)
	}
	if r := <-slow; r.err == nil && r.status == http.StatusOK {
		t.Errorf("the request that outlived the timeout was answered: %+v", r)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	st := openGPKG(t)
	cases := []struct {
		name string
		opts Options
	}{
		{"no store", Options{}},
		{"bad address", Options{Store: st, Addr: "8080"}},
		{"negative body limit", Options{Store: st, BodyLimit: -1}},
		{"negative timeout", Options{Store: st, ShutdownTimeout: -time.Second}},
		{"negative write timeout", Options{Store: st, WriteTimeout: -time.Second}},
		{"origin with a path", Options{Store: st, CORSOrigins: []string{"https://map.example.org/"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.opts); !errors.Is(err, ErrOptions) {
				t.Errorf("New: %v, want ErrOptions", err)
			}
		})
	}
}

// The timeouts of Options reach the http.Server, with defaults for the
// zero ones, and the zone defaults to window.DefaultZone.
func TestNewTimeoutsAndZone(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{ReadTimeout: 30 * time.Second, WriteTimeout: time.Minute, IdleTimeout: 3 * time.Minute})
	h := s.http
	if h.ReadHeaderTimeout != DefaultReadHeaderTimeout || h.ReadTimeout != 30*time.Second ||
		h.WriteTimeout != time.Minute || h.IdleTimeout != 3*time.Minute || s.shutdownTimeout != DefaultShutdownTimeout {
		t.Fatalf("timeouts: header %s, read %s, write %s, idle %s, shutdown %s", h.ReadHeaderTimeout, h.ReadTimeout,
			h.WriteTimeout, h.IdleTimeout, s.shutdownTimeout)
	}
	if s.zone.String() != window.DefaultZone {
		t.Fatalf("zone %s, want %s", s.zone, window.DefaultZone)
	}
}
