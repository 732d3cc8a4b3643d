package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/importer"
	"wangge/data/progress"
	"wangge/geo"
	"wangge/internal/config"
	"wangge/internal/window"
	"wangge/partition"
)

// importIncidentsOptions is the parsed command line of `wangge import incidents`.
type importIncidentsOptions struct {
	file string
	db   string
	read importer.IncidentOptions
}

// parseImportIncidents parses the command line of `wangge import incidents`:
// the [import.incidents] table of --config first, the flags over it.
func parseImportIncidents(args []string, stderr io.Writer) (importIncidentsOptions, error) {
	var o importIncidentsOptions
	var cfgFile, duplicates, unlocated, zone, layout string
	columns, statuses := pairs{}, pairs{}
	fs := newFlags("import incidents", stderr,
		"usage: wangge import incidents FILE.csv|FILE.geojson [flags]",
		"Creates incidents from CSV (id, category, description, address, lat, lon, reported,",
		"reporter, status) or GeoJSON Points with those properties, each in the grid that",
		"holds it of the plan in force at its reported time (flagged outside_grids when none",
		"does; reported while no plan was in force, flagged no_plan and located when a plan",
		"is published), in one batch: a bad row stores",
		"nothing. Incidents whose id is already stored are left as they are. A city's export",
		"is read as it is with --map, --status, --duplicates, --unlocated and --zone (or the",
		"[import.incidents] table of --config); the rows left out are listed by line on stderr",
		"and counted by reason.")
	dbFlag(fs, &o.db)
	fs.StringVar(&cfgFile, "config", "", "TOML `file` whose [import.incidents] table gives the settings below (WANGGE_IMPORT_INCIDENTS_* override it, flags override both)")
	fs.Var(columns, "map", "`field=column`: read a field from the export's column (repeat; fields: id, category, description, address, media_url, reported, reporter, status, lat, lon)")
	fs.Var(statuses, "status", "`Value=state`: an export's status value is that state (repeat; built in: Open, Closed, Completed, In Progress, Assigned, New, …)")
	fs.StringVar(&duplicates, "duplicates", "", "a repeated id: reject the file, or keep its first or last row (default reject)")
	fs.StringVar(&unlocated, "unlocated", "", "a row without coordinates, at (0, 0) or in no area: reject the file, or skip the row (default reject)")
	fs.StringVar(&zone, "zone", "", "IANA `zone` of report times written without a UTC offset (default: such times are refused)")
	fs.StringVar(&layout, "time-layout", "", "Go `layout` of report times, e.g. \"01/02/2006 03:04:05 PM\" (default ISO 8601)")
	files, err := parsePositional(fs, args, 1, "one FILE.csv or FILE.geojson")
	if err != nil {
		return o, err
	}
	o.file = files[0]
	cfg := config.Default()
	if cfgFile != "" {
		if cfg, err = config.Load(cfgFile); err != nil {
			return o, badUsage(fs, "%v", err)
		}
	}
	if _, err := cfg.ApplyEnv(os.Getenv); err != nil {
		return o, badUsage(fs, "%v", err)
	}
	o.read = cfg.IncidentOptions()
	o.read.Columns = columns.over(o.read.Columns)
	for v, s := range statuses.over(nil) {
		if o.read.Statuses == nil {
			o.read.Statuses = map[string]incident.Status{}
		}
		o.read.Statuses[v] = incident.Status(s)
	}
	o.read.Duplicates = cmp.Or(importer.Duplicates(duplicates), o.read.Duplicates)
	o.read.Unlocated = cmp.Or(importer.Unlocated(unlocated), o.read.Unlocated)
	o.read.TimeLayout = cmp.Or(layout, o.read.TimeLayout)
	if zone != "" {
		if o.read.Zone, err = window.LoadZone(zone); err != nil {
			return o, badUsage(fs, "--zone %q is not an IANA time zone", zone)
		}
	}
	if err := o.read.Validate(); err != nil {
		return o, badUsage(fs, "%v", err)
	}
	return o, nil
}

// pairs is a repeatable flag of key=value pairs.
type pairs map[string]string

func (p pairs) String() string { return "" }

// Set takes one key=value.
func (p pairs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
		return fmt.Errorf("%q: want key=value", s)
	}
	p[strings.TrimSpace(k)] = strings.TrimSpace(v)
	return nil
}

// over is base with the pairs given on top, nil when both are empty.
func (p pairs) over(base map[string]string) map[string]string {
	if len(p) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, p)
	return out
}

// runImportIncidents is `wangge import incidents`.
func runImportIncidents(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportIncidents(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importIncidents(ctx, o, stdout, stderr)
}

// incidentImport is what importing an incident file did.
type incidentImport struct {
	Read    int                      // incidents in the file
	New     int                      // created and stored
	Stored  int                      // already stored under their id, left as they are
	Outside int                      // new ones in no grid of their plan (flagged outside_grids)
	NoPlan  int                      // new ones reported while no plan was in force (flagged no_plan)
	Plans   map[partition.PlanID]int // new ones located against each plan
}

// importIncidents reads the areas of the territory (rows in none of them
// are unlocated), decodes the whole file, so that a bad row stores
// nothing, then creates and stores the new incidents in one batch.
func importIncidents(ctx context.Context, o importIncidentsOptions, stdout, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		areas, err := store.Areas(ctx)
		if err != nil {
			return fmt.Errorf("areas of %s: %w", redactDSN(o.db), err)
		}
		if len(areas) > 0 {
			ix := geo.NewIndex[partition.AreaID]()
			for _, a := range areas {
				ix.Insert(a.ID, a.Geometry)
			}
			o.read.Inside = func(p orb.Point) bool { _, ok := ix.Lookup(p); return ok }
		}
		file, err := readIncidentFile(ctx, o, stderr)
		if err != nil {
			return err
		}
		for _, s := range file.Skipped {
			fmt.Fprintf(stderr, "%s: skipped %s\n", o.file, s)
		}
		rep, err := storeIncidents(ctx, store, o.file, file.Drafts, stderr)
		if err != nil {
			return fmt.Errorf("store incidents of %s in %s: %w", o.file, redactDSN(o.db), err)
		}
		fmt.Fprintf(stdout, "%s: %d rows read, %d kept, %d skipped%s; %d new, %d already stored; %s\n",
			o.file, file.Rows, len(file.Drafts), len(file.Skipped), reasons(file.Counts()), rep.New, rep.Stored, rep.plans())
		return nil
	})
}

