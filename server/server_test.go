package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/pgtest"
	"wangge/data/postgis"
	"wangge/internal/app"
)

// providencePath is the real block file the route tests load.
const providencePath = "../../shared/data/blocks/providence_blocks.geojson"

// openGPKG opens a fresh GeoPackage store in the test's temp dir.
func openGPKG(t testing.TB) *gpkg.Store {
	t.Helper()
	st, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "test.gpkg"))
	if err != nil {
		t.Fatalf("open GeoPackage: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openPostGIS opens a PostGIS store in a fresh schema, or skips.
func openPostGIS(t testing.TB) *postgis.Store {
	t.Helper()
	st, err := postgis.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatalf("open PostGIS: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testStores names the two stores and opens a fresh one of each; the
// PostGIS one skips unless the test database is configured.
var testStores = []struct {
	name string
	open func(testing.TB) data.Store
}{
	{"gpkg", func(tb testing.TB) data.Store { return openGPKG(tb) }},
	{"postgis", func(tb testing.TB) data.Store { return openPostGIS(tb) }},
}

// forEachStore runs fn against the GeoPackage store and, when the test
// database is configured, the PostGIS store.
func forEachStore(t *testing.T, fn func(t *testing.T, st data.Store)) {
	t.Helper()
	for _, sc := range testStores {
		t.Run(sc.name, func(t *testing.T) { fn(t, sc.open(t)) })
	}
}

// wantBodyError fails the test unless err is a *BodyError with a reason.
func wantBodyError(t *testing.T, err error) {
	t.Helper()
	var be *BodyError
	if !errors.As(err, &be) || be.Reason == "" {
		t.Fatalf("error %v (%T) is not a *BodyError with a reason", err, err)
	}
}

// testServer is a Server over st whose log goes to the returned buffer.
func testServer(t testing.TB, st data.Store, opts Options) (*Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts.Store = st
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, logs
}

// unlimited are rates no test reaches.
var unlimited = Rates{DevicePerSecond: 1e9, DeviceBurst: 1e9, IPPerSecond: 1e9, IPBurst: 1e9, AnonymousPerHour: 1e9, AnonymousBurst: 1e9}

// token creates a token of the given role in st and returns its secret.
func token(t testing.TB, st data.Store, role data.Role) string {
	t.Helper()
	secret, _, err := app.CreateToken(context.Background(), st, role, "", "")
	if err != nil {
		t.Fatalf("app.CreateToken(%s): %v", role, err)
	}
	return secret
}

// request sends one request to h; secret may be empty, body may be nil.
func request(t testing.TB, h http.Handler, method, target, secret string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	return serve(h, req)
}

// serve runs req through h and records the response.
// It validates the exchange against the OpenAPI document (Record).
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	Record(h).ServeHTTP(rec, req)
	return rec
}

// wantStatus fails the test when rec does not have the status.
func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body: %s", rec.Code, status, rec.Body.String())
	}
}

// decodeProblem checks that rec is a problem document with the status and
// returns it.
func decodeProblem(t testing.TB, rec *httptest.ResponseRecorder, status int) Problem {
	t.Helper()
	wantStatus(t, rec, status)
	if ct := rec.Header().Get("Content-Type"); ct != ProblemContentType {
		t.Fatalf("Content-Type %q, want %q", ct, ProblemContentType)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q: %v", rec.Body.String(), err)
	}
	if p.Status != status || p.Type == "" || p.Title != http.StatusText(status) || p.Detail == "" || p.Instance == "" {
		t.Fatalf("incomplete problem: %+v", p)
	}
	if p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-Id") {
		t.Fatalf("problem request_id %q, header %q", p.RequestID, rec.Header().Get("X-Request-Id"))
	}
	return p
}

// providence reads the real Providence blocks, or skips.
func providence(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(providencePath)
	if os.IsNotExist(err) {
		t.Skipf("missing data file %s (see shared/data/MANIFEST.md)", providencePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadProvidence posts the Providence blocks through the API as a planner
// and returns the raw collection.
func loadProvidence(t testing.TB, s *Server, st data.Store) []byte {
	t.Helper()
	raw := providence(t)
	rec := request(t, s, http.MethodPost, "/api/v1/blocks?weight=population", token(t, st, data.RolePlanner), bytes.NewReader(raw))
	wantStatus(t, rec, http.StatusOK)
	return raw
}

// logBuffer collects the server's log; the server writes from its own
// goroutines while the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
