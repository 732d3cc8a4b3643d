// Package coverage holds the patrol side of grid work: workers and their
// GPS tracks, key places and incidents (model.go), and the processing of
// tracks.
//
// Decoding: every decoder reads a stream and returns TrackPoints in WGS-84
// with Speed in m/s, Bearing in degrees, Altitude and Accuracy in metres
// and Battery in percent, converting each format's units on the way:
//
//	DecodeGPX / ScanGPX          GPX 1.1 and 1.0 track points
//	DecodePLT / ScanPLT          GeoLife PLT (altitude in feet)
//	DecodeCSV / ScanCSV          CSV with a header, through a CSVMapping
//	DecodeGeoJSON / ScanGeoJSON  Points with a time, LineStrings with times
//	DecodeOsmAnd                 OsmAnd / Traccar Client query (speed in knots)
//	DecodeOsmAndJSON             Traccar Client JSON (speed m/s, battery 0..1)
//	DecodeOwnTracks              OwnTracks HTTP JSON (vel in km/h)
//
// The Scan forms stream points to a callback for large files. Bad input
// gives one *DecodeError naming the source, the line, byte offset or
// feature, and the field; it wraps one of the Err sentinels of errors.go.
//
// Cleaning: Clean drops, per worker in time order, fixes with a poor
// accuracy, exact duplicates, fixes from the future, speed outliers and
// jump outliers (spikes), and counts each reason in a CleanReport.
//
// Trajectories: Trajectory analyses one worker's fixes (a day, say):
// stops by the stay-point rule (every fix of a stop within StopRadius of
// its first, lasting at least StopMinDuration), trips between them, signal
// gaps, moving, stopped and gap time, time inside the worker's own grids,
// the geodesic distance (as PostGIS ST_Length on geography) and a
// Douglas-Peucker display line in metres; GeoJSON draws it on a map.
//
// Coverage: Coverage marks the H3 cells (resolution 11 by default) whose
// centres lie within a buffer (25 m) of the fixes and of the straight
// segments between fixes at most MaxInterpGap apart, and reports the
// covered share per grid and block, the gaps (uncovered cells dissolved
// into polygons), a visit heat (distinct days and passes per cell) and
// last visits. A bucketed index of cell centres in a local plane answers
// each fix, and the walk runs in parallel shards: over ten million fixes
// per CPU-second (BenchmarkCoverage30Days100Workers).
//
// Visits: Visits moves a key place's LastVisited to the end of the latest
// stop within a radius of it; Overdue lists, per grid, the places never
// visited or past their visit interval.
//
// Simulation: Simulate makes synthetic patrol days (random walks on a road
// network inside a grid, walking speeds, stops at buildings, GPS noise,
// drift and signal gaps), deterministic per seed, with worker ids starting
// with SyntheticPrefix so that they are never taken for real patrols.
//
// Incidents: Create starts one at report time, looking up its grid through
// a GridLocator (GridIndex over the grids of a plan) and keeping that grid
// even when a later plan moves the boundary (CurrentGrid answers the grid
// of today); a location in no grid is kept and flagged. Transition moves
// it through the loop discovered → reported → accepted → handling →
// resolved → closed, with escalated (one level up: grid → community →
// street → city), returned (one level down), rejected and duplicate. The
// tables in incident_state.go say which edges exist, which actor roles
// may take each, and at which levels a role holds an incident; a refused
// move is a *TransitionError (HTTP 409) and changes nothing, an accepted
// one appends an IncidentEvent and never rewrites one. Stats reports per
// grid, community, worker or in total; Hotspots bins incidents in H3 cells
// as GeoJSON and GridLoads per 1,000 households. Open311 maps incidents
// onto GeoReport v2 (services, requests, POST forms and query filters)
// without touching HTTP or the store.
package coverage
