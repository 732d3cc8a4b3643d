package workload

import (
	"fmt"
	"math"
	"slices"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// Goal is the target and weight of one assessment item.
type Goal struct {
	Target float64 `toml:"target" json:"target"`
	Weight float64 `toml:"weight" json:"weight"`
}

// Targets configure the monthly assessment (the [assessment] table of
// wangge.toml); DefaultTargets explains the defaults.
type Targets struct {
	BaseInfo      Goal `toml:"base_info" json:"base_info"`
	Patrol        Goal `toml:"patrol" json:"patrol"`
	KeyPersons    Goal `toml:"key_persons" json:"key_persons"`
	PromptReports Goal `toml:"prompt_reports" json:"prompt_reports"`
	Handling      Goal `toml:"handling" json:"handling"`
	// BaseInfoCategories are the incident categories by which the
	// terminal records a base-information update.
	BaseInfoCategories []string `toml:"base_info_categories" json:"base_info_categories"`
	// PromptHours is how soon after discovery a report counts as prompt.
	PromptHours float64 `toml:"prompt_hours" json:"prompt_hours"`
}

// DefaultTargets are the targets of a month of 22 working days. Base information: 20
// updates (about one a working day); patrol: 88 hours inside the own
// grids (4 of the 8 hours of each working day on the street); key
// persons: every key place visited as often as its interval asks (100%);
// prompt reports: 10 problems reported within 2 hours of discovery;
// handling: 95% of the problems of the own grids settled (the study
// reports 1,950 of 2,000 settled locally). Weights 15, 30, 20, 15 and 20
// make 100 points, the patrol weighing most as the study's daily work
// (巡查走访) does.
func DefaultTargets() Targets {
	return Targets{
		BaseInfo: Goal{20, 15}, Patrol: Goal{88, 30}, KeyPersons: Goal{1, 20},
		PromptReports: Goal{10, 15}, Handling: Goal{0.95, 20},
		BaseInfoCategories: []string{"info"}, PromptHours: 2,
	}
}

// Validate refuses negative targets, weights or prompt time, and weights
// that sum to zero.
func (t Targets) Validate() error {
	var sum float64
	for i, g := range t.goals() {
		if g.Target < 0 || g.Weight < 0 {
			return fmt.Errorf("%w: assessment item %s: target %g and weight %g must not be negative", ErrCoefficients, items[i].Key, g.Target, g.Weight)
		}
		sum += g.Weight
	}
	if sum <= 0 || t.PromptHours < 0 {
		return fmt.Errorf("%w: assessment weights sum to %g, prompt_hours %g", ErrCoefficients, sum, t.PromptHours)
	}
	return nil
}

func (t Targets) goals() []Goal {
	return []Goal{t.BaseInfo, t.Patrol, t.KeyPersons, t.PromptReports, t.Handling}
}

// itemName names an assessment item in both languages, with its unit.
type itemName struct{ Key, Zh, En, Unit string }

// items are the study's five items (section 3.1.4), in order.
var items = []itemName{
	{"base_info", "录入更新网格基础信息", "base information updated", "updates"},
	{"patrol", "巡查走访", "patrol inside own grids", "hours"},
	{"key_persons", "掌握基本人员和重点人员信息", "key places visited on time", "share"},
	{"prompt_reports", "即时报送问题", "problems reported promptly", "reports"},
	{"handling", "事项处置", "problems of own grids settled", "share"},
}

// Item is one measured item of a worker's sheet. Score is Weight ×
// min(1, Value ÷ Target) (the full weight when Target is 0). Evidence
// lists what the value was counted from: dates, incident ids, key places
// (those missed, for the shares).
type Item struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	NameEn   string   `json:"name_en"`
	Unit     string   `json:"unit"`
	Value    float64  `json:"value"`
	Target   float64  `json:"target"`
	Weight   float64  `json:"weight"`
	Score    float64  `json:"score"`
	Evidence []string `json:"evidence"`
}

// DaySummary is one day of a worker's month, for the chart and the
// evidence.
type DaySummary struct {
	Date      string  `json:"date"`
	DistanceM float64 `json:"distance_m"`
	PatrolH   float64 `json:"patrol_h"`
	InsideH   float64 `json:"inside_h"`
	Visits    int     `json:"key_places_visited"`
	Reported  int     `json:"reported"`
}

