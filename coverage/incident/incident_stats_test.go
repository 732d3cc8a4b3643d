package incident_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// Paths through the loop, one minute a step after the report.
var (
	settleInGrid = []incidenttest.Step{{To: incident.StatusAccepted, Actor: incidenttest.WorkerA}, {To: incident.StatusHandling, Actor: incidenttest.WorkerA}, {To: incident.StatusResolved, Actor: incidenttest.WorkerA}}
	settleInComm = []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusAccepted, Actor: incidenttest.Community},
		{To: incident.StatusHandling, Actor: incidenttest.Community}, {To: incident.StatusResolved, Actor: incidenttest.Community}}
	settleInCity = []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusEscalated, Actor: incidenttest.Community}, {To: incident.StatusEscalated, Actor: incidenttest.Street},
		{To: incident.StatusAccepted, Actor: incidenttest.City}, {To: incident.StatusHandling, Actor: incidenttest.City}, {To: incident.StatusResolved, Actor: incidenttest.City}}
)

// studyScenario builds the figures of the field study through Create and
// Transition: 2,000 incidents, 1,200 settled in their grid and 750 in the
// community (1,950 locally), 50 escalated up to the city and settled there;
// every one closed with feedback, 1,984 satisfied (99.2%) with score 5 and
// 16 dissatisfied with score 2.
func studyScenario(t testing.TB) []incident.Incident {
	t.Helper()
	out := make([]incident.Incident, 0, 2000)
	for i := range 2000 {
		inc := incidenttest.New(t, incident.ID(fmt.Sprintf("I%04d", i)))
		path := settleInGrid
		switch {
		case i >= 1950:
			path = settleInCity
		case i >= 1200:
			path = settleInComm
		}
		incidenttest.Apply(t, &inc, path...)
		closer := map[incident.Level]incident.Actor{incident.LevelGrid: incidenttest.WorkerA, incident.LevelCommunity: incidenttest.Community, incident.LevelCity: incidenttest.City}[inc.Level]
		satisfied, score := i%125 != 7, 5 // 16 of 2,000 dissatisfied
		if !satisfied {
			score = 2
		}
		incidenttest.Apply(t, &inc, incidenttest.Step{To: incident.StatusClosed, Actor: closer, Opts: []incident.TransitionOption{incident.WithFeedback(satisfied, score)}})
		out = append(out, inc)
	}
	return out
}

