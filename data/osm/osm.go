package osm

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/osm"

	"wangge/data/progress"
	"wangge/geo"
	"wangge/partition"
)

// OSMAttribution must be shown wherever data derived from OpenStreetMap is.
const OSMAttribution = "© OpenStreetMap contributors, ODbL"

// Options are the parameters of Import. Zero fields take the
// defaults named.
type Options struct {
	// File names the input in errors and warnings.
	File string
	// Highways are the highway classes that bound blocks
	// (DefaultCuttingHighways when empty).
	Highways []string
	// MinBlockM2 is the area below which a face of the road network is
	// merged into its neighbour (500 m²).
	MinBlockM2 float64
	// Levels is the number of storeys assumed for a home without
	// building:levels (0: DefaultLevels of the extract's country, else
	// FallbackLevels).
	Levels float64
	// DwellingM2 is the average floor area of one dwelling (90 m²).
	DwellingM2 float64
	// HouseholdSize is the average number of people per household (2.5);
	// population is households times this, an estimate.
	HouseholdSize float64
	// Progress, when set, is where a progress bar is drawn (a terminal).
	Progress io.Writer
	// Size is the input's length in bytes, for the progress bar (0:
	// unknown).
	Size int64
}

func (o Options) withDefaults() Options {
	if len(o.Highways) == 0 {
		o.Highways = DefaultCuttingHighways
	}
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinBlockM2, 500)
	def(&o.DwellingM2, 90)
	def(&o.HouseholdSize, 2.5)
	if o.File == "" {
		o.File = "OSM input"
	}
	return o
}

// Road is one highway way, kept as a map layer.
type Road struct {
	ID      osm.WayID
	Highway string
	Name    string
	Cuts    bool // bounds blocks
	Line    orb.LineString
}

// Result is what Import derived from an extract.
type Result struct {
	Blocks    []partition.Block
	Buildings []partition.Building
	Roads     []Road
	// Boundary is the administrative area the blocks were clipped to, and
	// BoundaryName its name; empty when the extract holds no complete
	// boundary around its roads and the blocks are the faces of the road
	// network as they are.
	Boundary     orb.MultiPolygon
	BoundaryName string
	// ResidentialBuildings counts the buildings taken as homes, and
	// Dwellings the households estimated in all buildings.
	ResidentialBuildings int
	Dwellings            int
	// Homes counts the homes by the source of their households; its
	// TaggedShare is the share resting on a tagged count or levels.
	Homes HouseholdTally
	// Country is the ISO 3166-1 code of the extract's country boundary
	// (empty when it holds none) and DefaultLevels the storeys assumed for
	// homes without building:levels.
	Country       string
	DefaultLevels float64
	// MissingNodes counts node references of ways that the extract does not
	// hold, in WaysMissingNodes ways; such ways keep their present runs.
	MissingNodes, WaysMissingNodes int
	// Warnings are one line each, for the report.
	Warnings []string
}

// BlocksByKind counts the blocks of each kind.
func (res *Result) BlocksByKind() map[string]int {
	m := make(map[string]int)
	for _, b := range res.Blocks {
		m[b.Kind]++
	}
	return m
}