// WorkerSheet is one worker's assessment of the month.
type WorkerSheet struct {
	Worker patrol.WorkerID    `json:"worker"`
	Name   string             `json:"name"`
	Grids  []partition.GridID `json:"grids"`
	Items  []Item             `json:"items"`
	Score  float64            `json:"score"` // out of the sum of the weights
	Days   []DaySummary       `json:"days"`
}

// GridSheet sums the sheets of a grid's workers.
type GridSheet struct {
	Grid      partition.GridID  `json:"grid"`
	Workers   []patrol.WorkerID `json:"workers"`
	MeanScore float64           `json:"mean_score"`
	// Values are the mean value of each item over the grid's workers, in
	// item order.
	Values []float64 `json:"values"`
}

// Sheet is the monthly assessment (考核表).
type Sheet struct {
	Month    string        `json:"month"` // YYYY-MM
	From     time.Time     `json:"from"`
	To       time.Time     `json:"to"`
	Grid     string        `json:"grid,omitempty"` // the one grid asked for
	Targets  Targets       `json:"targets"`
	MaxScore float64       `json:"max_score"`
	Workers  []WorkerSheet `json:"workers"`
	Grids    []GridSheet   `json:"grids"`
}

// WorkerMonth is what Assess reads for one worker.
type WorkerMonth struct {
	Worker patrol.Worker
	// Days are the worker's daily logs of the month (days without fixes
	// or incidents may be left out).
	Days []DayLog
	// Stops are the worker's stops in the month.
	Stops []patrol.Stop
	// KeyPlaces are the key places of the worker's grids.
	KeyPlaces []patrol.KeyPlace
	// Incidents are those reported in the month, in any grid.
	Incidents []incident.Incident
}

// Assess computes the sheet of month [from, to) for the workers, in the
// order given. The five items:
//
//  1. base_info: the base-information reports of the days' logs.
//  2. patrol: hours inside the own grids, summed over the days.
//  3. key_persons: the share of the own grids' key places visited on at
//     least as many days as the month asks (its days ÷ the interval in
//     days, rounded down, at least 1) by the worker's stops; 1 without
//     key places.
//  4. prompt_reports: problems (incidents not of a base-information
//     category) the worker created in the month that were reported
//     (created as reported, or moved to reported by anyone) within
//     PromptHours of their creation.
//  5. handling: the share of the problems reported in the month in the
//     worker's grids that were resolved or closed before to; 1 without
//     any.
func Assess(month string, from, to time.Time, t Targets, workers []WorkerMonth) Sheet {
	s := Sheet{Month: month, From: from, To: to, Targets: t, Workers: []WorkerSheet{}, Grids: []GridSheet{}}
	for _, g := range t.goals() {
		s.MaxScore += g.Weight
	}
	days := to.Sub(from).Hours() / 24
	for _, wm := range workers {
		ws := WorkerSheet{Worker: wm.Worker.ID, Name: wm.Worker.Name, Grids: slices.Clone(wm.Worker.Grids), Days: []DaySummary{}}
		var base, dates []string
		var inside float64
		for _, d := range wm.Days {
			for _, id := range d.BaseInfo {
				base = append(base, string(id))
			}
			h := time.Duration(d.InsideS).Hours()
			inside += h
			if d.Fixes > 0 {
				dates = append(dates, d.Date)
			}
			ws.Days = append(ws.Days, DaySummary{Date: d.Date, DistanceM: d.DistanceM, PatrolH: time.Duration(d.PatrolS).Hours(),
				InsideH: h, Visits: len(d.KeyPlacesVisited), Reported: len(d.Reported)})
		}
		kept, missed := keyPlacesKept(wm.KeyPlaces, wm.Stops, days)
		prompt := promptReports(wm.Incidents, wm.Worker.ID, from, to, time.Duration(t.PromptHours*float64(time.Hour)), t.BaseInfoCategories)
		settled, open := settledShare(wm.Incidents, wm.Worker.Grids, from, to, t.BaseInfoCategories)
		values := []struct {
			v        float64
			evidence []string
		}{{float64(len(base)), base}, {inside, dates}, {kept, missed}, {float64(len(prompt)), prompt}, {settled, open}}
		for i, g := range t.goals() {
			it := Item{Key: items[i].Key, Name: items[i].Zh, NameEn: items[i].En, Unit: items[i].Unit,
				Value: values[i].v, Target: g.Target, Weight: g.Weight, Score: g.Weight, Evidence: values[i].evidence}
			if it.Evidence == nil {
				it.Evidence = []string{}
			}
			if g.Target > 0 {
				it.Score = g.Weight * math.Min(1, it.Value/g.Target)
			}
			ws.Score += it.Score
			ws.Items = append(ws.Items, it)
		}
		s.Workers = append(s.Workers, ws)
	}
	s.Grids = gridSheets(s.Workers)
	return s
}

