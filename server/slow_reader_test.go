package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/server"
	"wangge/server/ogc"
)

// smallSendBuffers makes every accepted connection's kernel send buffer
// small, so that a response to a client that reads nothing stays in the
// server's hands instead of in the socket.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// stuckWriter counts the responses that started writing their body and
// those whose writes returned.
type stuckWriter struct {
	http.ResponseWriter
	started, done *atomic.Int64
	once          bool
}

func (w *stuckWriter) Write(b []byte) (int, error) {
	if !w.once {
		w.once = true
		w.started.Add(1)
		defer w.done.Add(1)
	}
	return w.ResponseWriter.Write(b)
}

// TestSlowReadersHoldOnePage sends the largest list of the demo workspace
// (the 158,989 fixes of the tracks collection, a page of the most, 10,000,
// a request) on raw connections that never read. While every response is
// stuck in its write, the server's heap has grown by at most about one
// page a client: a page's size is taken from a page of 100 features, so
// a route that answered more than a page at once would fail.
func TestSlowReadersHoldOnePage(t *testing.T) {
	ws := demoWorkspace(t)
	s, err := server.New(server.Options{Store: ws.store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var started, done atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(&stuckWriter{ResponseWriter: w, started: &started, done: &done}, r)
	}))
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	defer srv.Close()
	const path = "/ogc/collections/tracks/items"
	res, small := get(t, srv.URL+path+"?limit=100", "Authorization", "Bearer "+ws.admin)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", path, res.Status)
	}
	onePage := len(small) / 100 * ogc.MaxLimit
	var first struct {
		Features []struct{ ID string } `json:"features"`
	}
	if err := json.Unmarshal(small, &first); err != nil || len(first.Features) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	// From after the first fix, a page is read by keyset, without the
	// count of every fix that the first page makes.
	from := url.QueryEscape(first.Features[0].ID)
	started.Store(0)
	done.Store(0)

	const clients = 4
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	host := strings.TrimPrefix(srv.URL, "http://")
	for range clients {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
		fmt.Fprintf(conn, "GET %s?limit=%d&after=%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", path, ogc.MaxLimit, from, host, ws.admin)
	}
	deadline := time.Now().Add(30 * time.Second)
	for started.Load() < clients && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if started.Load() < clients || done.Load() > 0 {
		t.Fatalf("%d of %d responses writing, %d written: the clients are not holding the server up", started.Load(), clients, done.Load())
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.GC() // the second empties sync.Pool's victim cache (encoding/json's buffers)
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	perClient := float64(grown) / clients
	t.Logf("heap %.1f MB → %.1f MB with %d stuck clients: %.2f MB each; a page of %d fixes is about %.2f MB",
		float64(before.HeapAlloc)/(1<<20), float64(after.HeapAlloc)/(1<<20), clients, perClient/(1<<20), ogc.MaxLimit, float64(onePage)/(1<<20))
	if perClient > 2*float64(onePage) {
		t.Errorf("each stuck client holds %.2f MB, more than two pages (%.2f MB each)", perClient/(1<<20), float64(onePage)/(1<<20))
	}
}

// pageLimits is a store that records the Limit of every incident listing.
type pageLimits struct {
	data.Store
	limits []int
}

func (p *pageLimits) Incidents(ctx context.Context, q data.IncidentQuery) ([]incident.Incident, error) {
	p.limits = append(p.limits, q.Limit)
	return p.Store.Incidents(ctx, q)
}

// TestOpen311ReadsAPageAtATime follows the next links of requests.json
// over 30 years, 7 a page: every incident of the demo once, newest first,
// and the store is never asked for more than a page (and the one that
// tells whether more follow) at once.
func TestOpen311ReadsAPageAtATime(t *testing.T) {
	ws := demoWorkspace(t)
	st := &pageLimits{Store: ws.store}
	s, err := server.New(server.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Record(s))
	defer srv.Close()
	all, err := ws.store.Incidents(context.Background(), data.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, inc := range all {
		want = append(want, string(inc.ID))
	}
	slices.Reverse(want)
	const size = 7
	var got []string
	next := srv.URL + "/open311/v2/requests.json?start_date=2000-01-01&end_date=2030-01-01&page_size=" + fmt.Sprint(size)
	for pages := 0; next != ""; pages++ {
		if pages > len(want) {
			t.Fatal("the next links do not end")
		}
		res, body := get(t, next)
		var reqs []struct {
			ID string `json:"service_request_id"`
		}
		if err := json.Unmarshal(body, &reqs); err != nil || res.StatusCode != http.StatusOK || len(reqs) > size {
			t.Fatalf("%s: %s, %d requests, %v", next, res.Status, len(reqs), err)
		}
		for _, r := range reqs {
			got = append(got, r.ID)
		}
		next = ""
		if l := res.Header.Get("Link"); l != "" {
			u, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`))
			if err != nil {
				t.Fatalf("Link %q: %v", l, err)
			}
			next = u.String()
		}
	}
	if !slices.Equal(got, want) || len(want) < 3*size {
		t.Errorf("paged requests %v, want the %d incidents newest first %v", got, len(want), want)
	}
	for _, l := range st.limits {
		if l < 1 || l > size+1 {
			t.Errorf("the store was asked for %d incidents at once (limits %v); a page is %d", l, st.limits, size)
			break
		}
	}
}
