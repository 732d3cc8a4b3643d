package open311

import (
	"cmp"
	"encoding/json"
	"flag"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenOpen311 takes five incidents through the state machine (the
// incidenttest fixtures: two grids in Zaozhuang, times from 2026-03-01
// 08:00 UTC) and compares the GeoReport v2 documents the server sends for
// them with the goldens in testdata:
//
//	services.json                GET services.json
//	requests.json                GET requests.json (all of them)
//	requests-closed.json         GET requests.json?status=closed&service_code=litter,dispute
//
// `go test ./coverage/open311 -run Golden -update` rewrites them.
func TestGoldenOpen311(t *testing.T) {
	o := testOpen311(t)
	incs := goldenIncidents(t, o)

	golden.Check(t, filepath.Join("testdata", "services.json"), serverJSON(t, o.Services()), *update)
	all, err := o.ParseFilter(url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "requests.json"), serverJSON(t, requests(o, incs, all)), *update)
	closed, err := o.ParseFilter(url.Values{"status": {"closed"}, "service_code": {"litter,dispute"}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "requests-closed.json"), serverJSON(t, requests(o, incs, closed)), *update)
}

// goldenIncidents are the incidents of the goldens, one per path through
// the loop.
func goldenIncidents(t *testing.T, o *Catalog) []incident.Incident {
	t.Helper()
	at := func(minutes int) time.Time { return incidenttest.T0.Add(time.Duration(minutes) * time.Minute) }
	create := func(draft incident.Incident, actor incident.Actor, minutes int, note string) incident.Incident {
		t.Helper()
		inc, err := incident.Create(draft, actor, at(minutes), note, incidenttest.Index())
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	post := func(id incident.ID, form url.Values, minutes int) incident.Incident {
		t.Helper()
		draft, err := o.ParsePost(form)
		if err != nil {
			t.Fatal(err)
		}
		draft.ID = id
		return create(draft, incidenttest.Public, minutes, "open311")
	}
	const (
		accepted  = incident.StatusAccepted
		handling  = incident.StatusHandling
		resolved  = incident.StatusResolved
		closed    = incident.StatusClosed
		escalated = incident.StatusEscalated
	)

	// Settled in the grid: reported by its worker, closed with the
	// resident's feedback.
	settled := create(incident.Incident{ID: "I1", Category: "litter", Location: incidenttest.InA,
		Description: "bags by the gate", MediaURL: "https://example.org/i1.jpg"}, incidenttest.WorkerA, 0, "found on patrol")
	incidenttest.Apply(t, &settled,
		incidenttest.Step{To: accepted, Actor: incidenttest.WorkerA},
		incidenttest.Step{To: handling, Actor: incidenttest.WorkerA},
		incidenttest.Step{To: resolved, Actor: incidenttest.WorkerA, Note: "swept and bagged"},
		incidenttest.Step{To: closed, Actor: incidenttest.WorkerA, Note: "resident satisfied",
			Opts: []incident.TransitionOption{incident.WithFeedback(true, 5)}})

	// Escalated twice, held by the street.
	dispute := create(incident.Incident{ID: "I2", Category: "dispute", Location: incidenttest.InB,
		Description: "workshop noise at night"}, incidenttest.WorkerB, 10, "")
	incidenttest.Apply(t, &dispute,
		incidenttest.Step{To: escalated, Actor: incidenttest.WorkerB, Note: "needs mediation"},
		incidenttest.Step{To: escalated, Actor: incidenttest.Community, Note: "no budget in the community"})

	// A second report of the first, closed as its duplicate.
	dup := create(incident.Incident{ID: "I3", Category: "litter", Location: incidenttest.InA},
		incidenttest.Leader, 20, "")
	incidenttest.Apply(t, &dup, incidenttest.Step{To: incident.StatusDuplicate, Actor: incidenttest.Leader,
		Opts: []incident.TransitionOption{incident.WithDuplicateOf("I1")}})

	// Posted by the public with an address only: no location, held by
	// the street, untouched.
	byAddress := post("I4", url.Values{"service_code": {"dispute"}, "address_string": {"Gate 2, Qingtan Road"},
		"description": {"parking quarrel"}, "email": {"resident@example.org"}}, 30)

	// Posted by the public outside every grid, rejected by the street.
	outside := post("I5", url.Values{"service_code": {"litter"}, "lat": {"35.0"}, "long": {"118.0"},
		"media_url": {"https://example.org/i5.jpg"}}, 40)
	incidenttest.Apply(t, &outside, incidenttest.Step{To: incident.StatusRejected, Actor: incidenttest.Street,
		Note: "outside the district"})

	return []incident.Incident{settled, dispute, dup, byAddress, outside}
}

// requests lists the incidents f matches as GET requests.json does: the
// store's order (by id) reversed, newest first.
func requests(o *Catalog, incs []incident.Incident, f Filter) []Request {
	incs = slices.SortedFunc(slices.Values(incs), func(a, b incident.Incident) int { return cmp.Compare(b.ID, a.ID) })
	out := []Request{}
	for _, inc := range incs {
		if f.Match(inc) {
			out = append(out, o.Request(inc))
		}
	}
	return out
}

// serverJSON encodes v as the server answers: compact JSON and a newline.
func serverJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
