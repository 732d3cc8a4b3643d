// Package server is the HTTP API of wangge over a data.Store. It is
// transport only: a handler reads the parameters and the body, calls one
// use case of internal/app (which checks the scope policy of
// internal/access and writes atomically in the store), and writes the
// answer or the problem document.
//
// New builds a Server from Options; Serve runs it until its context is
// cancelled and then drains the requests in flight. Every response carries
// an X-Request-Id, every request is logged with slog, and every error is an
// RFC 9457 application/problem+json document decided in one place
// (problem.go) from the typed errors of errors.go.
//
// Routes:
//
//	GET  /healthz                store check, no token
//	GET  /api/v1/blocks          GeoJSON FeatureCollection; bbox, limit, after, crs; next links
//	GET  /api/v1/blocks/{id}     one block as a GeoJSON Feature; crs
//	POST /api/v1/blocks          upsert a FeatureCollection of blocks, all or none
//	GET  /metrics                Prometheus text: requests by route and status, durations, store ping; no token
//	GET  /api/v1/workers         workers in the token's scope (POST upserts, admin or leader; device_id links a phone)
//	GET  /api/v1/workers/{id}    one worker; …/trajectory?date=&tz=&crs= the day's trips, stops, gaps, grid time, GeoJSON
//	POST /api/v1/tracks          batch {worker, points} or GeoJSON; cleaned, stored atomically; {received, kept, new, dropped}
//	     /api/v1/ingest/osmand   OsmAnd / Traccar Client (GET or POST query/form, or JSON); device id as credential
//	POST /api/v1/ingest/owntracks  OwnTracks HTTP mode; device from X-Limit-U/X-Limit-D or tid; answers []
//	GET  /api/v1/grids/{id}/coverage  gaps (or layer=heat) as GeoJSON with shares per grid and block; from, to, res, buffer, tz, crs
//	POST /api/v1/keyplaces       key places (no names), admin or the grid's leader; audit-logged
//	GET  /api/v1/visits/overdue  key places past their visit interval, per grid (visits from the stops of ?days=); grid; audit-logged
//	GET  /api/v1/plans           plans in creation order (POST draws one on the stored blocks)
//	GET  /api/v1/plans/{id}      summary and report; /grids as grids.geojson; POST …/publish; DELETE
//	GET  /api/v1/incidents       GeoJSON; bbox, from, to, status, grid, limit, after, crs (POST reports one)
//	GET  /api/v1/incidents/{id}  with its events; POST …/transitions moves it (409 illegal, 403 not the holder)
//	GET  /api/v1/incidents/hotspots  incidents per H3 cell; res, from, to, step
//	GET  /api/v1/stats/incidents statistics by grid, community, worker; /stats/loads per 1,000 households
//	     /open311/v2/…           GeoReport v2: services, requests (GET, POST), requests/{id}; .json or .xml
//
// Coordinates are WGS-84 unless ?crs=gcj02 or ?crs=bd09 asks for the
// systems of Chinese web basemaps (the bbox is then read in it too).
//
// Time windows follow internal/window everywhere: from (and Open311's
// start_date) is in the window, to (end_date) is not; each is an RFC 3339
// time or a date YYYY-MM-DD meaning its midnight in Options.Zone (or ?tz=
// where a route takes it), and ?date= is [its midnight, the next).
//
// Every /api/v1 route needs `Authorization: Bearer wg_…`. app.CreateToken
// makes a token and the store keeps only the SHA-256 of its secret; the
// roles allowed on each route are listed in one table (routes.go), the
// scope of each role in internal/access.
//
// Several servers may share one store: every multi-step write is atomic
// in the store (an incident transition is a compare-and-set on its
// version, the loser answered 409 with the status now; one published plan
// is a constraint; device ids are unique), and on PostGIS each server
// follows the change feed to keep its cached plan index, tokens and
// workers true (Watch). A GeoPackage still locked past its busy timeout
// answers 503 with Retry-After.
//
// The device ingest routes take no bearer token: the device id, registered
// as a worker's device_id, is the credential, as in Traccar (an unknown
// device gets 404), and a token sent along (?token=, Basic password or
// bearer) must be the worker's own or an admin's (handle_ingest_device.go).
//
// Browsers: with Options.CORSOrigins the web pages of those origins may
// call the API (CORS); preflights are answered before authentication and
// other origins get no Access-Control-Allow-Origin (middleware.go).
package server
