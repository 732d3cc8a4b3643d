package coverage

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"wangge/partition"
)

// Paths through the loop, one minute a step after the report.
var (
	settleInGrid = []step{{StatusAccepted, workerA, nil}, {StatusHandling, workerA, nil}, {StatusResolved, workerA, nil}}
	settleInComm = []step{{StatusEscalated, workerA, nil}, {StatusAccepted, community, nil},
		{StatusHandling, community, nil}, {StatusResolved, community, nil}}
	settleInCity = []step{{StatusEscalated, workerA, nil}, {StatusEscalated, community, nil}, {StatusEscalated, street, nil},
		{StatusAccepted, city, nil}, {StatusHandling, city, nil}, {StatusResolved, city, nil}}
)

// studyScenario builds the figures of the field study through Create and
// Transition: 2,000 incidents, 1,200 settled in their grid and 750 in the
// community (1,950 locally), 50 escalated up to the city and settled there;
// every one closed with feedback, 1,984 satisfied (99.2%) with score 5 and
// 16 dissatisfied with score 2.
func studyScenario(t testing.TB) []Incident {
	t.Helper()
	out := make([]Incident, 0, 2000)
	for i := range 2000 {
		inc := newIncident(t, IncidentID(fmt.Sprintf("I%04d", i)))
		path := settleInGrid
		switch {
		case i >= 1950:
			path = settleInCity
		case i >= 1200:
			path = settleInComm
		}
		applySteps(t, &inc, path...)
		closer := map[Level]Actor{LevelGrid: workerA, LevelCommunity: community, LevelCity: city}[inc.Level]
		satisfied, score := i%125 != 7, 5 // 16 of 2,000 dissatisfied
		if !satisfied {
			score = 2
		}
		applySteps(t, &inc, step{StatusClosed, closer, []TransitionOption{WithFeedback(satisfied, score)}})
		out = append(out, inc)
	}
	return out
}

func TestStatsStudyScenario(t *testing.T) {
	incidents := studyScenario(t)
	q := StatsQuery{By: GroupCommunity, Parents: testIndex().Parents(), Limits: map[string]time.Duration{"litter": 5 * time.Minute}}
	rows, err := Stats(incidents, q, t0.Add(24*time.Hour))
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
		{"settled by level", r.SettledByLevel, map[Level]int{LevelGrid: 1200, LevelCommunity: 750, LevelCity: 50}},
		{"by level", r.ByLevel, map[Level]int{LevelGrid: 1200, LevelCommunity: 750, LevelCity: 50}},
		{"by status", r.ByStatus, map[IncidentStatus]int{StatusClosed: 2000}},
		{"escalated", r.Escalated, 800},
		{"escalations", r.Escalations, map[Level]int{LevelCommunity: 800, LevelStreet: 50, LevelCity: 50}},
		{"feedback", r.Feedback, 2000},
		{"satisfied", r.Satisfied, 1984},
		{"satisfied share", r.SatisfiedShare, 0.992},
		{"satisfaction mean", r.SatisfactionMean, 4.976},
		// accept: 1,200 at 1 min, 750 at 2, 50 at 4; ranks 1,000 and 1,800.
		{"accepted", r.Accepted, 2000},
		{"accept median", r.AcceptMedian, Seconds(time.Minute)},
		{"accept p90", r.AcceptP90, Seconds(2 * time.Minute)},
		// resolve: 1,200 at 3 min, 750 at 4, 50 at 6.
		{"resolve median", r.ResolveMedian, Seconds(3 * time.Minute)},
		{"resolve p90", r.ResolveP90, Seconds(4 * time.Minute)},
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

func TestPercentile(t *testing.T) {
	mins := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, m := range v {
			out[i] = time.Duration(m) * time.Minute
		}
		return out
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", mins(7), 90, 7 * time.Minute},
		{"median of ten is the 5th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Minute},
		{"p90 of ten is the 9th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Minute},
		{"median of four is the 2nd", mins(1, 2, 3, 4), 50, 2 * time.Minute},
		{"p90 of four is the 4th", mins(1, 2, 3, 4), 90, 4 * time.Minute},
		{"median of five is the 3rd", mins(10, 20, 30, 40, 50), 50, 30 * time.Minute},
		{"p90 of eleven is the 10th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10 * time.Minute},
		{"p100 is the maximum", mins(1, 2, 3), 100, 3 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := percentile(c.sorted, c.p); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// smallSet is five incidents: two settled in grid A by worker W1, one in
// grid B by W2 still handling, one in B rejected, one outside every grid.
func smallSet(t *testing.T) []Incident {
	t.Helper()
	mk := func(id IncidentID, actor Actor, at time.Time, loc Incident) Incident {
		loc.ID, loc.Category = id, "litter"
		inc, err := Create(loc, actor, at, "", testIndex())
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	a1 := mk("A1", workerA, t0, Incident{Location: inA})
	applySteps(t, &a1, settleInGrid...)
	a2 := mk("A2", workerA, t0.Add(time.Hour), Incident{Location: inA})
	applySteps(t, &a2, settleInComm...)
	b1 := mk("B1", workerB, t0.Add(2*time.Hour), Incident{Location: inB})
	applySteps(t, &b1, step{StatusAccepted, workerB, nil}, step{StatusHandling, workerB, nil})
	b2 := mk("B2", workerB, t0.Add(3*time.Hour), Incident{Location: inB})
	applySteps(t, &b2, step{StatusRejected, leader, nil})
	out := mk("X1", public, t0.Add(3*time.Hour+30*time.Minute), Incident{Location: nowhere})
	return []Incident{a1, a2, b1, b2, out}
}

func TestStatsGroups(t *testing.T) {
	set := smallSet(t)
	now := t0.Add(12 * time.Hour)
	limits := map[string]time.Duration{"litter": 8 * time.Hour}
	cases := []struct {
		name string
		q    StatsQuery
		want map[string][3]int // key → incidents, settled, overdue open
	}{
		{"none", StatsQuery{}, map[string][3]int{"": {5, 2, 0}}},
		{"grid", StatsQuery{By: GroupGrid, Limits: limits}, map[string][3]int{"": {1, 0, 1}, "G1": {2, 2, 0}, "G2": {2, 0, 1}}},
		{"worker", StatsQuery{By: GroupWorker}, map[string][3]int{"": {1, 0, 0}, "W1": {2, 2, 0}, "W2": {2, 0, 0}}},
		{"community", StatsQuery{By: GroupCommunity, Parents: map[partition.GridID]partition.AreaID{"G1": "C1"}},
			map[string][3]int{"": {3, 0, 0}, "C1": {2, 2, 0}}},
		{"period [t0+1h, t0+3h)", StatsQuery{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, map[string][3]int{"": {2, 1, 0}}},
		{"overdue open after 8h", StatsQuery{Limits: limits}, map[string][3]int{"": {5, 2, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Stats(set, c.q, now)
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
	cases := []StatsQuery{{By: "district"}, {By: GroupCommunity}}
	for _, q := range cases {
		t.Run(string(q.By), func(t *testing.T) {
			if _, err := Stats(nil, q, t0); !errors.Is(err, ErrGroupBy) {
				t.Errorf("err %v, want ErrGroupBy", err)
			}
		})
	}
}

func TestSecondsJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A, B Seconds }{Seconds(90 * time.Second), Seconds(1500 * time.Millisecond)})
	if err != nil || string(b) != `{"A":90,"B":1.5}` {
		t.Errorf("got %s, %v", b, err)
	}
}
