package track

import (
	"encoding/json"
	"fmt"
	"io"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// GeoJSON track decoding (RFC 7946, WGS-84 lon,lat[,alt]). The input is a
// FeatureCollection, streamed feature by feature, or a single Feature:
//
//   - a Point feature is one fix; its time is the "time" (or "timestamp")
//     property, ISO 8601 text or epoch seconds or milliseconds; "accuracy",
//     "speed" (m/s), "bearing", "altitude" and "battery" (percent) are read
//     when present, and a third coordinate is the altitude;
//   - a LineString feature is a track whose per-vertex times are the
//     "times" or "coordTimes" property or coordinateProperties.times, one
//     per vertex; a MultiLineString takes them flat or one array per line.
//
// The "worker" property names the worker; otherwise DecodeOptions.Worker.

// DecodeGeoJSON reads every fix of a GeoJSON FeatureCollection or Feature.
func DecodeGeoJSON(r io.Reader, opts DecodeOptions) ([]patrol.TrackPoint, error) {
	return collect(func(fn func(patrol.TrackPoint) error) error { return ScanGeoJSON(r, opts, fn) })
}

type geoFeature struct {
	Type     string `json:"type"`
	Geometry *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// ScanGeoJSON streams the fixes of a GeoJSON FeatureCollection or Feature
// to fn in document order, stopping at the first error. Errors give the
// index of the feature and the byte offset where the decoder stood before
// it (the end of the previous feature).
func ScanGeoJSON(r io.Reader, opts DecodeOptions, fn func(patrol.TrackPoint) error) error {
	w := newWhere("geojson", opts.Source)
	dec := json.NewDecoder(r)
	syntax := func(err error) error {
		w.offset = dec.InputOffset()
		return w.jsonFail(err)
	}
	if tok, err := dec.Token(); err != nil {
		return syntax(err)
	} else if tok != json.Delim('{') {
		return w.failf("", ErrSyntax, "top level is %v, want an object", tok)
	}
	var typ string
	var single geoFeature // members of a top-level Feature
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		w.offset = dec.InputOffset()
		var derr error
		switch tok {
		case "type":
			derr = dec.Decode(&typ)
		case "geometry":
			derr = dec.Decode(&single.Geometry)
		case "properties":
			derr = dec.Decode(&single.Properties)
		case "features":
			if err := scanFeatures(dec, w, opts.Worker, fn); err != nil {
				return err
			}
			continue
		default:
			var skip json.RawMessage
			derr = dec.Decode(&skip)
		}
		if derr != nil {
			return syntax(derr)
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	switch typ {
	case "FeatureCollection":
		return nil
	case "Feature":
		w.offset = -1
		return featurePoints(w, single, opts.Worker, fn)
	}
	return w.failf("type", ErrUnsupported, "GeoJSON type %q, want FeatureCollection or Feature", typ)
}

// scanFeatures streams the elements of the features array.
func scanFeatures(dec *json.Decoder, w where, worker patrol.WorkerID, fn func(patrol.TrackPoint) error) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return w.failf("features", ErrSyntax, "features is not an array")
	}
	for i := 0; dec.More(); i++ {
		w.feature, w.offset = i, dec.InputOffset()
		var f geoFeature
		if err := dec.Decode(&f); err != nil {
			return w.fail("", ErrSyntax, err)
		}
		if f.Type != "Feature" {
			return w.failf("type", ErrSyntax, "type %q, want Feature", f.Type)
		}
		if err := featurePoints(w, f, worker, fn); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return w.fail("features", ErrSyntax, err)
	}
	return nil
}

// featurePoints emits the fixes of one feature.
func featurePoints(w where, f geoFeature, worker patrol.WorkerID, fn func(patrol.TrackPoint) error) error {
	if f.Geometry == nil {
		return w.fail("geometry", ErrMissingField, nil)
	}
	if s, ok := f.Properties["worker"]; ok && s != nil {
		worker = patrol.WorkerID(fmt.Sprint(s))
	}
	switch f.Geometry.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
			return w.fail("coordinates", ErrSyntax, err)
		}
		p, err := geoPoint(w, c, "coordinates")
		if err != nil {
			return err
		}
		tv, ok := f.Properties["time"]
		if !ok {
			tv, ok = f.Properties["timestamp"]
		}
		if !ok {
			return w.fail("properties.time", ErrMissingField, nil)
		}
		if p.Time, err = parseTimeValue(tv); err != nil {
			return w.badTime("properties.time", err)
		}
		if err := pointProperties(w, &p, f.Properties); err != nil {
			return err
		}
		p.Worker = worker
		return fn(p)
	case "LineString":
		var line [][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &line); err != nil {
			return w.fail("coordinates", ErrSyntax, err)
		}
		return linePoints(w, [][][]float64{line}, f.Properties, worker, fn)
	case "MultiLineString":
		var lines [][][]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &lines); err != nil {
			return w.fail("coordinates", ErrSyntax, err)
		}
		return linePoints(w, lines, f.Properties, worker, fn)
	}
	return w.failf("geometry.type", ErrUnsupported, "geometry %q, want Point, LineString or MultiLineString", f.Geometry.Type)
}

