package server

import (
	"github.com/paulmach/orb"

	"wangge/geo"
)

// crs is a coordinate system a client may ask for with ?crs=. Storage is
// always WGS-84; Chinese web basemaps need GCJ-02 (AMap/Gaode, Tencent) or
// BD-09 (Baidu), and a map drawn on them sends its bbox in the same system.
type crs string

// The coordinate systems of ?crs=.
const (
	crsWGS84 crs = "wgs84"
	crsGCJ02 crs = "gcj02"
	crsBD09  crs = "bd09"
)

// parseCRS reads the value of ?crs=.
func parseCRS(v string) (crs, error) {
	switch c := crs(v); c {
	case crsWGS84, crsGCJ02, crsBD09:
		return c, nil
	}
	return "", &ParamError{Param: "crs", Value: v, Reason: "want wgs84 (the default), gcj02 (AMap, Tencent) or bd09 (Baidu)"}
}

// fromWGS84 converts a stored point into c.
func (c crs) fromWGS84(p orb.Point) orb.Point {
	switch c {
	case crsGCJ02:
		return geo.WGS84ToGCJ02(p)
	case crsBD09:
		return geo.WGS84ToBD09(p)
	}
	return p
}

// toWGS84 converts a point given in c into WGS-84.
func (c crs) toWGS84(p orb.Point) orb.Point {
	switch c {
	case crsGCJ02:
		return geo.GCJ02ToWGS84(p)
	case crsBD09:
		return geo.BD09ToWGS84(p)
	}
	return p
}

// boundToWGS84 converts a box given in c: the box around its converted
// corners. The offset changes slowly across a map view, so that box
// stands in for the image of the whole box.
func (c crs) boundToWGS84(b orb.Bound) orb.Bound {
	if c == crsWGS84 {
		return b
	}
	out := orb.Bound{Min: c.toWGS84(b.Min), Max: c.toWGS84(b.Min)}
	for _, p := range []orb.Point{b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		out = out.Extend(c.toWGS84(p))
	}
	return out
}
