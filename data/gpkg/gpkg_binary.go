package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"wangge/data/internal/codec"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"
)

// GeoPackageBinary (OGC 12-128r18, §2.1.3): "GP", version 0, a flags byte,
// the srs_id, an optional envelope, then standard WKB.
const (
	gpkgSRS          = 4326
	gpkgFlagLE       = 0x01      // B: header and envelope are little-endian
	gpkgFlagEnvelope = 0x01 << 1 // E = 1: envelope [minx, maxx, miny, maxy]
	gpkgFlagEmpty    = 0x01 << 4 // Y: empty geometry
	gpkgHeaderLen    = 8
	gpkgEnvelopeLen  = 32
	gpkgPointLen     = gpkgHeaderLen + 21
)

// errGPKGBlob is wrapped by every error about a malformed geometry blob.
var errGPKGBlob = errors.New("data: malformed GeoPackage geometry")

// gpkgPointBlob encodes a point without an envelope (a point is its own
// envelope; GDAL writes points the same way). It is the hot path of track
// ingest, so it writes the WKB by hand.
func gpkgPointBlob(p orb.Point) []byte {
	b := make([]byte, gpkgPointLen)
	b[0], b[1], b[2], b[3] = 'G', 'P', 0, gpkgFlagLE
	binary.LittleEndian.PutUint32(b[4:], gpkgSRS)
	b[8] = 1 // WKB little-endian
	binary.LittleEndian.PutUint32(b[9:], 1)
	binary.LittleEndian.PutUint64(b[13:], math.Float64bits(p[0]))
	binary.LittleEndian.PutUint64(b[21:], math.Float64bits(p[1]))
	return b
}

// gpkgBlob encodes a geometry with its envelope.
func gpkgBlob(g orb.Geometry) ([]byte, error) {
	if p, ok := g.(orb.Point); ok {
		return gpkgPointBlob(p), nil
	}
	w, err := codec.EncodeWKB(g)
	if err != nil {
		return nil, err
	}
	bound := g.Bound()
	b := make([]byte, gpkgHeaderLen+gpkgEnvelopeLen, gpkgHeaderLen+gpkgEnvelopeLen+len(w))
	b[0], b[1], b[2], b[3] = 'G', 'P', 0, gpkgFlagLE|gpkgFlagEnvelope
	binary.LittleEndian.PutUint32(b[4:], gpkgSRS)
	for i, v := range []float64{bound.Min[0], bound.Max[0], bound.Min[1], bound.Max[1]} {
		binary.LittleEndian.PutUint64(b[gpkgHeaderLen+8*i:], math.Float64bits(v))
	}
	return append(b, w...), nil
}

// gpkgHeader is the parsed header of a geometry blob.
type gpkgHeader struct {
	empty    bool
	envelope []float64 // minx, maxx, miny, maxy[, ...]; nil when absent
	wkb      []byte
}

// gpkgParse checks the header of a geometry blob and splits it.
func gpkgParse(b []byte) (gpkgHeader, error) {
	if len(b) < gpkgHeaderLen || b[0] != 'G' || b[1] != 'P' {
		return gpkgHeader{}, fmt.Errorf("%w: no GP magic", errGPKGBlob)
	}
	if b[2] != 0 {
		return gpkgHeader{}, fmt.Errorf("%w: version %d", errGPKGBlob, b[2])
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return gpkgHeader{}, fmt.Errorf("%w: extended geometry", errGPKGBlob)
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&gpkgFlagLE != 0 {
		order = binary.LittleEndian
	}
	var n int
	switch e := (flags >> 1) & 0x07; e {
	case 0:
	case 1:
		n = 4
	case 2, 3:
		n = 6
	case 4:
		n = 8
	default:
		return gpkgHeader{}, fmt.Errorf("%w: envelope indicator %d", errGPKGBlob, e)
	}
	if len(b) < gpkgHeaderLen+8*n {
		return gpkgHeader{}, fmt.Errorf("%w: short envelope", errGPKGBlob)
	}
	h := gpkgHeader{empty: flags&gpkgFlagEmpty != 0, wkb: b[gpkgHeaderLen+8*n:]}
	if n > 0 {
		h.envelope = make([]float64, n)
		for i := range h.envelope {
			h.envelope[i] = math.Float64frombits(order.Uint64(b[gpkgHeaderLen+8*i:]))
		}
	}
	return h, nil
}

// gpkgMultiPolygon decodes a blob holding a (Multi)Polygon.
func gpkgMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	h, err := gpkgParse(b)
	if err != nil {
		return nil, err
	}
	return codec.DecodeMultiPolygon(h.wkb)
}

