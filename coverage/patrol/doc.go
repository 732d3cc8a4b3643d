// Package patrol models the people who patrol grids and what they do
// there: workers (roles, devices, grids), their GPS fixes (TrackPoint),
// key places to visit, trajectories and a simulator.
//
// Trajectories: Trajectory analyses one worker's fixes (a day, say):
// stops by the stay-point rule (every fix of a stop within StopRadius of
// its first, lasting at least StopMinDuration), trips between them, signal
// gaps, moving, stopped and gap time, time inside the worker's own grids,
// the geodesic distance (as PostGIS ST_Length on geography) and a
// Douglas-Peucker display line in metres; GeoJSON draws it on a map.
//
// Visits: Visits moves a key place's LastVisited to the end of the latest
// stop within a radius of it; Overdue lists, per grid, the places never
// visited or past their visit interval.
//
// Simulation: Simulate makes synthetic patrol days (random walks on a road
// network inside a grid, walking speeds, stops at buildings, GPS noise,
// drift and signal gaps), deterministic per seed, with worker ids starting
// with SyntheticPrefix so that they are never taken for real patrols;
// StreetLattice and SynthDistrict make synthetic street grids and
// districts for tests and benchmarks.
package patrol