func TestStatsStudyScenario(t *testing.T) {
	incidents := studyScenario(t)
	q := incident.StatsQuery{By: incident.GroupCommunity, Parents: incidenttest.Index().Parents(), Limits: map[string]time.Duration{"litter": 5 * time.Minute}}
	rows, err := incident.Stats(incidents, q, incidenttest.T0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Key != "C1" {
		t.Fatalf("rows %+v, want one for C1", rows)
	}
	r := rows[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"incidents", r.Incidents, 2000},
		{"settled", r.Settled, 2000},
		{"settled locally", r.SettledLocal, 1950},
		{"local settlement rate", r.LocalRate, 0.975},
		{"settled by level", r.SettledByLevel, map[incident.Level]int{incident.LevelGrid: 1200, incident.LevelCommunity: 750, incident.LevelCity: 50}},
		{"by level", r.ByLevel, map[incident.Level]int{incident.LevelGrid: 1200, incident.LevelCommunity: 750, incident.LevelCity: 50}},
		{"by status", r.ByStatus, map[incident.Status]int{incident.StatusClosed: 2000}},
		{"escalated", r.Escalated, 800},
		{"escalations", r.Escalations, map[incident.Level]int{incident.LevelCommunity: 800, incident.LevelStreet: 50, incident.LevelCity: 50}},
		{"feedback", r.Feedback, 2000},
		{"satisfied", r.Satisfied, 1984},
		{"satisfied share", r.SatisfiedShare, 0.992},
		{"satisfaction mean", r.SatisfactionMean, 4.976},
		// accept: 1,200 at 1 min, 750 at 2, 50 at 4; ranks 1,000 and 1,800.
		{"accepted", r.Accepted, 2000},
		{"accept median", r.AcceptMedian, patrol.Seconds(time.Minute)},
		{"accept p90", r.AcceptP90, patrol.Seconds(2 * time.Minute)},
		// resolve: 1,200 at 3 min, 750 at 4, 50 at 6.
		{"resolve median", r.ResolveMedian, patrol.Seconds(3 * time.Minute)},
		{"resolve p90", r.ResolveP90, patrol.Seconds(4 * time.Minute)},
		{"overdue (city path takes 6 min)", r.Overdue, 50},
		{"overdue open", r.OverdueOpen, 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

// smallSet is five incidents: two settled in grid A by worker W1, one in
// grid B by W2 still handling, one in B rejected, one outside every grid.
func smallSet(t *testing.T) []incident.Incident {
	t.Helper()
	mk := func(id incident.ID, actor incident.Actor, at time.Time, loc incident.Incident) incident.Incident {
		loc.ID, loc.Category = id, "litter"
		inc, err := incident.Create(loc, actor, at, "", incidenttest.Index())
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	a1 := mk("A1", incidenttest.WorkerA, incidenttest.T0, incident.Incident{Location: incidenttest.InA})
	incidenttest.Apply(t, &a1, settleInGrid...)
	a2 := mk("A2", incidenttest.WorkerA, incidenttest.T0.Add(time.Hour), incident.Incident{Location: incidenttest.InA})
	incidenttest.Apply(t, &a2, settleInComm...)
	b1 := mk("B1", incidenttest.WorkerB, incidenttest.T0.Add(2*time.Hour), incident.Incident{Location: incidenttest.InB})
	incidenttest.Apply(t, &b1, incidenttest.Step{To: incident.StatusAccepted, Actor: incidenttest.WorkerB}, incidenttest.Step{To: incident.StatusHandling, Actor: incidenttest.WorkerB})
	b2 := mk("B2", incidenttest.WorkerB, incidenttest.T0.Add(3*time.Hour), incident.Incident{Location: incidenttest.InB})
	incidenttest.Apply(t, &b2, incidenttest.Step{To: incident.StatusRejected, Actor: incidenttest.Leader})
	out := mk("X1", incidenttest.Public, incidenttest.T0.Add(3*time.Hour+30*time.Minute), incident.Incident{Location: incidenttest.Nowhere})
	return []incident.Incident{a1, a2, b1, b2, out}
}

func TestStatsGroups(t *testing.T) {
	set := smallSet(t)
	now := incidenttest.T0.Add(12 * time.Hour)
	limits := map[string]time.Duration{"litter": 8 * time.Hour}
	cases := []struct {
		name string
		q    incident.StatsQuery
		want map[string][3]int // key → incidents, settled, overdue open
	}{
		{"none", incident.StatsQuery{}, map[string][3]int{"": {5, 2, 0}}},
		{"grid", incident.StatsQuery{By: incident.GroupGrid, Limits: limits}, map[string][3]int{"": {1, 0, 1}, "G1": {2, 2, 0}, "G2": {2, 0, 1}}},
		{"worker", incident.StatsQuery{By: incident.GroupWorker}, map[string][3]int{"": {1, 0, 0}, "W1": {2, 2, 0}, "W2": {2, 0, 0}}},
		{"community", incident.StatsQuery{By: incident.GroupCommunity, Parents: map[partition.GridID]partition.AreaID{"G1": "C1"}},
			map[string][3]int{"": {3, 0, 0}, "C1": {2, 2, 0}}},
		{"period [t0+1h, t0+3h)", incident.StatsQuery{From: incidenttest.T0.Add(time.Hour), To: incidenttest.T0.Add(3 * time.Hour)}, map[string][3]int{"": {2, 1, 0}}},
		{"overdue open after 8h", incident.StatsQuery{Limits: limits}, map[string][3]int{"": {5, 2, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := incident.Stats(set, c.q, now)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][3]int{}
			for i, r := range rows {
				got[r.Key] = [3]int{r.Incidents, r.Settled, r.OverdueOpen}
				if i > 0 && rows[i-1].Key >= r.Key {
					t.Errorf("rows not sorted by key")
				}
			}
			if !maps.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestStatsBadGrouping(t *testing.T) {
	cases := []incident.StatsQuery{{By: "district"}, {By: incident.GroupCommunity}}
	for _, q := range cases {
		t.Run(string(q.By), func(t *testing.T) {
			if _, err := incident.Stats(nil, q, incidenttest.T0); !errors.Is(err, incident.ErrGroupBy) {
				t.Errorf("err %v, want ErrGroupBy", err)
			}
		})
	}
}

func TestSecondsJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A, B patrol.Seconds }{patrol.Seconds(90 * time.Second), patrol.Seconds(1500 * time.Millisecond)})
	if err != nil || string(b) != `{"A":90,"B":1.5}` {
		t.Errorf("got %s, %v", b, err)
	}
}
