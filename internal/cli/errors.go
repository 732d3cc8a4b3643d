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
