package incident

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// GroupBy says how Stats splits incidents into rows.
type GroupBy string

// The groupings. By grid uses the grid at report time; by community maps
// that grid through StatsQuery.Parents; by worker uses the reporter.
const (
	GroupNone      GroupBy = "none"
	GroupGrid      GroupBy = "grid"
	GroupCommunity GroupBy = "community"
	GroupWorker    GroupBy = "worker"
)

// ParseGroupBy reads a grouping name; empty means none.
func ParseGroupBy(s string) (GroupBy, error) {
	switch g := GroupBy(s); g {
	case "":
		return GroupNone, nil
	case GroupNone, GroupGrid, GroupCommunity, GroupWorker:
		return g, nil
	}
	return "", fmt.Errorf("%w: %q (want none, grid, community or worker)", ErrGroupBy, s)
}

// StatsQuery says what Stats counts: incidents reported in [From, To)
// (a zero bound is open), grouped By, with time limits per category and
// the grid → community mapping that GroupCommunity needs.
type StatsQuery struct {
	By      GroupBy
	From    time.Time
	To      time.Time
	Limits  map[string]time.Duration
	Parents map[partition.GridID]partition.AreaID
}

// StatsRow is the report of one group.
//
// Settled incidents are those resolved or closed; the level they were
// settled at is the level holding them. LocalRate is the share settled at
// grid or community level (0 when none is settled). Escalations counts
// escalation events by the level they reached; Escalated counts incidents
// escalated at least once. Times run from the moment an incident was
// first reported (its creation when created as reported) to its first
// acceptance and to its last resolution. Percentiles use the nearest rank:
// the p-th percentile of n sorted values is the value at rank ⌈p·n/100⌉,
// so the median of an even count is the lower middle value. An incident is
// overdue when its category has a limit and it was resolved later than
// that after report, or is still open (not settled, rejected or a
// duplicate) and reported longer than that before now; OverdueOpen counts
// the latter. Satisfaction is over incidents with feedback: the mean score
// and the share satisfied (0 when none).
type StatsRow struct {
	Key              string         `json:"key"`
	Incidents        int            `json:"incidents"`
	ByStatus         map[Status]int `json:"by_status"`
	ByLevel          map[Level]int  `json:"by_level"`
	Settled          int            `json:"settled"`
	SettledByLevel   map[Level]int  `json:"settled_by_level"`
	SettledLocal     int            `json:"settled_local"`
	LocalRate        float64        `json:"local_settlement_rate"`
	Escalated        int            `json:"escalated"`
	Escalations      map[Level]int  `json:"escalations"`
	Accepted         int            `json:"accepted"`
	AcceptMedian     patrol.Seconds `json:"accept_median_s"`
	AcceptP90        patrol.Seconds `json:"accept_p90_s"`
	ResolveMedian    patrol.Seconds `json:"resolve_median_s"`
	ResolveP90       patrol.Seconds `json:"resolve_p90_s"`
	Overdue          int            `json:"overdue"`
	OverdueOpen      int            `json:"overdue_open"`
	Feedback         int            `json:"feedback"`
	Satisfied        int            `json:"satisfied"`
	SatisfactionMean float64        `json:"satisfaction_mean"`
	SatisfiedShare   float64        `json:"satisfied_share"`
}

// statsAcc accumulates one group.
type statsAcc struct {
	row              StatsRow
	accept, resolve  []time.Duration
	scoreSum         int
	byStatus         map[Status]int
	byLevel, settled map[Level]int
	escalations      map[Level]int
}

