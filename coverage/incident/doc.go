// Package incident is the incident loop of grid work: discover → report →
// handle → feedback, escalating grid → community → street → city.
//
// Create starts an incident at report time, looking up its grid through a
// GridLocator (GridIndex over the grids of a plan) and keeping that grid
// even when a later plan moves the boundary (CurrentGrid answers the grid
// of today); a location in no grid is kept and flagged. Transition moves
// it through the loop discovered → reported → accepted → handling →
// resolved → closed, with escalated (one level up), returned (one level
// down), rejected and duplicate. The tables in incident_state.go say which
// edges exist, which actor roles may take each, and at which levels a role
// holds an incident; a refused move is a *TransitionError (HTTP 409) and
// changes nothing, an accepted one appends an Event and never
// rewrites one. Stats reports per grid, community, worker or in total;
// Hotspots bins incidents in H3 cells as GeoJSON and GridLoads per 1,000
// households.
package incident
