package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/importer"
	"wangge/data/progress"
	"wangge/partition"
)

// importIncidentsOptions is the parsed command line of `wangge import incidents`.
type importIncidentsOptions struct {
	file string
	db   string
}

// parseImportIncidents parses the command line of `wangge import incidents`.
func parseImportIncidents(args []string, stderr io.Writer) (importIncidentsOptions, error) {
	var o importIncidentsOptions
	fs := newFlags("import incidents", stderr,
		"usage: wangge import incidents FILE.csv|FILE.geojson [flags]",
		"Creates incidents from CSV (id, category, description, address, lat, lon, reported,",
		"reporter, status) or GeoJSON Points with those properties, each in the grid of the",
		"published plan that holds it (flagged outside_grids when none does), in one batch:",
		"a bad row stores nothing. Incidents whose id is already stored are left as they are.")
	dbFlag(fs, &o.db)
	files, err := parsePositional(fs, args, 1, "one FILE.csv or FILE.geojson")
	if err != nil {
		return o, err
	}
	o.file = files[0]
	return o, nil
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
	Read    int              // incidents in the file
	New     int              // created and stored
	Stored  int              // already stored under their id, left as they are
	Outside int              // new ones in no grid of the plan (flagged outside_grids)
	Plan    partition.PlanID // the published plan located in; empty when there is none
}

// importIncidents decodes the whole file first, so that a bad row stores
// nothing, then creates and stores the new incidents in one batch.
func importIncidents(ctx context.Context, o importIncidentsOptions, stdout, stderr io.Writer) error {
	drafts, err := readIncidentFile(ctx, o.file, stderr)
	if err != nil {
		return err
	}
	return withStore(ctx, o.db, func(store data.Store) error {
		rep, err := storeIncidents(ctx, store, o.file, drafts, stderr)
		if err != nil {
			return fmt.Errorf("store incidents of %s in %s: %w", o.file, redactDSN(o.db), err)
		}
		plan := "no published plan, so every new incident is flagged " + incident.FlagOutsideGrids
		if rep.Plan != "" {
			plan = fmt.Sprintf("%d new outside every grid of plan %s", rep.Outside, rep.Plan)
		}
		fmt.Fprintf(stdout, "%s: %d incidents read, %d new, %d already stored; %s\n", o.file, rep.Read, rep.New, rep.Stored, plan)
		return nil
	})
}

// readIncidentFile decodes a CSV or GeoJSON incident file, told apart by
// its extension.
func readIncidentFile(ctx context.Context, file string, stderr io.Writer) ([]incident.Incident, error) {
	decode := importer.DecodeIncidentsCSV
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv":
	case ".geojson", ".json":
		decode = importer.DecodeIncidentsGeoJSON
	default:
		return nil, fmt.Errorf("%s: %w: want a .csv or .geojson file", file, errIncidentFormat)
	}
	r, done, err := openInput(ctx, file, stderr)
	if err != nil {
		return nil, err
	}
	defer done()
	return decode(r, file)
}

// storeIncidents creates the drafts whose id is not stored yet, each in
// the grid of the published plan holding its location (incident.Create
// flags it outside_grids when no grid does, or when there is no published
// plan), with its first event by its reporter (by admin, the one running
// the import, when the file names none), and stores them in one batch.
func storeIncidents(ctx context.Context, store data.Store, file string, drafts []incident.Incident, stderr io.Writer) (incidentImport, error) {
	rep := incidentImport{Read: len(drafts)}
	var locator incident.GridLocator
	plan, err := data.PublishedPlan(ctx, store)
	switch {
	case err == nil:
		locator, rep.Plan = incident.NewGridIndex(plan.Grids), plan.ID
	case !errors.Is(err, data.ErrNotFound):
		return rep, err
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
		inc, err := incident.Create(d, actor, d.Reported, note, locator)
		if err != nil {
			bar.Done()
			return rep, fmt.Errorf("incident %s: %w", d.ID, err)
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