// gpkgMultiLineString decodes a blob holding a (Multi)LineString.
func gpkgMultiLineString(b []byte) (orb.MultiLineString, error) {
	h, err := gpkgParse(b)
	if err != nil {
		return nil, err
	}
	return codec.DecodeMultiLineString(h.wkb)
}

// gpkgPoint decodes a blob holding a Point.
func gpkgPoint(b []byte) (orb.Point, error) {
	h, err := gpkgParse(b)
	if err != nil {
		return orb.Point{}, err
	}
	return codec.DecodePoint(h.wkb)
}

// gpkgBound is the envelope of a blob: the header's when present, else
// computed from the WKB. It backs the ST_Min/Max SQL functions that the
// rtree triggers call.
func gpkgBound(b []byte) (orb.Bound, error) {
	h, err := gpkgParse(b)
	if err != nil {
		return orb.Bound{}, err
	}
	if h.envelope != nil {
		return orb.Bound{Min: orb.Point{h.envelope[0], h.envelope[2]}, Max: orb.Point{h.envelope[1], h.envelope[3]}}, nil
	}
	g, err := wkb.Unmarshal(h.wkb)
	if err != nil {
		return orb.Bound{}, fmt.Errorf("%w: %w", errGPKGBlob, err)
	}
	return g.Bound(), nil
}

// gpkgIntersects reports whether a geometry and a box share a point,
// boundaries included (the meaning of ST_Intersects).
func gpkgIntersects(g orb.Geometry, box orb.Bound) bool {
	switch g := g.(type) {
	case orb.Point:
		return box.Contains(g)
	case orb.MultiPolygon:
		if !g.Bound().Intersects(box) {
			return false
		}
		for _, poly := range g {
			for _, ring := range poly {
				if gpkgPathHitsBox(ring, box) {
					return true
				}
			}
		}
		// No edge touches the box: it is wholly inside or wholly outside.
		return planar.MultiPolygonContains(g, box.Min)
	case orb.MultiLineString:
		if !g.Bound().Intersects(box) {
			return false
		}
		for _, line := range g {
			if gpkgPathHitsBox(line, box) {
				return true
			}
		}
		return false
	}
	return g.Bound().Intersects(box)
}

// gpkgPathHitsBox reports whether any segment of a ring or line meets the
// box.
func gpkgPathHitsBox(path []orb.Point, box orb.Bound) bool {
	for i := 1; i < len(path); i++ {
		if gpkgSegmentHitsBox(path[i-1], path[i], box) {
			return true
		}
	}
	return false
}

// gpkgSegmentHitsBox clips the segment a–b to the box (Liang–Barsky) and
// reports whether anything is left.
func gpkgSegmentHitsBox(a, b orb.Point, box orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	d := orb.Point{b[0] - a[0], b[1] - a[1]}
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		r := q / p
		if p < 0 {
			if r > t1 {
				return false
			}
			t0 = max(t0, r)
		} else {
			if r < t0 {
				return false
			}
			t1 = min(t1, r)
		}
		return true
	}
	return clip(-d[0], a[0]-box.Min[0]) && clip(d[0], box.Max[0]-a[0]) &&
		clip(-d[1], a[1]-box.Min[1]) && clip(d[1], box.Max[1]-a[1])
}
