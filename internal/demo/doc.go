// Package demo builds the workspace `wangge demo` serves: street blocks,
// buildings and households derived from the bundled OpenStreetMap extract
// of Monaco, a published plan of dedicated and basic grids, and synthetic
// patrol data (one simulated worker per basic grid and a leader, a patrol
// day of GPS fixes, incidents reported at the patrols' stops, key places
// visited or not), every synthetic id starting "sim-". The plan, workers,
// incidents and key places go through the use cases of internal/app, so
// the demo obeys the rules of the API.
package demo
