// Package app holds the use cases the command line and the HTTP server
// share: publish a plan, file and move an incident, register workers and
// their devices, ingest fixes, keep key places and their visits, a grid's
// coverage and a worker's day. Each use case checks the scope policy
// (package access), obeys the rules of the domain packages and makes its
// writes atomic in the store itself, so that handlers are transport only
// and several servers on one store stay correct.
//
// An App caches what every request needs (the index of the plan in
// force, tokens, workers) only when the store announces changes made by
// other processes (PostGIS LISTEN/NOTIFY, see Watch); on a GeoPackage it
// reads through.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"wangge/coverage/open311"
	"wangge/coverage/workload"
	"wangge/data"
)

// DefaultZone is the time zone of plain dates and days when the
// configuration names none: the study's cities keep China Standard Time.
const DefaultZone = "Asia/Shanghai"

// Options configure an App. Only Store is required.
type Options struct {
	Store data.Store
	// Logger receives the audit log of plan changes, key-place reads and
	// writes; discarded when nil.
	Logger *slog.Logger
	// Zone is the time zone of plain dates and of a worker's day;
	// DefaultZone when nil.
	Zone *time.Location
	// Categories are the incident categories a report may name; none
	// means any category is accepted.
	Categories []open311.Category
	// Now is the clock of reports, transitions and publications;
	// time.Now when nil. The demo sets it to replay a simulated day.
	Now func() time.Time
	// Workload are the coefficients of the workload estimate and Targets
	// those of the monthly assessment; the defaults of package workload
	// when nil.
	Workload *workload.Coefficients
	Targets  *workload.Targets
}

// App runs the use cases over one store.
type App struct {
	store      data.Store
	log        *slog.Logger
	zone       *time.Location
	categories map[string]bool
	now        func() time.Time
	cache      cache
	live       broker // positions for Positions' subscribers
	workload   workload.Coefficients
	targets    workload.Targets
}

// New makes an App from o.
func New(o Options) (*App, error) {
	if o.Store == nil {
		return nil, fmt.Errorf("%w: no store", ErrOptions)
	}
	a := &App{store: o.Store, log: o.Logger, zone: o.Zone, now: o.Now,
		workload: workload.DefaultCoefficients(), targets: workload.DefaultTargets()}
	if o.Workload != nil {
		a.workload = *o.Workload
	}
	if o.Targets != nil {
		a.targets = *o.Targets
	}
	if err := errors.Join(a.workload.Validate(), a.targets.Validate()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.zone == nil {
		z, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return nil, fmt.Errorf("%w: time zone %s: %w", ErrOptions, DefaultZone, err)
		}
		a.zone = z
	}
	if a.now == nil {
		a.now = time.Now
	}
	if len(o.Categories) > 0 {
		a.categories = make(map[string]bool, len(o.Categories))
		for _, c := range o.Categories {
			a.categories[c.Code] = true
		}
	}
	return a, nil
}

// Store is the store the App works on.
func (a *App) Store() data.Store { return a.store }

// Zone is the time zone of plain dates and days.
func (a *App) Zone() *time.Location { return a.zone }

// Now is the App's clock, to the millisecond (which both stores keep
// exactly), in UTC.
func (a *App) Now() time.Time { return a.now().UTC().Truncate(time.Millisecond) }