// reasons lists counts by reason in a fixed order: " (duplicate_id 2,
// zero_location 3)"; empty when there are none.
func reasons(counts map[importer.Reason]int) string {
	if len(counts) == 0 {
		return ""
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", r, counts[r]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// readIncidentFile decodes a CSV or GeoJSON incident file, told apart by
// its extension.
func readIncidentFile(ctx context.Context, o importIncidentsOptions, stderr io.Writer) (importer.Incidents, error) {
	decode := importer.DecodeIncidentsCSV
	switch strings.ToLower(filepath.Ext(o.file)) {
	case ".csv":
	case ".geojson", ".json":
		decode = importer.DecodeIncidentsGeoJSON
	default:
		return importer.Incidents{}, fmt.Errorf("%s: %w: want a .csv or .geojson file", o.file, errIncidentFormat)
	}
	r, done, err := openInput(ctx, o.file, stderr)
	if err != nil {
		return importer.Incidents{}, err
	}
	defer done()
	return decode(r, o.file, o.read)
}

// plans says against which plans the new incidents were located: "located
// in plan now 12, plan old 3; 2 outside every grid of their plan; 1
// reported while no plan was in force, flagged no_plan and located when a
// plan is published".
func (rep incidentImport) plans() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(rep.Plans)) {
		parts = append(parts, fmt.Sprintf("plan %s %d", id, rep.Plans[id]))
	}
	out := "located in no plan"
	if len(parts) > 0 {
		out = "located in " + strings.Join(parts, ", ")
	}
	out += fmt.Sprintf("; %d outside every grid of their plan", rep.Outside)
	if rep.NoPlan > 0 {
		out += fmt.Sprintf("; %d reported while no plan was in force, flagged %s and located when a plan is published",
			rep.NoPlan, incident.FlagNoPlan)
	}
	return out
}

// storeIncidents creates the drafts whose id is not stored yet, each in
// the grid holding its location of the plan in force when it was reported
// (data.PlanAt over the store's Publications; incident.Imported flags it
// outside_grids when no grid does; reported while no plan was in force it
// is flagged no_plan, for PublishPlan to locate), in the export's status,
// with its first event by its reporter (by admin, the one running
// the import, when the file names none), and stores them in one batch.
func storeIncidents(ctx context.Context, store data.Store, file string, drafts []incident.Incident, stderr io.Writer) (incidentImport, error) {
	rep := incidentImport{Read: len(drafts), Plans: map[partition.PlanID]int{}}
	pubs, err := store.Publications(ctx)
	if err != nil {
		return rep, err
	}
	locators := map[partition.PlanID]incident.GridLocator{}
	locatorAt := func(t time.Time) (partition.PlanID, incident.GridLocator, error) {
		id, ok := data.PlanAt(pubs, t)
		if !ok {
			return "", nil, nil
		}
		if l, ok := locators[id]; ok {
			return id, l, nil
		}
		plan, err := store.Plan(ctx, id)
		if err != nil {
			return id, nil, fmt.Errorf("plan %s in force at %s: %w", id, t.Format(time.RFC3339), err)
		}
		locators[id] = incident.NewGridIndex(plan.Grids)
		return id, locators[id], nil
	}
	bar := progress.New(stderr, "creating incidents", int64(len(drafts)), progress.Count)
	created := make([]incident.Incident, 0, len(drafts))
	note := "imported from " + filepath.Base(file)
	for _, d := range drafts {
		bar.Add(1)
		_, err := store.Incident(ctx, d.ID)
		if err == nil {
			rep.Stored++
			continue
		}
		if !errors.Is(err, data.ErrNotFound) {
			bar.Done()
			return rep, err
		}
		actor := incident.Actor{Role: incident.ActorAdmin}
		if d.Reporter != "" {
			actor = incident.Actor{Role: incident.ActorWorker, Worker: d.Reporter}
		}
		plan, locator, err := locatorAt(d.Reported)
		if err != nil {
			bar.Done()
			return rep, fmt.Errorf("incident %s: %w", d.ID, err)
		}
		d.Flags = nil
		if locator == nil {
			d.Flags = []string{incident.FlagNoPlan}
		}
		inc, err := incident.Imported(d, actor, d.Reported, note, locator)
		if err != nil {
			bar.Done()
			return rep, fmt.Errorf("incident %s: %w", d.ID, err)
		}
		if locator == nil {
			rep.NoPlan++
		} else {
			rep.Plans[plan]++
		}
		if slices.Contains(inc.Flags, incident.FlagOutsideGrids) {
			rep.Outside++
		}
		created = append(created, inc)
	}
	bar.Done()
	wait := progress.Wait(stderr, fmt.Sprintf("storing %d incidents", len(created)))
	err = store.PutIncidents(ctx, created)
	wait.Done()
	if err != nil {
		return rep, err
	}
	rep.New = len(created)
	return rep, nil
}