// geoPoint checks one position [lon, lat(, alt)].
func geoPoint(w where, c []float64, field string) (patrol.TrackPoint, error) {
	if len(c) < 2 {
		return patrol.TrackPoint{}, w.failf(field, ErrSyntax, "position has %d numbers, want 2 or 3", len(c))
	}
	if err := w.checkLatLon(c[1], c[0], field, field); err != nil {
		return patrol.TrackPoint{}, err
	}
	p := patrol.TrackPoint{Point: orb.Point{c[0], c[1]}}
	if len(c) > 2 {
		p.Altitude = c[2]
	}
	return p, nil
}

// pointProperties reads the optional numeric properties of a Point fix.
func pointProperties(w where, p *patrol.TrackPoint, props map[string]any) error {
	for _, o := range []struct {
		name string
		dst  *float64
	}{
		{"accuracy", &p.Accuracy}, {"speed", &p.Speed}, {"bearing", &p.Bearing},
		{"altitude", &p.Altitude}, {"battery", &p.Battery},
	} {
		v, ok := props[o.name]
		if !ok || v == nil {
			continue
		}
		x, ok := v.(float64)
		if !ok {
			return w.failf("properties."+o.name, ErrBadValue, "%v is not a number", v)
		}
		*o.dst = x
	}
	return nil
}

// linePoints pairs the vertices of lines with their times.
func linePoints(w where, lines [][][]float64, props map[string]any, worker patrol.WorkerID, fn func(patrol.TrackPoint) error) error {
	field, times := lineTimes(props)
	if times == nil {
		return w.fail("properties.times", ErrMissingField, nil)
	}
	// Times come flat (one per vertex of all lines) or nested (one array
	// per line, as togeojson writes coordTimes of a MultiLineString).
	nested := len(times) == len(lines) && len(lines) > 0
	for _, t := range times {
		if _, ok := t.([]any); !ok {
			nested = false
		}
	}
	k := 0
	for li, line := range lines {
		lt := times
		if nested {
			lt = times[li].([]any)
			k = 0
		}
		for _, c := range line {
			if k >= len(lt) {
				return w.failf(field, ErrSyntax, "fewer times than positions")
			}
			p, err := geoPoint(w, c, "coordinates")
			if err != nil {
				return err
			}
			if p.Time, err = parseTimeValue(lt[k]); err != nil {
				return w.badTime(fmt.Sprintf("%s[%d]", field, k), err)
			}
			k++
			p.Worker = worker
			if err := fn(p); err != nil {
				return err
			}
		}
		if nested && k != len(lt) {
			return w.failf(field, ErrSyntax, "line %d has %d times for %d positions", li, len(lt), len(line))
		}
	}
	if !nested && k != len(times) {
		return w.failf(field, ErrSyntax, "%d times for %d positions", len(times), k)
	}
	return nil
}

// lineTimes finds the per-vertex times array and the name it came under.
func lineTimes(props map[string]any) (string, []any) {
	for _, name := range []string{"times", "coordTimes"} {
		if a, ok := props[name].([]any); ok {
			return "properties." + name, a
		}
	}
	if cp, ok := props["coordinateProperties"].(map[string]any); ok {
		if a, ok := cp["times"].([]any); ok {
			return "properties.coordinateProperties.times", a
		}
	}
	return "", nil
}
