package workload

import (
	"fmt"
	"time"
)

// Coefficients turn what a grid holds into the hours it needs per week.
// The TOML keys are those of the [workload] table of wangge.toml. The
// defaults (DefaultCoefficients) are explained field by field; a
// community sets its own from its timesheets.
type Coefficients struct {
	// HouseholdMinutes is the time each household takes per week: a
	// home visit of about half an hour each quarter (入户走访, 13 weeks)
	// plus errands, certificates and data entry for it, about 3 minutes
	// a week. Y community's 8 workers and 3,695 households (some 460
	// each) come to 23 hours a week of household work per worker.
	HouseholdMinutes float64 `toml:"household_minutes" json:"household_minutes"`
	// KeyPlaces are the visit frequencies and durations of key places by
	// category; a key place's own visit interval, when it has one, wins
	// over the category's. A category not listed takes OtherKeyPlace.
	KeyPlaces []KeyPlaceVisit `toml:"key_places" json:"key_places"`
	// OtherKeyPlace is the visit of a key place of no listed category:
	// every 14 days, 20 minutes.
	OtherKeyPlace KeyPlaceVisit `toml:"other_key_place" json:"other_key_place"`
	// IncidentHours is the time one incident takes its grid worker: going
	// there, talking to the people, photographing and entering it on the
	// terminal, following up and giving feedback: 1.5 hours.
	IncidentHours float64 `toml:"incident_hours" json:"incident_hours"`
	// PatrolsPerWeek is how often the worker walks every street of the
	// grid: once each working day, 5.
	PatrolsPerWeek float64 `toml:"patrols_per_week" json:"patrols_per_week"`
	// WalkSpeed is the patrol's walking speed, 1.2 m/s (4.3 km/h, an
	// unhurried walk that looks around, the patrol simulator's slowest).
	WalkSpeed float64 `toml:"walk_speed" json:"walk_speed_mps"`
	// HoursPerWeek is what one full-time worker can give: 40 hours (five
	// days of eight).
	HoursPerWeek float64 `toml:"hours_per_week" json:"hours_per_week"`
	// OverloadTolerance flags a basic grid whose estimate is more than
	// this fraction above the mean of the basic grids: 0.10.
	OverloadTolerance float64 `toml:"overload_tolerance" json:"overload_tolerance"`
}

// KeyPlaceVisit is how often a category of key place is visited and how
// long a visit takes.
type KeyPlaceVisit struct {
	Category  string  `toml:"category" json:"category"`
	EveryDays float64 `toml:"every_days" json:"every_days"`
	Minutes   float64 `toml:"minutes" json:"minutes"`
}

// DefaultCoefficients are the coefficients explained on Coefficients.
// Key places, after section 4.3 of the study (空巢老人、留守儿童、贫困户、
// 残疾人士) and common district rules: elderly living alone weekly for 20
// minutes (a fall or an illness must not wait); left-behind children and
// the disabled every two weeks, 20 minutes; poor households monthly, 30
// minutes (paperwork of the subsidies); hazards (安全隐患点: a shop with
// gas bottles, a building site) weekly, 15 minutes.
func DefaultCoefficients() Coefficients {
	return Coefficients{
		HouseholdMinutes: 3,
		KeyPlaces: []KeyPlaceVisit{
			{Category: "elderly-living-alone", EveryDays: 7, Minutes: 20},
			{Category: "left-behind-child", EveryDays: 14, Minutes: 20},
			{Category: "disabled", EveryDays: 14, Minutes: 20},
			{Category: "hardship-household", EveryDays: 30, Minutes: 30},
			{Category: "hazard", EveryDays: 7, Minutes: 15},
		},
		OtherKeyPlace:     KeyPlaceVisit{EveryDays: 14, Minutes: 20},
		IncidentHours:     1.5,
		PatrolsPerWeek:    5,
		WalkSpeed:         1.2,
		HoursPerWeek:      40,
		OverloadTolerance: 0.10,
	}
}

// Validate refuses negative coefficients, a walking speed or weekly
// capacity that is not positive, and visits that are not every so many
// days.
func (c Coefficients) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"household_minutes", c.HouseholdMinutes}, {"incident_hours", c.IncidentHours},
		{"patrols_per_week", c.PatrolsPerWeek}, {"overload_tolerance", c.OverloadTolerance}} {
		if f.v < 0 {
			return fmt.Errorf("%w: %s %g is negative", ErrCoefficients, f.name, f.v)
		}
	}
	if c.WalkSpeed <= 0 || c.HoursPerWeek <= 0 {
		return fmt.Errorf("%w: walk_speed %g and hours_per_week %g must be positive", ErrCoefficients, c.WalkSpeed, c.HoursPerWeek)
	}
	for _, k := range append([]KeyPlaceVisit{c.OtherKeyPlace}, c.KeyPlaces...) {
		if k.EveryDays <= 0 || k.Minutes < 0 {
			return fmt.Errorf("%w: key place visit %q: every_days %g must be positive, minutes %g not negative",
				ErrCoefficients, k.Category, k.EveryDays, k.Minutes)
		}
	}
	return nil
}

// visit is the visit of a key place of category with its own interval
// (zero: the category's).
func (c Coefficients) visit(category string, interval time.Duration) KeyPlaceVisit {
	v := c.OtherKeyPlace
	for _, k := range c.KeyPlaces {
		if k.Category == category {
			v = k
			break
		}
	}
	if interval > 0 {
		v.EveryDays = interval.Hours() / 24
	}
	return v
}
