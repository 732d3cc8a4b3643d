package cli

import "errors"

// Errors of the import commands that callers (and tests) branch on.
var (
	// errNoWorker means a track file gives a fix no worker and --worker
	// was not given.
	errNoWorker = errors.New("no worker id")
	// errTrackFormat means the format of a track file cannot be told from
	// its name.
	errTrackFormat = errors.New("unknown track format")
	// errIncidentFormat means an incident file is neither .csv nor .geojson.
	errIncidentFormat = errors.New("unknown incident file format")
)

// Errors of `wangge bench`.
var (
	// errBenchPG means --pg is not a postgres:// URL.
	errBenchPG = errors.New("bench: --pg must be a postgres:// URL")
	// errBenchCheck means a case's work gave an answer that cannot be
	// right (no point found in any grid, fewer new fixes stored than
	// sent), so its timing would measure the wrong thing.
	errBenchCheck = errors.New("bench: implausible result")
)
