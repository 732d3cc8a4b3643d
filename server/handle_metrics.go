package server

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// MetricsContentType is the Prometheus text exposition format, version
// 0.0.4, that /metrics answers in.
const MetricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// durationBuckets are the upper bounds in seconds of the request duration
// histogram: from a cached read (1 ms) to a large batch ingest (10 s).
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts requests by method, route and status and keeps a
// duration histogram per method and route. It is written with the
// standard library: the text format is a few lines, and a client library
// would bring a dependency tree and global registries for three series.
// Labels hold route templates ("/api/v1/workers/:id"), never raw paths, so
// ids do not leak into metrics and the number of series stays bounded.
type metrics struct {
	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[routeKey]*histogram
}

type routeKey struct{ method, route string }

type requestKey struct {
	routeKey
	status int
}

// histogram is a cumulative Prometheus histogram.
type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last one is +Inf
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]uint64{}, durations: map[routeKey]*histogram{}}
}

// observe is the middleware that records every request once its status
// is final: it hands errors to the error handler itself, as accessLog
// does, so that the status recorded is the status sent. A handler that
// panics is recorded as the 500 it becomes, and the panic goes on, with
// its stack, to the recovering middleware outside.
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		panicking := true
		defer func() {
			if panicking {
				m.record(routeOf(c), http.StatusInternalServerError, time.Since(start))
			}
		}()
		err := next(c)
		panicking = false
		if err != nil {
			c.Error(err)
		}
		m.record(routeOf(c), c.Response().Status, time.Since(start))
		return nil
	}
}

// routeOf labels a request by its method and route template.
func routeOf(c echo.Context) routeKey {
	route := c.Path()
	if route == "" || strings.HasSuffix(route, "/*") {
		route = "unmatched" // an unknown path: its text is not a label
	}
	return routeKey{c.Request().Method, route}
}

func (m *metrics) record(k routeKey, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{k, status}]++
	h := m.durations[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.durations[k] = h
	}
	s := d.Seconds()
	i, _ := slices.BinarySearch(durationBuckets, s) // first bucket with bound >= s
	h.counts[i]++
	h.sum += s
	h.count++
}

// serveMetrics answers GET /metrics in the Prometheus text format: request
// counts by method, route and status, the duration histogram by method
// and route, and a store ping (up and its latency) taken at scrape time.
// On the API's address it needs an admin token (Prometheus sends one with
// its authorization setting); with Options.MetricsAddr it is served there
// instead, without a token, for an address only the scraper reaches.
func (s *Server) serveMetrics(m *metrics) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), pingTimeout)
		start := time.Now()
		pingErr := s.store.Ping(ctx)
		ping := time.Since(start)
		cancel()
		if pingErr != nil {
			s.logger(c).Warn("metrics: store ping failed", "err", pingErr)
		}
		c.Response().Header().Set(echo.HeaderContentType, MetricsContentType)
		c.Response().WriteHeader(http.StatusOK)
		w := bufio.NewWriter(c.Response())
		m.write(w)
		up := 1
		if pingErr != nil {
			up = 0
		}
		fmt.Fprintf(w, "# HELP wangge_store_up Whether the store answered a ping at scrape time.\n"+
			"# TYPE wangge_store_up gauge\nwangge_store_up %d\n", up)
		fmt.Fprintf(w, "# HELP wangge_store_ping_seconds How long the store took to answer the ping.\n"+
			"# TYPE wangge_store_ping_seconds gauge\nwangge_store_ping_seconds %s\n", formatFloat(ping.Seconds()))
		return w.Flush()
	}
}

// write renders the request series in a stable order.
func (m *metrics) write(w *bufio.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.WriteString("# HELP wangge_http_requests_total HTTP requests by method, route template and status.\n" +
		"# TYPE wangge_http_requests_total counter\n")
	reqs := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqs = append(reqs, k)
	}
	slices.SortFunc(reqs, func(a, b requestKey) int {
		if c := compareRoute(a.routeKey, b.routeKey); c != 0 {
			return c
		}
		return a.status - b.status
	})
	for _, k := range reqs {
		fmt.Fprintf(w, "wangge_http_requests_total{method=%s,route=%s,status=\"%d\"} %d\n",
			quoteLabel(k.method), quoteLabel(k.route), k.status, m.requests[k])
	}
	w.WriteString("# HELP wangge_http_request_duration_seconds Time from request to response, by method and route template.\n" +
		"# TYPE wangge_http_request_duration_seconds histogram\n")
	routes := make([]routeKey, 0, len(m.durations))
	for k := range m.durations {
		routes = append(routes, k)
	}
	slices.SortFunc(routes, compareRoute)
	for _, k := range routes {
		h := m.durations[k]
		labels := fmt.Sprintf("method=%s,route=%s", quoteLabel(k.method), quoteLabel(k.route))
		var cum uint64
		for i, n := range h.counts {
			cum += n
			le := "+Inf"
			if i < len(durationBuckets) {
				le = formatFloat(durationBuckets[i])
			}
			fmt.Fprintf(w, "wangge_http_request_duration_seconds_bucket{%s,le=%q} %d\n", labels, le, cum)
		}
		fmt.Fprintf(w, "wangge_http_request_duration_seconds_sum{%s} %s\n", labels, formatFloat(h.sum))
		fmt.Fprintf(w, "wangge_http_request_duration_seconds_count{%s} %d\n", labels, h.count)
	}
}

func compareRoute(a, b routeKey) int {
	if c := strings.Compare(a.route, b.route); c != 0 {
		return c
	}
	return strings.Compare(a.method, b.method)
}

// quoteLabel quotes a label value as the text format wants: backslash,
// double quote and newline escaped.
func quoteLabel(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
