package server

import (
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"wangge/server/openapi"
	"wangge/server/web"
)

// OpenAPIPath is where the OpenAPI 3 document of every route is served.
const OpenAPIPath = "/api/openapi.json"

// pageParams are the query parameters of a GeoJSON list of /api/v1.
var pageParams = []string{"bbox", "limit", "after", "crs"}

// docOps describes every route the server registers; the test of the
// document fails when a route is missing here.
func (s *Server) docOps() []openapi.Op {
	roles := map[string][]string{}
	for _, r := range s.policy() {
		names := make([]string, len(r.roles))
		for i, role := range r.roles {
			names[i] = string(role)
		}
		roles[r.method+" "+r.path] = names
	}
	api := func(method, path, tag, summary string, query []string, body, response string) openapi.Op {
		op := openapi.Op{Method: method, Path: APIPrefix + path, Tag: tag, Summary: summary, Auth: true,
			Roles: roles[method+" "+path], Query: query, Body: body, Response: response}
		if response == "FeatureCollection" || response == "Feature" {
			op.ResponseType = GeoJSONContentType
			op.ETag = method == http.MethodGet
		}
		return op
	}
	const geo = "FeatureCollection"
	ops := []openapi.Op{
		{Method: http.MethodGet, Path: "/healthz", Tag: "service", Summary: "health: whether the store answers", Response: "Object"},
		{Method: http.MethodGet, Path: "/metrics", Tag: "service", Summary: "Prometheus metrics", Response: "Text", ResponseType: "text/plain"},
		{Method: http.MethodGet, Path: OpenAPIPath, Tag: "service", Summary: "this document", Response: "Any", ResponseType: "application/vnd.oai.openapi+json;version=3.0"},
		{Method: http.MethodGet, Path: "/", Tag: "page", Summary: "the map page (一图)", Response: "Text", ResponseType: "text/html"},
		{Method: http.MethodGet, Path: web.ConfigPath, Tag: "page", Summary: "the map page's configuration: the basemap", Response: "Object"},
		anyType(openapi.Op{Method: http.MethodGet, Path: web.AssetPrefix + "dist/:file", Tag: "page", Summary: "a file of the map page's bundle (app.js, app.css, THIRD_PARTY.txt)", Response: "Any"}),
		noContent(openapi.Op{Method: http.MethodGet, Path: web.FaviconPath, Tag: "page", Summary: "no icon"}),
		api(http.MethodGet, "/me", "service", "the token's role and scope (a leader's grid, a worker's id)", nil, "", "Object"),
		api(http.MethodGet, "/blocks", "territory", "a page of blocks", pageParams, "", geo),
		api(http.MethodPost, "/blocks", "territory", "insert or replace blocks, all or none", []string{"weight"}, geo, "Upserted"),
		api(http.MethodGet, "/blocks/:id", "territory", "one block", []string{"crs"}, "", "Feature"),
		api(http.MethodGet, "/roads", "territory", "a page of roads", pageParams, "", geo),
		api(http.MethodGet, "/plans", "plans", "a page of the plans in creation order, without grids", []string{"limit", "after"}, "", "Plans"),
		created(api(http.MethodPost, "/plans", "plans", "draw a plan over the stored blocks (a draft)", nil, "PlanRequest", "Plan")),
		api(http.MethodGet, "/plans/:id", "plans", "a plan and the figures of its grids", nil, "", "Plan"),
		api(http.MethodGet, "/plans/:id/grids", "plans", "the grids of a plan in id order, a page of up to 10000; bbox keeps those whose bounds meet it", []string{"bbox", "grids-limit", "after", "crs"}, "", geo),
		api(http.MethodPost, "/plans/:id/publish", "plans", "put a plan in force (refused with its errors unless force=true)", []string{"force"}, "", "Object"),
		created(api(http.MethodPost, "/plans/upload", "plans", "upload grids (the file wangge partition writes, or a plan's grids from this API) as a draft", planParamNames, geo, "Object")),
		created(api(http.MethodPost, "/plans/import-grids", "plans", "adopt hand-drawn grid boundaries as a draft: each block to the grid holding most of it", append(planParamNames[:len(planParamNames):len(planParamNames)], "id_field"), geo, "Object")),
		api(http.MethodPost, "/plans/:id/edits", "plans", "edit a draft (move, lock, unlock, merge, split, redraw, fix): a new version, with the metric deltas and the problems added and removed", nil, "Object", "Object"),
		api(http.MethodPost, "/plans/:id/undo", "plans", "undo the last edit of a draft (a new version)", []string{"version"}, "", "Object"),
		api(http.MethodGet, "/plans/:id/versions", "plans", "the versions of a plan", nil, "", "Object"),
		api(http.MethodGet, "/plans/:id/validate", "plans", "a plan's (or version's) errors and notes", []string{"version"}, "", "Object"),
		api(http.MethodGet, "/plans/:id/diff", "plans", "what changed between two plans or versions", []string{"version", "plan-to", "to_version"}, "", "Object"),
		noContent(api(http.MethodDelete, "/plans/:id", "plans", "delete a draft plan", nil, "", "")),
		api(http.MethodGet, "/incidents", "incidents", "a page of incidents", []string{"bbox", "limit", "after", "crs", "from", "to", "status", "grid"}, "", geo),
		created(api(http.MethodPost, "/incidents", "incidents", "report an incident", []string{"crs"}, "IncidentRequest", "Feature")),
		api(http.MethodGet, "/incidents/hotspots", "incidents", "hotspots of incidents", []string{"from", "to", "res", "step", "crs"}, "", geo),
		api(http.MethodGet, "/incidents/:id", "incidents", "one incident with its events", []string{"crs"}, "", "Feature"),
		api(http.MethodPost, "/incidents/:id/transitions", "incidents", "move an incident on", nil, "Transition", "Feature"),
		api(http.MethodGet, "/stats/incidents", "incidents", "incident counts", []string{"from", "to", "by"}, "", "Object"),
		api(http.MethodGet, "/stats/loads", "incidents", "incident load per grid", []string{"from", "to"}, "", "Object"),
		api(http.MethodGet, "/workers", "patrol", "a page of the workers the token may see, by id", []string{"limit", "after"}, "", "Workers"),
		api(http.MethodPost, "/workers", "patrol", "register workers and their devices", nil, "WorkerBatch", "Upserted"),
		api(http.MethodGet, "/workers/:id", "patrol", "one worker", nil, "", "Worker"),
		geoJSON(api(http.MethodGet, "/workers/:id/trajectory", "patrol", "a worker's day as a FeatureCollection: the line (coordinateProperties.times: the time of each point), the stops and the signal gaps; date, tz, plan, grids and the report as foreign members", []string{"date", "tz", "crs", "stop_radius", "stop_minutes", "stop_silence"}, "", geo)),
		{Method: http.MethodGet, Path: APIPrefix + "/positions", Tag: "patrol", Auth: true, Roles: roles[http.MethodGet+" /positions"],
			Summary:  "server-sent events: an event position (a GeoJSON Point Feature with worker and time) for the last fix of each worker the token may see, then one for every new fix; a comment every 15 s",
			Response: "Text", ResponseType: "text/event-stream"},
		api(http.MethodPost, "/tracks", "patrol", "a batch of GPS fixes", []string{"worker"}, "TrackBatch", "Object"),
		api(http.MethodGet, "/grids/:id/coverage", "patrol", "patrol coverage and gaps of a grid", []string{"from", "to", "res", "buffer", "tz", "layer", "crs"}, "", geo),
		api(http.MethodPost, "/keyplaces", "patrol", "insert or replace key places (no names)", nil, "KeyPlaces", "Upserted"),
		api(http.MethodGet, "/visits/overdue", "patrol", "key places past their visit interval", []string{"grid", "days"}, "", "Object"),
		api(http.MethodGet, "/workers/:id/log", "reports", "a worker's daily work log", []string{"date", "tz"}, "", "Object"),
		anyType(api(http.MethodGet, "/reports/assessment", "reports", "the monthly assessment sheet (JSON, CSV or XLSX)", []string{"month", "grid", "format", "lang"}, "", "Any")),
		api(http.MethodGet, "/reports/load", "reports", "estimated and measured workload per grid", []string{"from", "to"}, "", "Object"),
	}
	osmand := []string{"id", "lat", "lon", "timestamp", "speed", "bearing", "altitude", "accuracy", "batt"}
	ops = append(ops,
		openapi.Op{Method: http.MethodGet, Path: APIPrefix + "/ingest/osmand", Tag: "patrol", Summary: "a fix from OsmAnd or Traccar Client (the device id is the credential)", Query: osmand, Response: "Any"},
		openapi.Op{Method: http.MethodPost, Path: APIPrefix + "/ingest/osmand", Tag: "patrol", Summary: "a fix from OsmAnd or Traccar Client, as a form or query", Query: osmand, Body: "Object", BodyType: "application/x-www-form-urlencoded, application/json", Response: "Any"},
		openapi.Op{Method: http.MethodPost, Path: APIPrefix + "/ingest/owntracks", Tag: "patrol", Summary: "a location message of OwnTracks", Body: "OwnTracks", Response: "Any"},
	)
	o311 := func(method, path, summary string, query []string, body, response string) []openapi.Op {
		var out []openapi.Op
		for _, f := range []string{"json", "xml"} {
			op := openapi.Op{Method: method, Path: Open311Prefix + path + "." + f, Tag: "open311", Summary: summary, Query: query,
				Response: response, ErrorType: "application/json", ErrorBody: "Open311Errors"}
			if body != "" {
				op.Body, op.BodyType = body, "application/x-www-form-urlencoded"
			}
			if f == "xml" {
				op.Response, op.ResponseType, op.ErrorType, op.ErrorBody = "Open311XML", echo.MIMETextXMLCharsetUTF8, "text/xml", "Open311XML"
			}
			out = append(out, op)
		}
		return out
	}
	ops = append(ops, o311(http.MethodGet, "/services", "incident categories as GeoReport v2 services", nil, "", "Open311List")...)
	ops = append(ops, o311(http.MethodGet, "/requests", "incidents as GeoReport v2 requests, newest first, a page at a time",
		[]string{"service_request_id", "service_code", "status", "start_date", "end_date", "page", "page_size"}, "", "Open311List")...)
	ops = append(ops, o311(http.MethodPost, "/requests", "report an incident (form fields of GeoReport v2)", nil, "Open311Form", "Open311List")...)
	ops = append(ops, openapi.Op{Method: http.MethodGet, Path: Open311Prefix + "/requests/:file", Tag: "open311",
		Summary: "one request: {id}.json or {id}.xml", Response: "Any", ResponseType: "*/*", ErrorType: "*/*", ErrorBody: "Any"})

	ogcOp := func(path, summary string, query []string, response, typ string) openapi.Op {
		return openapi.Op{Method: http.MethodGet, Path: OGCPrefix + path, Tag: "ogc", Summary: summary, Optional: true,
			Query: query, Response: response, ResponseType: typ, ETag: typ == GeoJSONContentType}
	}
	items := []string{"ogc-limit", "ogc-bbox", "bbox-crs", "datetime", "ogc-crs", "after", "offset", "f"}
	ops = append(ops,
		ogcOp("", "landing page", []string{"f"}, "Landing", "application/json"),
		ogcOp("/", "landing page", []string{"f"}, "Landing", "application/json"),
		ogcOp("/conformance", "conformance classes", []string{"f"}, "Conformance", "application/json"),
		ogcOp("/collections", "the collections the request may read", []string{"f"}, "Collections", "application/json"),
		ogcOp("/collections/:collection", "one collection", []string{"f"}, "Collection", "application/json"),
		ogcOp("/collections/:collection/queryables", "the properties items may be filtered on (?name=value)", []string{"f"}, "Queryables", "application/schema+json"),
		ogcOp("/collections/:collection/items", "a page of features; queryables filter as ?name=value", items, "FeatureCollection", GeoJSONContentType),
		ogcOp("/collections/:collection/items/:id", "one feature", []string{"ogc-crs", "f"}, "Feature", GeoJSONContentType),
		openapi.Op{Method: http.MethodGet, Path: TilesPrefix + "/:tileset/:z/:x/:file", Tag: "tiles", Optional: true,
			Summary:  "a vector tile {y}.mvt (204 when empty); coverage-heat needs an admin's, a planner's or a leader's token",
			Response: "Tile", ResponseType: "application/vnd.mapbox-vector-tile", Empty: true, ETag: true},
		openapi.Op{Method: http.MethodGet, Path: TilesPrefix + "/:file", Tag: "tiles", Optional: true, Summary: "the TileJSON of a tileset: {tileset}.json",
			Response: "TileJSON"},
	)
	return ops
}

// anyType is op answering any media type (a report in the format asked).
func anyType(op openapi.Op) openapi.Op {
	op.ResponseType = "*/*"
	return op
}

// geoJSON is op answering GeoJSON without an ETag.
func geoJSON(op openapi.Op) openapi.Op {
	op.ResponseType, op.ETag = GeoJSONContentType, false
	return op
}

// noContent is op answering 204 No Content.
func noContent(op openapi.Op) openapi.Op {
	op.Status = http.StatusNoContent
	return op
}

// created is op answering 201 Created.
func created(op openapi.Op) openapi.Op {
	op.Status = http.StatusCreated
	return op
}

// openAPI serves the document, built once.
func (s *Server) openAPI() echo.HandlerFunc {
	build := sync.OnceValues(func() ([]byte, error) {
		return openapi.Document("wangge", "1", "Community grid governance: territory, grid plans, patrols, incidents; "+
			"OGC API – Features at /ogc, vector tiles at /tiles, Open311 GeoReport v2 at /open311/v2.", s.docOps())
	})
	return func(c echo.Context) error {
		b, err := build()
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/vnd.oai.openapi+json;version=3.0", b)
	}
}
