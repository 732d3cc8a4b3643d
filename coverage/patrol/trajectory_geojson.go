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
// back. Repeated positions are dropped first.
func simplifyLine(pts []TrackPoint, tolerance float64) orb.LineString {
	if len(pts) == 0 {
		return nil
	}
	proj := geo.NewProjection(pts[0].Point)
	orig := make(orb.LineString, 0, len(pts))
	plane := make(orb.LineString, 0, len(pts))
	for _, p := range pts {
		if len(orig) > 0 && orig[len(orig)-1] == p.Point {
			continue
		}
		orig = append(orig, p.Point)
		plane = append(plane, proj.Forward(p.Point))
	}
	if len(orig) < 3 {
		return orig
	}
	kept := simplify.DouglasPeucker(tolerance).LineString(plane.Clone())
	out := make(orb.LineString, 0, len(kept))
	j := 0
	for _, k := range kept {
		for j < len(plane) && plane[j] != k {
			j++
		}
		if j == len(plane) {
			break
		}
		out = append(out, orig[j])
		j++
	}
	return out
}

// GeoJSON returns the report as a FeatureCollection for a map: the
// simplified line (kind "line", with the figures of the day), one Point
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

// round1 rounds to one decimal (decimetres for lengths in metres).
func round1(x float64) float64 { return math.Round(x*10) / 10 }