// keyPlacesKept is the share of places visited on as many days as asked
// in a period of days days, and the places missed as "id visited/asked".
func keyPlacesKept(places []patrol.KeyPlace, stops []patrol.Stop, days float64) (float64, []string) {
	if len(places) == 0 {
		return 1, nil
	}
	visitDays := make(map[patrol.KeyPlaceID]map[string]bool, len(places))
	for _, s := range stops {
		for _, k := range patrol.Visits(places, []patrol.Stop{s}, patrol.DefaultVisitRadius) {
			if !k.LastVisited.IsZero() && k.LastVisited.Equal(s.End) {
				if visitDays[k.ID] == nil {
					visitDays[k.ID] = map[string]bool{}
				}
				visitDays[k.ID][s.End.Format(time.DateOnly)] = true
			}
		}
	}
	kept := 0
	var missed []string
	for _, k := range places {
		every := k.VisitInterval.Hours() / 24
		asked := 1
		if every > 0 {
			asked = max(1, int(math.Floor(days/every)))
		}
		if n := len(visitDays[k.ID]); n >= asked {
			kept++
		} else {
			missed = append(missed, fmt.Sprintf("%s %d/%d", k.ID, n, asked))
		}
	}
	return float64(kept) / float64(len(places)), missed
}

// promptReports are the problems (incidents not of a base-information
// category) w created in [from, to) and reported within within of their
// creation.
func promptReports(incs []incident.Incident, w patrol.WorkerID, from, to time.Time, within time.Duration, baseInfo []string) []string {
	var out []string
	for _, inc := range incs {
		if len(inc.Events) == 0 || slices.Contains(baseInfo, inc.Category) || !ActedBy(inc.Events[0], w) || inc.Events[0].Time.Before(from) || !inc.Events[0].Time.Before(to) {
			continue
		}
		created := inc.Events[0].Time
		for _, e := range inc.Events {
			if e.To == incident.StatusReported {
				if e.Time.Sub(created) <= within {
					out = append(out, string(inc.ID))
				}
				break
			}
		}
	}
	return out
}

// settledShare is the share of the problems (incidents not of a
// base-information category) reported in [from, to) in grids that were
// resolved or closed before to, and the ids of the others.
func settledShare(incs []incident.Incident, grids []partition.GridID, from, to time.Time, baseInfo []string) (float64, []string) {
	n, settled := 0, 0
	var open []string
	for _, inc := range incs {
		if !slices.Contains(grids, inc.Grid) || slices.Contains(baseInfo, inc.Category) || inc.Reported.Before(from) || !inc.Reported.Before(to) {
			continue
		}
		n++
		if slices.ContainsFunc(inc.Events, func(e incident.Event) bool {
			return e.Time.Before(to) && (e.To == incident.StatusResolved || e.To == incident.StatusClosed)
		}) {
			settled++
		} else {
			open = append(open, string(inc.ID))
		}
	}
	if n == 0 {
		return 1, nil
	}
	return float64(settled) / float64(n), open
}

// gridSheets sums the worker sheets per grid, in grid order.
func gridSheets(workers []WorkerSheet) []GridSheet {
	byGrid := map[partition.GridID]*GridSheet{}
	var ids []partition.GridID
	for _, w := range workers {
		for _, g := range w.Grids {
			gs := byGrid[g]
			if gs == nil {
				gs = &GridSheet{Grid: g, Values: make([]float64, len(items))}
				byGrid[g] = gs
				ids = append(ids, g)
			}
			gs.Workers = append(gs.Workers, w.Worker)
			gs.MeanScore += w.Score
			for i, it := range w.Items {
				gs.Values[i] += it.Value
			}
		}
	}
	slices.Sort(ids)
	out := make([]GridSheet, 0, len(ids))
	for _, id := range ids {
		gs := byGrid[id]
		n := float64(len(gs.Workers))
		gs.MeanScore /= n
		for i := range gs.Values {
			gs.Values[i] /= n
		}
		out = append(out, *gs)
	}
	return out
}

// parseDate reads a DaySummary date in zone.
func parseDate(date string, zone *time.Location) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, date, zone)
}
