// Package openapi builds the OpenAPI 3.0 document of the server from a
// table of operations: their parameters, bodies and responses named from
// the shared components below, and a problem+json answer for every
// error. The server serves it at /api/openapi.json; its tests load it
// with a validator and check every route and every exchange of the test
// suite against it.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Op is one operation of the API.
type Op struct {
	Method string
	Path   string // in echo syntax: /plans/:id
	Tag    string
	// Summary says what the operation does, in a line.
	Summary string
	// Auth: the operation needs a bearer token (Roles lists which);
	// Optional: a token adds to what the operation shows.
	Auth, Optional bool
	Roles          []string
	// Query names parameters of Params.
	Query []string
	// Body is the schema of the request body in components and BodyType
	// its media type (application/json when empty); none when Body is
	// empty.
	Body, BodyType string
	// Status is the success status (200 when 0), Response the schema of
	// its body in components and ResponseType its media type; a status
	// without a body (204) has no Response.
	Status       int
	Response     string
	ResponseType string
	Example      any  // an example of the success body
	Empty        bool // may also answer 204 No Content
	// ETag: the success response carries an ETag, and a GET whose
	// If-None-Match holds it is answered 304 Not Modified.
	ETag                 bool
	ErrorType, ErrorBody string
}

// Params are the query parameters operations may take.
var Params = map[string]map[string]any{
	"bbox":               qp("bbox", "minLon,minLat,maxLon,maxLat in WGS-84 degrees (in the crs asked for on /api/v1)", str("7.41,43.72,7.44,43.75")),
	"grids-limit":        qp("limit", "page size: every grid, up to 10000, by default", map[string]any{"type": "integer", "minimum": 1, "maximum": 10000, "default": 10000}),
	"limit":              qp("limit", "page size: 100 by default, at most 10000", map[string]any{"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}),
	"after":              qp("after", "keyset paging: the id after which the page starts (from the next link)", str("")),
	"crs":                qp("crs", "coordinates for Chinese basemaps: wgs84 (default), gcj02, bd09", enum("wgs84", "gcj02", "bd09")),
	"from":               qp("from", "start of the window [from, to): RFC 3339 time or YYYY-MM-DD (midnight in the zone)", str("2026-11-05")),
	"to":                 qp("to", "end of the window [from, to), excluded", str("2026-11-06")),
	"tz":                 qp("tz", "IANA time zone of plain dates", str("Asia/Shanghai")),
	"status":             qp("status", "comma list of statuses", str("handling")),
	"grid":               qp("grid", "a grid id", str("G001")),
	"weight":             qp("weight", "the property every block must have (households by default)", str("population")),
	"worker":             qp("worker", "the worker of a batch without one", str("sim-w01")),
	"date":               qp("date", "a day YYYY-MM-DD", str("2026-11-05")),
	"stop_radius":        qp("stop_radius", "metres within which fixes make a stop", map[string]any{"type": "number"}),
	"stop_minutes":       qp("stop_minutes", "minutes a stop lasts at least", map[string]any{"type": "number"}),
	"stop_silence":       qp("stop_silence", "minutes without a fix, ending within stop_radius of where the stop began, that make a stop however short (trackintel's staypoints); 0 or absent: a silence is no stay of its own", map[string]any{"type": "number", "minimum": 0, "default": 0}),
	"res":                qp("res", "H3 resolution", map[string]any{"type": "integer"}),
	"buffer":             qp("buffer", "metres around a track that count as covered", map[string]any{"type": "number"}),
	"layer":              qp("layer", "which layer of the coverage answer", str("gaps")),
	"by":                 qp("by", "group counts by", str("category")),
	"step":               qp("step", "length of a period", str("day")),
	"days":               qp("days", "days of stops to look back", map[string]any{"type": "integer"}),
	"page":               qp("page", "page number, from 1", map[string]any{"type": "integer", "minimum": 1, "default": 1}),
	"page_size":          qp("page_size", "requests a page: 100 by default, at most 1000", map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
	"service_request_id": qp("service_request_id", "comma list of request ids", str("")),
	"service_code":       qp("service_code", "comma list of service codes", str("litter")),
	"start_date":         qp("start_date", "start of the window (Open311)", str("2026-11-01")),
	"end_date":           qp("end_date", "end of the window, excluded (Open311)", str("2026-12-01")),
	"id":                 qp("id", "the device id (OsmAnd, Traccar)", str("phone-17")),
	"lat":                qp("lat", "latitude", map[string]any{"type": "number"}),
	"lon":                qp("lon", "longitude", map[string]any{"type": "number"}),
	"timestamp":          qp("timestamp", "time of the fix, Unix seconds or RFC 3339", str("")),
	"speed":              qp("speed", "speed", map[string]any{"type": "number"}),
	"bearing":            qp("bearing", "bearing", map[string]any{"type": "number"}),
	"altitude":           qp("altitude", "altitude", map[string]any{"type": "number"}),
	"accuracy":           qp("accuracy", "accuracy in metres", map[string]any{"type": "number"}),
	"batt":               qp("batt", "battery level", map[string]any{"type": "number"}),
	"datetime":           qp("datetime", "OGC datetime: an instant, a date, or start/end with .. for an open side", str("2026-11-05/..")),
	"ogc-limit":          qp("limit", "page size: 100 by default, at most 10000 (larger is cut to 10000)", map[string]any{"type": "integer", "minimum": 1, "default": 100}),
	"ogc-bbox":           qp("bbox", "minLon,minLat,maxLon,maxLat in CRS84", str("7.41,43.72,7.44,43.75")),
	"ogc-crs":            qp("crs", "output CRS: a URI the collection lists (or wgs84, gcj02, bd09)", str("http://www.opengis.net/def/crs/OGC/1.3/CRS84")),
	"bbox-crs":           qp("bbox-crs", "CRS of bbox: CRS84 only", str("http://www.opengis.net/def/crs/OGC/1.3/CRS84")),
	"offset":             qp("offset", "position of the page's first feature (prev links)", map[string]any{"type": "integer", "minimum": 0}),
	"f":                  qp("f", "format: json", enum("json", "geojson")),
	"force":              qp("force", "publish even when the plan has errors (audit-logged)", map[string]any{"type": "boolean", "default": false}),
	"name":               qp("name", "the plan's name", str("2026 plan")),
	"min":                qp("min", "bounds mode: the fewest of the weight a basic grid holds", map[string]any{"type": "number"}),
	"max":                qp("max", "bounds mode: the most of the weight a basic grid holds", map[string]any{"type": "number"}),
	"count":              qp("count", "count mode: how many basic grids", map[string]any{"type": "integer"}),
	"tolerance":          qp("tolerance", "count mode: the share a grid may differ from the mean", map[string]any{"type": "number"}),
	"gap":                qp("gap", "metres across a street within which blocks are neighbours", map[string]any{"type": "number"}),
	"seed":               qp("seed", "seed of the drawing", map[string]any{"type": "integer"}),
	"dedicated":          qp("dedicated", "FIELD=V1,V2: blocks that get dedicated grids", str("kind=school,hospital")),
	"within":             qp("within", "the block property naming each block's parent area", str("community")),
	"code_prefix":        qp("code_prefix", "12 digits of the area code that grid codes start with", str("370402001001")),
	"id_field":           qp("id_field", "the property of a hand-drawn grid holding its id", str("id")),
	"version":            qp("version", "a version of the plan (the latest when absent)", map[string]any{"type": "integer", "minimum": 1}),
	"plan-to":            qp("to", "the plan compared with (the same plan when absent)", str("monaco-demo")),
	"to_version":         qp("to_version", "a version of the plan compared with", map[string]any{"type": "integer", "minimum": 1}),
	"month":              qp("month", "a month YYYY-MM", str("2026-11")),
	"format":             qp("format", "json, csv or xlsx", enum("json", "csv", "xlsx")),
	"lang":               qp("lang", "headers in Chinese (zh, the default) or English (en)", enum("zh", "en")),
}

func qp(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

func str(example string) map[string]any {
	s := map[string]any{"type": "string"}
	if example != "" {
		s["example"] = example
	}
	return s
}

func enum(vals ...string) map[string]any {
	return map[string]any{"type": "string", "enum": vals}
}

var pathParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// Path turns an echo path into an OpenAPI path.
func Path(echoPath string) string {
	return pathParam.ReplaceAllString(echoPath, "{$1}")
}

// Document builds the OpenAPI document of ops.
func Document(title, version, description string, ops []Op) ([]byte, error) {
	paths := map[string]map[string]any{}
	for _, op := range ops {
		p := Path(op.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		lower := map[string]string{http.MethodGet: "get", http.MethodPost: "post", http.MethodDelete: "delete", http.MethodPut: "put"}[op.Method]
		if lower == "" {
			return nil, fmt.Errorf("openapi: %s %s: method not described", op.Method, op.Path)
		}
		if _, dup := paths[p][lower]; dup {
			return nil, fmt.Errorf("openapi: %s %s twice", op.Method, p)
		}
		item, err := operation(op, p)
		if err != nil {
			return nil, err
		}
		paths[p][lower] = item
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": title, "version": version, "description": description},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API token wg_…, made by `wangge token create`"}},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func operation(op Op, path string) (map[string]any, error) {
	params := []any{}
	for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, name := range op.Query {
		q, ok := Params[name]
		if !ok {
			return nil, fmt.Errorf("openapi: %s %s: no parameter %q", op.Method, path, name)
		}
		params = append(params, q)
	}
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	success := map[string]any{"description": http.StatusText(status)}
	if op.Response != "" {
		typ := op.ResponseType
		if typ == "" {
			typ = "application/json"
		}
		media := map[string]any{"schema": ref(op.Response)}
		if op.Example != nil {
			media["example"] = op.Example
		}
		success["content"] = map[string]any{typ: media}
	}
	errType, errBody := op.ErrorType, op.ErrorBody
	if errType == "" {
		errType, errBody = "application/problem+json", "Problem"
	}
	responses := map[string]any{
		strconv.Itoa(status): success,
		"default": map[string]any{"description": "an error: what went wrong and what to do",
			"content": map[string]any{errType: map[string]any{"schema": ref(errBody)}}},
	}
	if op.Empty {
		responses["204"] = map[string]any{"description": "No Content"}
	}
	if op.ETag {
		responses["304"] = map[string]any{"description": "Not Modified: the If-None-Match ETag is current"}
	}
	out := map[string]any{"summary": op.Summary, "operationId": op.Method + " " + path, "parameters": params, "responses": responses}
	if op.Tag != "" {
		out["tags"] = []string{op.Tag}
	}
	switch {
	case op.Auth:
		out["security"] = []any{map[string]any{"bearer": []string{}}}
		if len(op.Roles) > 0 {
			out["description"] = "Roles: " + fmt.Sprint(op.Roles)
		}
	case op.Optional:
		out["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
	}
	if op.Body != "" {
		typ := op.BodyType
		if typ == "" {
			typ = "application/json"
		}
		content := map[string]any{}
		for _, t := range strings.Split(typ, ",") {
			content[strings.TrimSpace(t)] = map[string]any{"schema": ref(op.Body)}
		}
		out["requestBody"] = map[string]any{"required": true, "content": content}
	}
	return out, nil
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}
