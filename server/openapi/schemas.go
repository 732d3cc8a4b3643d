package openapi

// obj is an object schema with the properties given and any others.
func obj(props map[string]any, required ...string) map[string]any {
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func typ(t string) map[string]any { return map[string]any{"type": t} }

func arrayOf(items map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": items}
}

var (
	anyValue = map[string]any{}
	link     = obj(map[string]any{"rel": typ("string"), "href": typ("string"), "type": typ("string"), "title": typ("string")}, "rel", "href")
)

// schemas are the components every operation names.
var schemas = map[string]any{
	"Problem": obj(map[string]any{
		"type": typ("string"), "title": typ("string"), "status": typ("integer"), "detail": typ("string"),
		"instance": typ("string"), "request_id": typ("string"),
		"invalid_params": arrayOf(obj(map[string]any{"name": typ("string"), "reason": typ("string")}, "name", "reason")),
	}, "type", "title", "status", "detail"),
	"Link": link,
	"Geometry": map[string]any{"type": "object", "nullable": true, "required": []string{"type"},
		"properties": map[string]any{"type": enumOf("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"), "coordinates": arrayOf(anyValue)}},
	"Feature": obj(map[string]any{
		"type": enumOf("Feature"), "id": map[string]any{"oneOf": []any{typ("string"), typ("integer")}},
		"geometry":   map[string]any{"$ref": "#/components/schemas/Geometry"},
		"properties": map[string]any{"type": "object", "nullable": true},
	}, "type", "geometry", "properties"),
	"FeatureCollection": obj(map[string]any{
		"type": enumOf("FeatureCollection"), "features": arrayOf(ref("Feature")),
		"numberMatched": map[string]any{"type": "integer", "minimum": 0}, "numberReturned": map[string]any{"type": "integer", "minimum": 0},
		"links": arrayOf(link),
	}, "type", "features"),
	"Object":   typ("object"),
	"Any":      anyValue,
	"Upserted": obj(map[string]any{"upserted": typ("integer")}, "upserted"),
	"PlanRequest": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		"name": typ("string"), "weight": typ("string"), "min": typ("number"), "max": typ("number"), "count": typ("integer"),
		"tolerance": typ("number"), "dedicated": typ("string"), "within": typ("string"), "gap": typ("number"),
		"seed": typ("integer"), "code_prefix": typ("string")},
		"example": map[string]any{"name": "2026 plan", "weight": "households", "min": 150, "max": 500, "dedicated": "kind=school,hospital"}},
	"PlanSummary": obj(map[string]any{"id": typ("string"), "name": typ("string"), "status": typ("string"),
		"params": typ("object"), "created": typ("string"), "published": typ("string"), "grids": typ("integer"), "links": arrayOf(link)},
		"id", "status"),
	"Plans": obj(map[string]any{"plans": arrayOf(ref("PlanSummary")), "links": arrayOf(link)}, "plans"),
	"Plan":  obj(map[string]any{"plan": ref("PlanSummary"), "report": typ("object")}, "plan"),
	"IncidentRequest": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		"category": typ("string"), "description": typ("string"), "address": typ("string"), "media_url": typ("string"),
		"location": map[string]any{"type": "array", "items": typ("number"), "minItems": 2, "maxItems": 2, "nullable": true},
		"status":   typ("string"), "note": typ("string"), "reporter": typ("string")},
		"example": map[string]any{"category": "litter", "description": "bins overflowing", "location": []float64{7.4246, 43.7384}}},
	"Transition": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		"to": typ("string"), "note": typ("string"), "satisfied": map[string]any{"type": "boolean", "nullable": true},
		"score": typ("integer"), "duplicate_of": typ("string")}, "required": []string{"to"},
		"example": map[string]any{"to": "accepted", "note": "on my way"}},
	"Worker": obj(map[string]any{"id": typ("string"), "name": typ("string"), "role": typ("string"), "device_id": typ("string"),
		"grids": arrayOf(typ("string"))}, "id"),
	"Workers":     obj(map[string]any{"workers": arrayOf(ref("Worker")), "links": arrayOf(link)}, "workers"),
	"WorkerBatch": map[string]any{"oneOf": []any{ref("Worker"), arrayOf(ref("Worker"))}},
	"TrackBatch": map[string]any{"type": "object", "description": "a batch {worker, points: [{time, lon, lat, accuracy, speed, bearing, altitude, battery}]} or a GeoJSON FeatureCollection of Points with a time property",
		"properties": map[string]any{"type": typ("string"), "worker": typ("string"), "points": arrayOf(typ("object")), "features": arrayOf(typ("object"))},
		"example":    map[string]any{"worker": "sim-w01", "points": []any{map[string]any{"time": "2026-11-05T08:00:00+08:00", "lon": 7.4246, "lat": 43.7384}}}},
	"KeyPlaces": arrayOf(obj(map[string]any{"id": typ("string"), "category": typ("string"), "lon": typ("number"), "lat": typ("number"),
		"grid": typ("string"), "visit_interval_days": typ("number"), "last_visited": typ("string")}, "id", "category", "lon", "lat", "grid", "visit_interval_days")),
	"OwnTracks":     typ("object"),
	"Open311Errors": arrayOf(obj(map[string]any{"code": typ("integer"), "description": typ("string")}, "code", "description")),
	"Open311Form":   typ("object"),
	"Open311List":   arrayOf(typ("object")),
	"Open311XML":    typ("string"),
	"Landing":       obj(map[string]any{"title": typ("string"), "description": typ("string"), "links": arrayOf(link)}, "links"),
	"Conformance":   obj(map[string]any{"conformsTo": arrayOf(typ("string"))}, "conformsTo"),
	"Collection": obj(map[string]any{"id": typ("string"), "title": typ("string"), "description": typ("string"), "itemType": typ("string"),
		"crs": arrayOf(typ("string")), "storageCrs": typ("string"), "links": arrayOf(link)}, "id", "links"),
	"Collections": obj(map[string]any{"links": arrayOf(link), "collections": arrayOf(ref("Collection"))}, "links", "collections"),
	"Queryables":  obj(map[string]any{"$id": typ("string"), "type": typ("string"), "title": typ("string"), "properties": typ("object")}, "type", "properties"),
	"Tile":        map[string]any{"type": "string", "format": "binary"},
	"TileJSON": obj(map[string]any{"tilejson": typ("string"), "name": typ("string"), "tiles": arrayOf(typ("string")), "minzoom": typ("integer"),
		"maxzoom": typ("integer"), "bounds": arrayOf(typ("number")), "vector_layers": arrayOf(typ("object"))}, "tilejson", "tiles", "vector_layers"),
	"Text": typ("string"),
}

func enumOf(vals ...string) map[string]any {
	v := make([]any, len(vals))
	for i, s := range vals {
		v[i] = s
	}
	return map[string]any{"type": "string", "enum": v}
}
