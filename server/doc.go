// Package server is the HTTP API of wangge over a data.Store.
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
// Every /api/v1 route needs `Authorization: Bearer wg_…`. CreateToken
// makes a token and the store keeps only the SHA-256 of its secret; the
// roles allowed on each route are listed in one table (routes.go).
package server
