package layers

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/data/osm"
	"wangge/geo"
	"wangge/partition"
)

// Options say which layers hold the territory and how to read them.
type Options struct {
	// Streets are lines (LineString, MultiLineString) that bound blocks;
	// needed unless Blocks is given.
	Streets Layer
	// Buildings are polygons; their households are summed into the block
	// holding each (osm.BuildingPoint).
	Buildings Layer
	// Blocks are polygons given as they are, instead of blocks made from
	// the streets.
	Blocks Layer
	// Fields maps a field onto the column or property holding it; a
	// field not mapped is read under DefaultFields' name. Fields: id (of
	// blocks and buildings), name, class (of streets), kind (of
	// buildings, as OSM's building=*), levels, flats (of buildings) and
	// households (of blocks).
	Fields map[string]string
	// Classes are the street classes (the class field) that bound blocks;
	// a street without a class always does. Empty: osm.DefaultCuttingHighways.
	Classes []string
	// UntaggedHomes counts a building without a kind (or "yes") as a
	// home, as if it stood in residential land use, which layers do not
	// carry.
	UntaggedHomes bool
	// MinBlockM2, DwellingM2 and HouseholdSize are as in osm.Options
	// (500 m², 90 m², 2.5); Levels and Country give the storeys of a home
	// whose levels are not given (osm.LevelsFor).
	MinBlockM2, DwellingM2, HouseholdSize, Levels float64
	Country                                       string
}

// DefaultFields are the columns fields are read from unless mapped: the
// names of OpenStreetMap tags, which ogr2ogr exports keep.
var DefaultFields = map[string]string{
	"id": "id", "name": "name", "class": "highway", "kind": "building",
	"levels": "building:levels", "flats": "building:flats", "households": "households",
}

// Result is the territory read from the layers.
type Result struct {
	Blocks    []partition.Block
	Buildings []partition.Building
	Roads     []partition.Road
	// Homes counts the homes by the source of their households (its
	// TaggedShare is the share with a count or levels given), and
	// DefaultLevels is the storeys assumed where none are.
	Homes         osm.HouseholdTally
	DefaultLevels float64
	Warnings      []string
}

func (o Options) field(name string) string { return cmp.Or(o.Fields[name], DefaultFields[name]) }

// Import reads the layers of o and builds blocks (from Blocks, or from
// Streets through geo.Blocks within the convex hull of the streets and
// buildings, as osm.Import does for an extract without a boundary), the
// buildings with their households (the flats field, else osm.Households)
// and the streets as roads. Each block says how its households were
// obtained (households_from: field, or osm.HouseholdTally.From). A
// feature of the wrong geometry or a mapped number that does not parse
// rejects the import with an error naming the layer, feature and field.
func Import(ctx context.Context, o Options) (*Result, error) {
	for f := range o.Fields {
		if _, ok := DefaultFields[f]; !ok {
			return nil, fmt.Errorf("%w: no field %q", ErrMapping, f)
		}
	}
	if len(o.Classes) == 0 {
		o.Classes = osm.DefaultCuttingHighways
	}
	res := &Result{DefaultLevels: osm.LevelsFor(o.Levels, o.Country), Homes: osm.HouseholdTally{}}
	buildings, err := o.buildings(ctx)
	if err != nil {
		return nil, err
	}
	if o.Blocks.File != "" {
		err = res.readBlocks(ctx, o)
	} else {
		err = res.streetBlocks(ctx, o, buildings)
	}
	if err != nil {
		return nil, err
	}
	res.addBuildings(o, buildings)
	return res, nil
}

// building is a building polygon with its row.
type building struct {
	geom  orb.MultiPolygon
	props map[string]string
}

// buildings reads the buildings layer: polygons, oriented.
func (o Options) buildings(ctx context.Context) ([]building, error) {
	if o.Buildings.File == "" {
		return nil, nil
	}
	feats, err := o.Buildings.read(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]building, 0, len(feats))
	for i, f := range feats {
		mp, err := polygons(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("%s: feature %d: %w", o.Buildings, i, err)
		}
		out = append(out, building{geom: mp, props: f.Properties})
	}
	return out, nil
}

