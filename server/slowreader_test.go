package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
)

// TestSlowReadersReleaseMemory opens connections that ask for a large
// Open311 answer (about 4 MB) and never read it, as the tester's 30
// clients did (the server grew from 145 MB to 1.29 GB and kept it). The
// server holds at most one answer per connection, and only until the
// write timeout: then it closes the connections and the heap comes back.
func TestSlowReadersReleaseMemory(t *testing.T) {
	st := openGPKG(t)
	ctx := context.Background()
	now := time.Now().UTC()
	var incs []incident.Incident
	for i := range 1000 {
		inc, err := incident.Create(incident.Incident{ID: incident.ID(fmt.Sprintf("inc-%04d", i)), Category: "other",
			Description: strings.Repeat("字", 1300), Location: orb.Point{7.42, 43.73}},
			incident.Actor{Role: incident.ActorPublic}, now.Add(-time.Hour), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		incs = append(incs, inc)
	}
	if err := st.PutIncidents(ctx, incs); err != nil {
		t.Fatal(err)
	}
	const timeout = 500 * time.Millisecond
	s, _ := testServer(t, st, Options{Addr: "127.0.0.1:0", WriteTimeout: timeout})
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx) }()
	defer func() { cancel(); <-done }()

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	// One answer read whole: its size.
	size := len(slowGet(t, addr.String()))
	if size < 3<<20 {
		t.Fatalf("answer of %d bytes; the test wants a few MB", size)
	}
	base := heap()
	const readers = 10
	var conns []net.Conn
	for range readers {
		conns = append(conns, slowConn(t, addr.String()))
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// The heap, sampled until it is back near where it was: the server
	// gives up on the slow readers at the write timeout and frees their
	// answers.
	var peak uint64
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := heap()
		peak = max(peak, h)
		if time.Since(deadline) > 0 {
			t.Fatalf("heap %d MB %s after %d slow readers came, %d MB before them", h>>20, 30*time.Second, readers, base>>20)
		}
		if int64(h)-int64(base) < int64(size) && time.Since(deadline) > -29*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// An answer is built (encoded, then gzipped or not) before it is
	// written, so a reader may hold a few copies of its page while it is
	// stuck; five is the bound, against the whole list each before paging.
	if grown := int64(peak) - int64(base); grown > int64(readers)*int64(size)*5 {
		t.Errorf("%d slow readers held %d MB at the peak, more than five answers (%d MB) each", readers, grown>>20, size>>20)
	}
	// None got the whole answer: each connection was cut at the timeout.
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		if n, _ := io.Copy(io.Discard, c); n >= int64(size) {
			t.Errorf("a slow reader got the whole answer (%d bytes) after the write timeout", n)
		}
	}
}

// slowConn sends a GET of the Open311 list and does not read the answer;
// its receive buffer is small, so the server's writes block.
func slowConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := io.WriteString(c, "GET /open311/v2/requests.json?page_size=1000 HTTP/1.1\r\nHost: wangge\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return c
}

// slowGet reads one answer of the Open311 list whole.
func slowGet(t *testing.T, addr string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /open311/v2/requests.json?page_size=1000 HTTP/1.1\r\nHost: wangge\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
