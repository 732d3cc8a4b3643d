package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/server/openapi"
)

func init() {
	raw := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	for _, ct := range []string{"application/vnd.mapbox-vector-tile", "text/xml", "application/vnd.oai.openapi+json",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html", "text/css", "text/javascript",
		"text/event-stream"} {
		openapi3filter.RegisterBodyDecoder(ct, raw)
	}
	for _, ct := range []string{"application/geo+json", "application/schema+json"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.JSONBodyDecoder)
	}
}

// apiDoc loads the server's OpenAPI document with kin-openapi and checks
// it against the OpenAPI 3 rules.
var apiDoc = sync.OnceValues(func() (*openapi3.T, error) {
	b, err := openapi.Document("wangge", "1", "", (&Server{}).docOps())
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// undocumented lists the routes of e that the document lacks.
func undocumented(doc *openapi3.T, e *echo.Echo) []string {
	var out []string
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		item := doc.Paths.Find(openapi.Path(r.Path))
		if item == nil || item.GetOperation(r.Method) == nil {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestOpenAPIDocument serves the document, which kin-openapi loads and
// validates, and checks that it describes every route of the server, each
// route of the access policy with its roles.
func TestOpenAPIDocument(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	rec := request(t, s, http.MethodGet, OpenAPIPath, "", nil)
	wantStatus(t, rec, http.StatusOK)
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI 3: %v", err)
	}
	if missing := undocumented(doc, s.echo); len(missing) > 0 {
		t.Errorf("routes missing from the document: %v", missing)
	}
	for _, r := range s.policy() {
		op := doc.Paths.Find(openapi.Path(APIPrefix + r.path)).GetOperation(r.method)
		if op == nil || op.Security == nil || !strings.Contains(op.Description, string(r.roles[0])) {
			t.Errorf("%s %s: want a bearer-secured operation naming its roles", r.method, r.path)
		}
	}
	t.Run("an undocumented route fails", func(t *testing.T) {
		s, _ := testServer(t, st, Options{})
		s.echo.GET(APIPrefix+"/secret", func(c echo.Context) error { return nil })
		if missing := undocumented(doc, s.echo); len(missing) != 1 || missing[0] != "GET "+APIPrefix+"/secret" {
			t.Errorf("undocumented: %v, want the added route", missing)
		}
	})
}

// typeName matches a Go type name such as server.trackBatch or "Go value".
var typeName = regexp.MustCompile(`Go (value|struct)|\b(server|partition|incident|patrol|data|app|importer|open311|json)\.[A-Za-z]`)

// TestNoGoTypeInErrors sends bodies of the wrong JSON types to every
// route that reads JSON; no answer names a Go type.
func TestNoGoTypeInErrors(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	admin := token(t, st, data.RoleAdmin)
	doc, err := apiDoc()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		op := item.Post
		if op == nil || op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
			continue
		}
		target := strings.NewReplacer("{id}", "x").Replace(path)
		for _, body := range []string{`[]`, `{"worker": [], "points": {}}`, `{"name": [1], "to": 5, "category": {}}`, `[{"id": 5}]`, `"x"`} {
			rec := request(t, s, http.MethodPost, target, admin, strings.NewReader(body))
			if rec.Code < 400 || typeName.MatchString(rec.Body.String()) {
				t.Errorf("POST %s %s: %d %s", target, body, rec.Code, rec.Body.String())
			}
		}
	}
}

// traffic records the exchanges of the test suite (serve and the
// fixtures of the external tests) for CheckTraffic.
var traffic struct {
	sync.Mutex
	failures []string
	checked  int
}

// checkExchange validates one exchange against the document: a request
// the document refuses must have been refused (4xx), and every response
// must match its operation's.
func checkExchange(h http.Handler, req *http.Request, body []byte, status int, header http.Header, resp []byte) {
	if req.Method == http.MethodOptions {
		return // a CORS preflight, answered before routing
	}
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(resp))
		if err == nil {
			resp, err = io.ReadAll(zr)
		}
		if err != nil {
			traffic.Lock()
			traffic.failures = append(traffic.failures, req.URL.String()+": bad gzip: "+err.Error())
			traffic.Unlock()
			return
		}
	}
	doc, err := apiDoc()
	fail := func(format string, args ...any) {
		traffic.Lock()
		defer traffic.Unlock()
		msg := fmt.Sprintf(format, args...)
		if len(msg) > 600 {
			msg = msg[:600] + "…"
		}
		traffic.failures = append(traffic.failures, fmt.Sprintf("%s %s → %d: %s", req.Method, req.URL.RequestURI(), status, msg))
	}
	if err != nil {
		fail("document: %v", err)
		return
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		fail("router: %v", err)
		return
	}
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.Contains(r.URL.RawPath, "%2F") {
		return // an id holding a slash: the validator's router cannot match it
	}
	route, params, err := router.FindRoute(r)
	var re *routers.RouteError
	errors.As(err, &re)
	switch {
	case re != nil && re.Reason == routers.ErrPathNotFound.Error() && (status == http.StatusNotFound || testRoute(h, r)),
		re != nil && re.Reason == routers.ErrMethodNotAllowed.Error() && status == http.StatusMethodNotAllowed:
		return
	case err != nil:
		fail("not in the document: %v", err)
		return
	}
	if rb := route.Operation.RequestBody; rb != nil && len(body) > 0 && r.Header.Get("Content-Type") == "" {
		// The server reads a body as its route's media type whatever the
		// Content-Type says, and the tests often send none.
		for ct := range rb.Value.Content {
			r.Header.Set("Content-Type", ct)
		}
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && status < 400 {
		fail("accepted a request the document refuses: %v", err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(resp)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		fail("response does not match the document: %v", err)
	}
	traffic.Lock()
	traffic.checked++
	traffic.Unlock()
}

// testRoute reports whether r is for a route a test added to its server.
func testRoute(h http.Handler, r *http.Request) bool {
	s, ok := h.(*Server)
	doc, err := apiDoc()
	return ok && err == nil && slices.Contains(undocumented(doc, s.echo), r.Method+" "+r.URL.Path)
}

// Record wraps h so that its exchanges are validated (CheckTraffic).
func Record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkExchange(h, req, body, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// CheckTraffic returns how many exchanges were validated and what failed.
func CheckTraffic() (int, []string) {
	traffic.Lock()
	defer traffic.Unlock()
	return traffic.checked, traffic.failures
}
