package server

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/data"
)

// open311Client talks to a running server over the network, as a civic
// app would.
type open311Client struct {
	t    *testing.T
	base string
}

// do sends a request and decodes the JSON answer into v, checking the
// status.
func (c open311Client) do(method, path string, form url.Values, status int, v any) {
	c.t.Helper()
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = http.PostForm(c.base+path, form)
	} else {
		res, err = http.Get(c.base + path)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res.StatusCode != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.t.Fatalf("%s %s: %v in %s", method, path, err, body)
	}
}

// requestFields are the fields of a GeoReport v2 service request that
// every answer carries (address and media_url only when known).
var requestFields = []string{"agency_responsible", "description", "lat", "long", "requested_datetime", "service_code",
	"service_name", "service_request_id", "status", "status_notes", "updated_datetime"}

// TestOpen311ClientFlow posts a service request over HTTP, reads it back
// by id and through each filter, and checks the error bodies.
func TestOpen311ClientFlow(t *testing.T) {
	st := openGPKG(t)
	w := newIncidentWorld(t, st)
	srv := httptest.NewServer(w.s)
	defer srv.Close()
	c := open311Client{t: t, base: srv.URL + "/open311/v2"}

	var services []map[string]any
	c.do(http.MethodGet, "/services.json", nil, http.StatusOK, &services)
	if len(services) != len(DefaultCategories()) || services[0]["service_code"] != "environment" || services[0]["type"] != "realtime" {
		t.Fatalf("services: %v", services)
	}

	p := w.inside(t, 0)
	form := url.Values{"service_code": {"environment"}, "lat": {fmtFloat(p[1])}, "long": {fmtFloat(p[0])},
		"description": {"bins overflowing at the gate"}, "email": {"someone@example.org"}}
	var posted []struct {
		ID     string `json:"service_request_id"`
		Notice string `json:"service_notice"`
	}
	c.do(http.MethodPost, "/requests.json", form, http.StatusOK, &posted)
	if len(posted) != 1 || posted[0].ID == "" {
		t.Fatalf("POST answer %+v", posted)
	}
	id := posted[0].ID

	var byID []map[string]any
	c.do(http.MethodGet, "/requests/"+id+".json", nil, http.StatusOK, &byID)
	if len(byID) != 1 {
		t.Fatalf("GET by id: %v", byID)
	}
	r := byID[0]
	if keys := slices.Sorted(maps.Keys(r)); !slices.Equal(keys, requestFields) {
		t.Fatalf("fields %v, want %v", keys, requestFields)
	}
	if r["service_request_id"] != id || r["status"] != "open" || r["service_code"] != "environment" ||
		r["lat"] != p[1] || r["long"] != p[0] || r["agency_responsible"] != "grid" || r["description"] != "bins overflowing at the gate" {
		t.Fatalf("request %v", r)
	}
	if _, err := time.Parse(time.RFC3339, r["requested_datetime"].(string)); err != nil || !strings.HasSuffix(r["requested_datetime"].(string), "+08:00") {
		t.Fatalf("requested_datetime %v: %v; want it in the server's zone, Asia/Shanghai by default", r["requested_datetime"], err)
	}
	inc, err := st.Incident(t.Context(), incident.ID(id))
	if err != nil || inc.Grid != w.grids[0].ID || inc.Events[0].Actor != "public" {
		t.Fatalf("stored incident %+v, %v: want grid %s reported by the public", inc, err, w.grids[0].ID)
	}

	// Dates are midnights in the server's zone; end_date is not in the window.
	now := time.Now().In(w.s.zone)
	today, tomorrow := now.Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	cases := []struct {
		query string
		found bool
	}{
		{"", true},
		{"service_request_id=" + id, true},
		{"service_code=environment", true},
		{"service_code=safety", false},
		{"status=open", true},
		{"status=closed", false},
		{"start_date=" + today, true},
		{"start_date=" + tomorrow, false},
		{"end_date=" + today, false},
		{"start_date=" + today + "&end_date=" + tomorrow, true},
	}
	for _, tc := range cases {
		t.Run("filter "+tc.query, func(t *testing.T) {
			var list []map[string]any
			c.do(http.MethodGet, "/requests.json?"+tc.query, nil, http.StatusOK, &list)
			if found := len(list) == 1 && list[0]["service_request_id"] == id; found != tc.found || len(list) > 1 {
				t.Fatalf("%d requests, want the posted one: %v", len(list), tc.found)
			}
		})
	}

	worker := workerToken(t, st, data.RoleWorker, "W1", w.grids[0].ID)
	form.Set("api_key", worker)
	c.do(http.MethodPost, "/requests.json", form, http.StatusOK, &posted)
	if inc, err := st.Incident(t.Context(), incident.ID(posted[0].ID)); err != nil || inc.Reporter != "W1" {
		t.Fatalf("reported with a worker's api_key: %+v, %v", inc, err)
	}

	errs := []struct {
		name, method, path string
		form               url.Values
		status             int
		mention            string
	}{
		{"unknown service", http.MethodPost, "/requests.json", url.Values{"service_code": {"graffiti"}, "lat": {"41.8"}, "long": {"-71.4"}}, http.StatusBadRequest, "service_code"},
		{"no location", http.MethodPost, "/requests.json", url.Values{"service_code": {"environment"}}, http.StatusBadRequest, "lat"},
		{"bad api_key", http.MethodPost, "/requests.json", url.Values{"service_code": {"environment"}, "address_string": {"x"}, "api_key": {"nope"}}, http.StatusForbidden, "api_key"},
		{"unknown request", http.MethodGet, "/requests/inc-none.json", nil, http.StatusNotFound, "nothing"},
		{"bad status", http.MethodGet, "/requests.json?status=pending", nil, http.StatusBadRequest, "status"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			var body []open311.Error
			c.do(tc.method, tc.path, tc.form, tc.status, &body)
			if len(body) != 1 || body[0].Code != tc.status || !strings.Contains(body[0].Description, tc.mention) {
				t.Fatalf("error body %+v, want code %d mentioning %q", body, tc.status, tc.mention)
			}
		})
	}
}

// TestOpen311XML reads services.xml and a request by id in XML.
func TestOpen311XML(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	rec := request(t, s, http.MethodGet, "/open311/v2/services.xml", "", nil)
	wantStatus(t, rec, http.StatusOK)
	var doc struct {
		XMLName  xml.Name `xml:"services"`
		Services []struct {
			Code string `xml:"service_code"`
			Name string `xml:"service_name"`
		} `xml:"service"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%v in %s", err, rec.Body)
	}
	if len(doc.Services) != len(DefaultCategories()) || doc.Services[1].Code != "safety" || doc.Services[1].Name == "" {
		t.Fatalf("services.xml: %+v", doc)
	}
	rec = request(t, s, http.MethodGet, "/open311/v2/requests/none.xml", "", nil)
	wantStatus(t, rec, http.StatusNotFound)
	var errs struct {
		XMLName xml.Name `xml:"errors"`
		Errors  []struct {
			Code int `xml:"code"`
		} `xml:"error"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &errs); err != nil || len(errs.Errors) != 1 || errs.Errors[0].Code != 404 {
		t.Fatalf("XML error body %s: %+v, %v", rec.Body, errs, err)
	}
}

func fmtFloat(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