// Import derives street blocks, buildings and roads from an OSM extract
// (PBF or OSM XML) read from r:
//
//   - blocks are the faces, polygonised by geo.Polygonize, of the streets
//     (highway ways of the cutting classes, see CutsBlocks), railways and
//     rivers on the surface, the coastline and the outlines of institutions
//     (a campus is a block of its own), within an outline: the complete
//     administrative boundary (lowest admin_level) around at least half of
//     the street nodes when the extract holds one, else the convex hull of
//     the streets and buildings. Faces on the sea side of the coastline are
//     dropped; faces under MinBlockM2 merge into the neighbour they share
//     the longest border with (geo.MergeFaces);
//   - buildings (ways and multipolygon relations with building=*) are
//     assigned to the block holding an interior point of theirs, and their
//     households estimated by buildingHouseholds (residential rule in
//     isResidential); a block's households are its buildings' sum, its
//     population households × HouseholdSize;
//   - a block's kind and name are those of the area covering most of it
//     (coverKinds; an institution covering at least 40% wins, any other
//     area needs 25%), else "residential" when it has households, else
//     "other".
//
// A file that is not OSM, is corrupt or truncated, or holds no streets
// that enclose a block is rejected with an *Error; ways with missing
// nodes are warned about, counted, and used with the nodes present.
func Import(ctx context.Context, r io.Reader, opts Options) (*Result, error) {
	o := opts.withDefaults()
	bar := progress.New(o.Progress, "read "+o.File, o.Size, progress.Bytes)
	d, err := readOSM(ctx, bar.Reader(r), o.File)
	bar.Done()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	classes := make(map[string]bool, len(o.Highways))
	for _, h := range o.Highways {
		classes[h] = true
	}
	lines := res.collectRoads(d, classes)
	if res.WaysMissingNodes > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d ways miss %d node references; their present parts are used",
			o.File, res.WaysMissingNodes, res.MissingNodes))
	}
	if len(lines) == 0 {
		return nil, &Error{File: o.File, Err: fmt.Errorf("%w (classes %v)", ErrNoRoads, o.Highways)}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all, keep := res.cutLines(d, lines)
	faces, invalid := geo.Blocks(all, keep, o.MinBlockM2)
	for _, err := range invalid {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: block face dropped: %v", o.File, err))
	}
	if len(faces) == 0 {
		return nil, &Error{File: o.File, Err: ErrNoBlocks}
	}
	for _, m := range faces {
		res.Blocks = append(res.Blocks, partition.Block{
			ID:       blockID(m),
			Geometry: orb.MultiPolygon{m},
			Attrs:    map[string]string{"source": "osm"},
		})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.classifyBlocks(d)
	res.addBuildings(d, o)
	return res, nil
}

// collectRoads keeps every highway way as a road and returns the lines of
// those that cut blocks.
func (res *Result) collectRoads(d *osmData, classes map[string]bool) []orb.LineString {
	var lines []orb.LineString
	for _, w := range d.ways {
		hw := w.Tags.Find("highway")
		runs, missing := d.wayLines(w)
		if missing > 0 {
			res.MissingNodes += missing
			res.WaysMissingNodes++
		}
		if hw == "" {
			continue
		}
		cuts := CutsBlocks(w.Tags, classes)
		for _, run := range runs {
			res.Roads = append(res.Roads, Road{ID: w.ID, Highway: hw, Name: w.Tags.Find("name"), Cuts: cuts, Line: run})
			if cuts {
				lines = append(lines, run)
			}
		}
	}
	return lines
}

// BlocksGeoJSON is the blocks as a FeatureCollection with the properties
// the partition engine reads (id, kind, name, households, population) and
// the attribution.
func (res *Result) BlocksGeoJSON() *geojson.FeatureCollection {
	return attributed(len(res.Blocks), func(i int) *geojson.Feature {
		b := res.Blocks[i]
		f := geojson.NewFeature(b.Geometry)
		f.Properties = geojson.Properties{
			"id": string(b.ID), "kind": b.Kind, "name": b.Name,
			"households": b.Households, "population": b.Population,
		}
		for k, v := range b.Attrs {
			if _, ok := f.Properties[k]; !ok {
				f.Properties[k] = v
			}
		}
		return f
	})
}

// RoadsGeoJSON is the roads layer as a FeatureCollection of LineStrings.
func (res *Result) RoadsGeoJSON() *geojson.FeatureCollection {
	return attributed(len(res.Roads), func(i int) *geojson.Feature {
		rd := res.Roads[i]
		f := geojson.NewFeature(rd.Line)
		f.Properties = geojson.Properties{
			"osm_id": int64(rd.ID), "highway": rd.Highway, "name": rd.Name, "cuts_blocks": rd.Cuts,
		}
		return f
	})
}

// attributed is a FeatureCollection of n features, carrying the OSM
// attribution as a foreign member.
func attributed(n int, feature func(i int) *geojson.Feature) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for i := 0; i < n; i++ {
		fc.Append(feature(i))
	}
	fc.ExtraMembers = geojson.Properties{"attribution": OSMAttribution}
	return fc
}

// blockID derives a block's id from its geometry, so that importing the
// same data again gives the same ids and other data other ids: "osm-" and
// the first 12 hex digits of the SHA-256 of its rings, each rotated to
// start at its least vertex, coordinates at 7 decimals.
func blockID(p orb.Polygon) partition.BlockID {
	h := sha256.New()
	for _, r := range p {
		r = orb.Round(slices.Clone(r), 1e7).(orb.Ring)
		if len(r) > 1 && r[0] == r[len(r)-1] {
			r = r[:len(r)-1]
		}
		k := 0
		for i, pt := range r {
			if pt[0] < r[k][0] || (pt[0] == r[k][0] && pt[1] < r[k][1]) {
				k = i
			}
		}
		for i := range r {
			pt := r[(k+i)%len(r)]
			fmt.Fprintf(h, "%.7f %.7f,", pt[0], pt[1])
		}
		h.Write([]byte{';'})
	}
	return partition.BlockID(fmt.Sprintf("osm-%x", h.Sum(nil)[:6]))
}
