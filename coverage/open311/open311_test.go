package open311

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"
	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
)

var testCategories = []Category{
	{Code: "litter", Name: "litter", Description: "Rubbish left in public", Keywords: []string{"rubbish", "垃圾"}, Group: "environment", Limit: 4 * time.Hour},
	{Code: "dispute", Name: "Neighbour dispute", Group: "mediation"},
}

var beijing = time.FixedZone("CST", 8*3600)

func testOpen311(t testing.TB) *Catalog {
	t.Helper()
	o, err := NewCatalog(testCategories, map[incident.Level]string{incident.LevelStreet: "Y street command centre"}, beijing)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestNewOpen311Refused(t *testing.T) {
	cases := map[string][]Category{
		"no code":                 {{Name: "x"}},
		"no name":                 {{Code: "x"}},
		"repeated":                {{Code: "x", Name: "x"}, {Code: "x", Name: "Y"}},
		"repeated service code":   {{Code: "x", ServiceCode: "101", Name: "x"}, {Code: "y", ServiceCode: "101", Name: "Y"}},
		"service code of another": {{Code: "x", Name: "x"}, {Code: "y", ServiceCode: "x", Name: "Y"}},
	}
	for name, cats := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := NewCatalog(cats, nil, nil); !errors.Is(err, ErrCategories) {
				t.Errorf("err %v, want ErrCategories", err)
			}
		})
	}
}

func TestServices(t *testing.T) {
	b, err := json.Marshal(testOpen311(t).Services())
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"service_code": "litter", "service_name": "litter", "description": "Rubbish left in public", "metadata": false,
			"type": "realtime", "keywords": "rubbish,垃圾", "group": "environment"},
		{"service_code": "dispute", "service_name": "Neighbour dispute", "description": "", "metadata": false,
			"type": "realtime", "keywords": "", "group": "mediation"},
		{"service_code": "other", "service_name": "Other", "metadata": false, "type": "realtime"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %s", b)
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("service %d %s: got %v, want %v", i, k, got[i][k], v)
			}
		}
	}
	if limits := CategoryLimits(testCategories); len(limits) != 1 || limits["litter"] != 4*time.Hour {
		t.Errorf("limits %v", limits)
	}
}

func TestOpen311Status(t *testing.T) {
	open := []incident.Status{incident.StatusDiscovered, incident.StatusReported, incident.StatusAccepted, incident.StatusHandling, incident.StatusEscalated, incident.StatusReturned}
	closed := []incident.Status{incident.StatusResolved, incident.StatusClosed, incident.StatusRejected, incident.StatusDuplicate}
	for _, s := range open {
		if got := Status(s); got != Open311Open {
			t.Errorf("%s → %s, want open", s, got)
		}
	}
	for _, s := range closed {
		if got := Status(s); got != Open311Closed {
			t.Errorf("%s → %s, want closed", s, got)
		}
	}
}