// streetBlocks makes the blocks from the streets layer.
func (res *Result) streetBlocks(ctx context.Context, o Options, buildings []building) error {
	if o.Streets.File == "" {
		return fmt.Errorf("%w: give a streets layer or a blocks layer", ErrNoStreets)
	}
	feats, err := o.Streets.read(ctx)
	if err != nil {
		return err
	}
	var lines []orb.LineString
	var pts []orb.Point
	for i, f := range feats {
		var mls orb.MultiLineString
		switch g := f.Geometry.(type) {
		case orb.LineString:
			mls = orb.MultiLineString{g}
		case orb.MultiLineString:
			mls = g
		default:
			return fmt.Errorf("%s: feature %d: %w: %s, want a LineString or MultiLineString", o.Streets, i, ErrGeometry, geomType(f.Geometry))
		}
		class := f.Properties[o.field("class")]
		res.Roads = append(res.Roads, partition.Road{ID: partition.RoadID(cmp.Or(f.Properties[o.field("id")], strconv.Itoa(i+1))),
			Class: class, Name: f.Properties[o.field("name")], Geometry: mls})
		if class != "" && !slices.Contains(o.Classes, class) {
			continue
		}
		for _, l := range mls {
			lines = append(lines, l)
			pts = append(pts, l...)
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("%s: %w: no street of the classes %v", o.Streets, ErrNoStreets, o.Classes)
	}
	for _, b := range buildings {
		for _, p := range b.geom {
			pts = append(pts, p[0]...)
		}
	}
	var keep func(orb.Point) bool
	if hull := geo.ConvexHull(pts); hull != nil {
		outline := orb.Polygon{hull}
		lines = append(lines, orb.LineString(hull))
		keep = func(p orb.Point) bool { return planar.PolygonContains(outline, p) }
	}
	faces, invalid := geo.Blocks(lines, keep, cmp.Or(o.MinBlockM2, 500))
	for _, err := range invalid {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: block face dropped: %v", o.Streets, err))
	}
	if len(faces) == 0 {
		return fmt.Errorf("%s: %w: the streets enclose no block", o.Streets, ErrNoStreets)
	}
	for i, f := range faces {
		res.Blocks = append(res.Blocks, partition.Block{ID: partition.BlockID(fmt.Sprintf("layers-%05d", i+1)),
			Geometry: orb.MultiPolygon{f}, Attrs: map[string]string{"source": o.Streets.String()}})
	}
	return nil
}

// readBlocks takes the blocks layer as it is, with households from the
// households field when it has one.
func (res *Result) readBlocks(ctx context.Context, o Options) error {
	feats, err := o.Blocks.read(ctx)
	if err != nil {
		return err
	}
	for i, f := range feats {
		mp, err := polygons(f.Geometry)
		if err == nil {
			err = geo.Validate(mp)
		}
		if err != nil {
			return fmt.Errorf("%s: feature %d: %w: %w", o.Blocks, i, ErrGeometry, err)
		}
		b := partition.Block{ID: partition.BlockID(cmp.Or(f.Properties[o.field("id")], fmt.Sprintf("layers-%05d", i+1))),
			Name: f.Properties[o.field("name")], Geometry: mp, Attrs: map[string]string{"source": o.Blocks.String()}}
		if v, ok := f.Properties[o.field("households")]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("%s: feature %d: %s: %w: %q is not a count", o.Blocks, i, o.field("households"), ErrField, v)
			}
			b.Households, b.Attrs["households_from"] = n, "field"
		}
		res.Blocks = append(res.Blocks, b)
	}
	return nil
}

// addBuildings estimates each building's households, places it in a
// block and sums the blocks' households where no field gave them.
func (res *Result) addBuildings(o Options, buildings []building) {
	ix := geo.NewIndex[int]()
	for i, b := range res.Blocks {
		ix.Insert(i, b.Geometry)
	}
	tally := make([]osm.HouseholdTally, len(res.Blocks))
	outside, invalid := 0, 0
	for i, b := range buildings {
		if geo.Validate(b.geom) != nil {
			invalid++
			continue
		}
		kind := cmp.Or(b.props[o.field("kind")], "yes")
		facts := osm.BuildingFacts{Kind: kind, FootprintM2: geo.Area(b.geom), InResidential: o.UntaggedHomes}
		facts.Levels, _ = osm.Number(b.props[o.field("levels")])
		facts.Flats, _ = osm.Number(b.props[o.field("flats")])
		hh, src := osm.Households(facts, res.DefaultLevels, cmp.Or(o.DwellingM2, 90))
		res.Homes.Add(src)
		bld := partition.Building{ID: partition.BuildingID(cmp.Or(b.props[o.field("id")], strconv.Itoa(i+1))), Kind: kind,
			Levels: int(cmp.Or(facts.Levels, res.DefaultLevels) + 0.5), Households: hh, Geometry: b.geom}
		if bi, ok := ix.Lookup(osm.BuildingPoint(b.geom)); ok {
			blk := &res.Blocks[bi]
			bld.Block = blk.ID
			if tally[bi] == nil {
				tally[bi] = osm.HouseholdTally{}
			}
			tally[bi].Add(src)
			if blk.Attrs["households_from"] != "field" {
				blk.Households += hh
			}
		} else {
			outside++
		}
		res.Buildings = append(res.Buildings, bld)
	}
	size := cmp.Or(o.HouseholdSize, 2.5)
	for i := range res.Blocks {
		b := &res.Blocks[i]
		if b.Attrs["households_from"] != "field" {
			tally[i].MarkBlock(b)
		}
		b.Kind = "other"
		if b.Households > 0 {
			b.Kind = "residential"
		}
		b.Population = int(float64(b.Households)*size + 0.5)
	}
	if outside > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings lie outside every block (kept, with no block)", o.Buildings, outside))
	}
	if invalid > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings with invalid outlines skipped", o.Buildings, invalid))
	}
}

// polygons reads a Polygon or MultiPolygon, oriented as RFC 7946 says.
func polygons(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return geo.Orient(orb.MultiPolygon{g}).(orb.MultiPolygon), nil
	case orb.MultiPolygon:
		return geo.Orient(g).(orb.MultiPolygon), nil
	}
	return nil, fmt.Errorf("%w: %s, want a Polygon or MultiPolygon", ErrGeometry, geomType(g))
}

// geomType names a geometry's type for an error.
func geomType(g orb.Geometry) string {
	if g == nil {
		return "no geometry"
	}
	return g.GeoJSONType()
}