// Stats reports on incidents per the query, one row per group sorted by
// key (incidents outside every grid, or whose grid has no parent, fall in
// the group with an empty key). now dates the overdue check of open
// incidents.
func Stats(incidents []Incident, q StatsQuery, now time.Time) ([]StatsRow, error) {
	by, err := ParseGroupBy(string(q.By))
	if err != nil {
		return nil, err
	}
	if by == GroupCommunity && q.Parents == nil {
		return nil, fmt.Errorf("%w: by community needs the grid → community mapping", ErrGroupBy)
	}
	groups := make(map[string]*statsAcc)
	for i := range incidents {
		inc := &incidents[i]
		if !inPeriod(inc.Reported, q.From, q.To) {
			continue
		}
		key := groupKey(inc, by, q.Parents)
		acc := groups[key]
		if acc == nil {
			acc = &statsAcc{row: StatsRow{Key: key}, byStatus: map[Status]int{},
				byLevel: map[Level]int{}, settled: map[Level]int{}, escalations: map[Level]int{}}
			groups[key] = acc
		}
		acc.add(inc, q.Limits, now)
	}
	rows := make([]StatsRow, 0, len(groups))
	for _, acc := range groups {
		rows = append(rows, acc.finish())
	}
	slices.SortFunc(rows, func(a, b StatsRow) int { return cmp.Compare(a.Key, b.Key) })
	return rows, nil
}

func groupKey(inc *Incident, by GroupBy, parents map[partition.GridID]partition.AreaID) string {
	switch by {
	case GroupGrid:
		return string(inc.Grid)
	case GroupCommunity:
		return string(parents[inc.Grid])
	case GroupWorker:
		return string(inc.Reporter)
	}
	return ""
}

// add counts one incident.
func (acc *statsAcc) add(inc *Incident, limits map[string]time.Duration, now time.Time) {
	acc.row.Incidents++
	acc.byStatus[inc.Status]++
	acc.byLevel[inc.Level]++
	reported, accepted, resolved := inc.Reported, time.Time{}, time.Time{}
	seenReport, escalated := false, false
	for _, e := range inc.Events {
		switch e.To {
		case StatusReported:
			if !seenReport {
				reported, seenReport = e.Time, true
			}
		case StatusAccepted:
			if accepted.IsZero() {
				accepted = e.Time
			}
		case StatusResolved:
			resolved = e.Time
		case StatusEscalated:
			acc.escalations[e.Level]++
			escalated = true
		}
	}
	if escalated {
		acc.row.Escalated++
	}
	if !accepted.IsZero() {
		acc.accept = append(acc.accept, accepted.Sub(reported))
	}
	settled := inc.Status == StatusResolved || inc.Status == StatusClosed
	if settled {
		acc.row.Settled++
		acc.settled[inc.Level]++
		if inc.Level == LevelGrid || inc.Level == LevelCommunity {
			acc.row.SettledLocal++
		}
		acc.resolve = append(acc.resolve, resolved.Sub(reported))
	}
	if limit, ok := limits[inc.Category]; ok {
		switch {
		case settled && resolved.Sub(reported) > limit:
			acc.row.Overdue++
		case !settled && !inc.Status.Final() && now.Sub(reported) > limit:
			acc.row.Overdue++
			acc.row.OverdueOpen++
		}
	}
	if inc.Satisfied != nil {
		acc.row.Feedback++
		acc.scoreSum += inc.Score
		if *inc.Satisfied {
			acc.row.Satisfied++
		}
	}
}

// finish computes the rates and percentiles.
func (acc *statsAcc) finish() StatsRow {
	r := acc.row
	r.ByStatus, r.ByLevel, r.SettledByLevel, r.Escalations = acc.byStatus, acc.byLevel, acc.settled, acc.escalations
	if r.Settled > 0 {
		r.LocalRate = float64(r.SettledLocal) / float64(r.Settled)
	}
	if r.Feedback > 0 {
		r.SatisfactionMean = float64(acc.scoreSum) / float64(r.Feedback)
		r.SatisfiedShare = float64(r.Satisfied) / float64(r.Feedback)
	}
	r.Accepted = len(acc.accept)
	slices.Sort(acc.accept)
	slices.Sort(acc.resolve)
	r.AcceptMedian, r.AcceptP90 = patrol.Seconds(percentile(acc.accept, 50)), patrol.Seconds(percentile(acc.accept, 90))
	r.ResolveMedian, r.ResolveP90 = patrol.Seconds(percentile(acc.resolve, 50)), patrol.Seconds(percentile(acc.resolve, 90))
	return r
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted: the value at rank ⌈p·n/100⌉; 0 for no values.
func percentile(sorted []time.Duration, p int) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := max((p*n+99)/100, 1)
	return sorted[rank-1]
}