func TestRequest(t *testing.T) {
	o := testOpen311(t)
	escalated := incidenttest.New(t, "I1")
	escalated.Description, escalated.MediaURL = "bags by the gate", "https://example.org/p.jpg"
	incidenttest.Apply(t, &escalated, incidenttest.Step{To: incident.StatusEscalated, Actor: incidenttest.WorkerA})
	if err := incident.Transition(&escalated, incident.StatusEscalated, incidenttest.Community, incidenttest.T0.Add(2*time.Minute), "no budget in the community"); err != nil {
		t.Fatal(err)
	}
	dup := incidenttest.New(t, "I2")
	incidenttest.Apply(t, &dup, incidenttest.Step{To: incident.StatusDuplicate, Actor: incidenttest.Leader, Opts: []incident.TransitionOption{incident.WithDuplicateOf("I1")}})
	addressOnly, err := incident.Create(incident.Incident{ID: "I3", Category: "dispute", Address: "Gate 2", Flags: []string{incident.FlagNoLocation}}, incidenttest.Public, incidenttest.T0, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		inc  incident.Incident
		want map[string]any
	}{
		{"escalated to the street", escalated, map[string]any{"service_request_id": "I1", "status": "open",
			"status_notes": "escalated, held at street level: no budget in the community", "service_name": "litter",
			"service_code": "litter", "description": "bags by the gate", "agency_responsible": "Y street command centre",
			"requested_datetime": "2026-03-01T16:00:00+08:00", "updated_datetime": "2026-03-01T16:02:00+08:00",
			"lat": incidenttest.InA[1], "long": incidenttest.InA[0], "media_url": "https://example.org/p.jpg"}},
		{"duplicate", dup, map[string]any{"status": "closed", "status_notes": "duplicate, held at grid level, duplicate of I1",
			"agency_responsible": "grid"}},
		{"address only", addressOnly, map[string]any{"status": "open", "address": "Gate 2", "service_name": "Neighbour dispute",
			"agency_responsible": "Y street command centre", "lat": nil, "long": nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(o.Request(c.inc))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s: got %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestRequestUTCOffset(t *testing.T) {
	o, err := NewCatalog(testCategories, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Request(incidenttest.New(t, "I1")).RequestedDatetime; got != "2026-03-01T08:00:00+00:00" {
		t.Errorf("got %s", got)
	}
}

// TestPostRoundTrip posts a form, creates the incident as the public and
// serves it back.
func TestPostRoundTrip(t *testing.T) {
	o := testOpen311(t)
	form := url.Values{"service_code": {"litter"}, "lat": {"34.805"}, "long": {"117.505"}, "description": {"bags"},
		"email": {"someone@example.org"}}
	draft, err := o.ParsePost(form)
	if err != nil {
		t.Fatal(err)
	}
	draft.ID = "P1"
	inc, err := incident.Create(draft, incidenttest.Public, incidenttest.T0, "", incidenttest.Index())
	if err != nil {
		t.Fatal(err)
	}
	r := o.Request(inc)
	if inc.Grid != "G1" || r.Lat == nil || *r.Lat != 34.805 || *r.Long != 117.505 || r.Status != "open" || r.Description != "bags" {
		t.Errorf("grid %s, request %+v", inc.Grid, r)
	}
}

// A category with a service code of its own is that code in Open311 and
// its own code inside: services, posts, filters and requests translate.
func TestServiceCodes(t *testing.T) {
	cats := []Category{{Code: "litter", ServiceCode: "101", Name: "Litter"}, {Code: "dispute", Name: "Dispute"}}
	o, err := NewCatalog(cats, nil, beijing)
	if err != nil {
		t.Fatal(err)
	}
	if s := o.Services(); s[0].ServiceCode != "101" || s[1].ServiceCode != "dispute" {
		t.Fatalf("services %+v", s)
	}
	d, err := o.ParsePost(url.Values{"service_code": {"101"}, "address_string": {"Gate 2"}})
	if err != nil || d.Category != "litter" {
		t.Fatalf("post of service 101: %+v, %v", d, err)
	}
	if _, err := o.ParsePost(url.Values{"service_code": {"litter"}, "address_string": {"Gate 2"}}); !errors.Is(err, ErrUnknownService) {
		t.Fatalf("post of the category code: %v, want ErrUnknownService", err)
	}
	f, err := o.ParseFilter(url.Values{"service_code": {"101,dispute"}})
	if err != nil || len(f.Codes) != 2 || f.Codes[0] != "litter" || f.Codes[1] != "dispute" {
		t.Fatalf("filter %+v, %v", f, err)
	}
	inc := incidenttest.New(t, "I1") // category litter
	if r := o.Request(inc); r.ServiceCode != "101" || r.ServiceName != "Litter" {
		t.Fatalf("request service %q %q", r.ServiceCode, r.ServiceName)
	}
}

// TestFilterEveryService: for every service code the catalogue serves,
// requests.json filtered by it returns exactly the incidents whose
// requests carry that code, and at least one; an incident of a category
// that is not configured (imported as "LARCENY/THEFT") is served as
// DefaultCategory and found by its code. Configured service codes that
// differ from the category code round-trip too.
func TestFilterEveryService(t *testing.T) {
	cats := []Category{{Code: "litter", ServiceCode: "101", Name: "Litter"}, {Code: "dispute", Name: "Dispute"},
		{Code: "other", ServiceCode: "999", Name: "Anything else"}}
	for _, tc := range []struct {
		name string
		cats []Category
	}{{"configured other", cats}, {"added other", cats[:2]}} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewCatalog(tc.cats, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var incs []incident.Incident
			for i, cat := range []string{"litter", "dispute", "other", "LARCENY/THEFT", "litter"} {
				incs = append(incs, incident.Incident{ID: incident.ID(fmt.Sprint("I", i)), Category: cat, Status: incident.StatusReported})
			}
			for _, svc := range o.Services() {
				f, err := o.ParseFilter(url.Values{"service_code": {svc.ServiceCode}})
				if err != nil {
					t.Fatalf("filter by %q: %v", svc.ServiceCode, err)
				}
				n := 0
				for _, inc := range incs {
					carries := o.Request(inc).ServiceCode == svc.ServiceCode
					if f.Match(inc) != carries {
						t.Errorf("service %q: incident %s (%s) matches %v, carries the code %v", svc.ServiceCode, inc.ID, inc.Category, f.Match(inc), carries)
					}
					if carries {
						n++
					}
				}
				if n == 0 {
					t.Errorf("service %q serves no incident", svc.ServiceCode)
				}
			}
			if r := o.Request(incs[3]); r.ServiceCode != o.Services()[2].ServiceCode {
				t.Errorf("LARCENY/THEFT is served as %q, want the default service %q", r.ServiceCode, o.Services()[2].ServiceCode)
			}
		})
	}
}
