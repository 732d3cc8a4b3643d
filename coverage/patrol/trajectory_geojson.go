package patrol

import (
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"wangge/geo"
)

// simplifyLine is the display line: Douglas-Peucker with a tolerance in
// metres, run in a local metric projection around the first fix
// (geo.NewProjection). The kept vertices are the original fixes, found by
// walking the projected line alongside the simplified one (the simplifier
// keeps a subsequence of its input), so nothing is lost in projecting
// back. Repeated positions are dropped first (the first fix at a position
// is kept). It returns the time of each kept fix beside the line, so that a
// map can replay the day.
func simplifyLine(pts []TrackPoint, tolerance float64) (orb.LineString, []time.Time) {
	if len(pts) == 0 {
		return nil, nil
	}
	proj := geo.NewProjection(pts[0].Point)
	orig := make(orb.LineString, 0, len(pts))
	times := make([]time.Time, 0, len(pts))
	plane := make(orb.LineString, 0, len(pts))
	for _, p := range pts {
		if len(orig) > 0 && orig[len(orig)-1] == p.Point {
			continue
		}
		orig = append(orig, p.Point)
		times = append(times, p.Time)
		plane = append(plane, proj.Forward(p.Point))
	}
	if len(orig) < 3 {
		return orig, times
	}
	kept := simplify.DouglasPeucker(tolerance).LineString(plane.Clone())
	out := make(orb.LineString, 0, len(kept))
	outTimes := make([]time.Time, 0, len(kept))
	j := 0
	for _, k := range kept {
		for j < len(plane) && plane[j] != k {
			j++
		}
		if j == len(plane) {
			break
		}
		out = append(out, orig[j])
		outTimes = append(outTimes, times[j])
		j++
	}
	return out, outTimes
}

// GeoJSON returns the report as a FeatureCollection for a map: the
// simplified line (kind "line", with the figures of the day and "times",
// the time of each of its points, as GPX converters such as togeojson
// write them under coordinateProperties), one Point
// per stop (kind "stop") and one LineString per signal gap straight
// across it (kind "gap"). Times are RFC 3339.
func (r TrajectoryReport) GeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	if len(r.Line) >= 2 {
		f := geojson.NewFeature(r.Line)
		f.Properties = geojson.Properties{
			"kind": "line", "worker": string(r.Worker),
			"start": stamp(r.Start), "end": stamp(r.End), "fixes": r.Fixes,
			"distance_m":      round1(r.Distance),
			"moving_s":        time.Duration(r.Moving).Seconds(),
			"stopped_s":       time.Duration(r.Stopped).Seconds(),
			"gap_s":           time.Duration(r.GapTime).Seconds(),
			"inside_grids_s":  time.Duration(r.Inside).Seconds(),
			"outside_grids_s": time.Duration(r.Outside).Seconds(),
			"stops":           len(r.Stops), "trips": len(r.Trips), "gaps": len(r.Gaps),
			"coordinateProperties": map[string]any{"times": stamps(r.Times)},
		}
		fc.Append(f)
	}
	for i, s := range r.Stops {
		f := geojson.NewFeature(s.Center)
		f.Properties = geojson.Properties{
			"kind": "stop", "index": i, "worker": string(s.Worker),
			"start": stamp(s.Start), "end": stamp(s.End),
			"duration_s": time.Duration(s.Duration).Seconds(),
			"radius_m":   round1(s.Radius), "fixes": s.Fixes,
		}
		fc.Append(f)
	}
	for i, g := range r.Gaps {
		f := geojson.NewFeature(orb.LineString{g.From, g.To})
		f.Properties = geojson.Properties{
			"kind": "gap", "index": i, "worker": string(r.Worker),
			"start": stamp(g.Start), "end": stamp(g.End),
			"duration_s": time.Duration(g.Duration).Seconds(),
			"distance_m": round1(g.Distance),
		}
		fc.Append(f)
	}
	return fc
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

func stamps(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = stamp(t)
	}
	return out
}

// round1 rounds to one decimal (decimetres for lengths in metres).
func round1(x float64) float64 { return math.Round(x*10) / 10 }
