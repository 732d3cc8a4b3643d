// Package coverage measures how well patrols cover their grids: Coverage
// marks the H3 cells (resolution 11 by default) whose centres lie within a
// buffer (25 m) of the fixes and of the straight segments between fixes at
// most MaxInterpGap apart, and reports the covered share per grid and
// block, the gaps (uncovered cells dissolved into polygons), a visit heat
// (distinct days and passes per cell) and last visits. A bucketed index of
// cell centres in a local plane answers each fix, and the walk runs in
// parallel shards: over ten million fixes per CPU-second
// (BenchmarkCoverage30Days100Workers).
//
// The rest of the patrol side lives in sub-packages, each named by its
// concept:
//
//	coverage/track     GPS track formats (GPX, GeoLife PLT, CSV, GeoJSON,
//	                   OsmAnd/Traccar, OwnTracks) and cleaning
//	coverage/patrol    workers, track points, trajectories (stops, trips,
//	                   gaps), key places and visits, the patrol simulator
//	coverage/incident  the incident loop: lifecycle, escalation, location
//	                   in the plan in force, statistics, hotspots, loads
//	coverage/open311   incidents as Open311 GeoReport v2 services and requests
package coverage
