package cli

import "errors"

// Errors of the commands that callers (and tests) branch on.
var (
	// errNoWorker means a track file gives a fix no worker and --worker
	// was not given.
	errNoWorker = errors.New("no worker id")
	// errUnknownWorker means a track file names a worker the store does
	// not know and --register was not given.
	errUnknownWorker = errors.New("worker not registered")
	// errTrackFormat means the format of a track file cannot be told from
	// its name.
	errTrackFormat = errors.New("unknown track format")
	// errIncidentFormat means an incident file is neither .csv nor .geojson.
	errIncidentFormat = errors.New("unknown incident file format")
	// errPlanBroken is returned by `partition validate` when the plan
	// breaks rules (exit 1 after listing them).
	errPlanBroken = errors.New("the plan breaks rules")
	// errUnsupportedFormat means a file whose format must be converted
	// first (a shapefile for import grids).
	errUnsupportedFormat = errors.New("format not read directly")
	// errNoStore means serve was given a GeoPackage that does not exist
	// and no --create.
	errNoStore = errors.New("no such store")
)
