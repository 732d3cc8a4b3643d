package osm

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"wangge/geo"
	"wangge/partition"
)

// addBuildings collects the buildings, estimates their households, assigns
// each to the block holding an interior point of it and sums the blocks'
// households and population.
func (res *Result) addBuildings(d *osmData, o Options) {
	resid := geo.NewIndex[int]()
	n := 0
	d.eachArea(func(tags osm.Tags, g orb.Geometry) {
		if tags.Find("landuse") == "residential" {
			resid.Insert(n, g)
			n++
		}
	})
	blocks := res.blockIndex()
	count := make([]int, len(res.Blocks))
	outside, invalid := 0, 0
	add := func(id string, tags osm.Tags, mp orb.MultiPolygon) {
		kind := tags.Find("building")
		if kind == "" || kind == "no" {
			return
		}
		mp = geo.Orient(mp).(orb.MultiPolygon)
		if geo.Validate(mp) != nil {
			invalid++
			return
		}
		pt := buildingPoint(mp)
		_, inResid := resid.Lookup(pt)
		levels, ok := tagNumber(tags, "building:levels")
		if !ok {
			levels = o.Levels
		}
		residential := isResidential(kind, inResid)
		hh := buildingHouseholds(tags, geo.Area(mp), levels, o.DwellingM2, residential)
		bld := partition.Building{
			ID: partition.BuildingID(id), Kind: kind, Levels: int(levels + 0.5),
			Households: hh, Geometry: mp,
		}
		if bi, ok := blocks.Lookup(pt); ok {
			b := &res.Blocks[bi]
			bld.Block = b.ID
			b.Households += hh
			count[bi]++
		} else {
			outside++
		}
		if residential {
			res.ResidentialBuildings++
		}
		res.Dwellings += hh
		res.Buildings = append(res.Buildings, bld)
	}
	for _, w := range d.ways {
		if r, ok := d.wayRing(w); ok {
			add(fmt.Sprintf("w%d", w.ID), w.Tags, orb.MultiPolygon{{r}})
		}
	}
	for _, rel := range d.relations {
		if rel.Tags.Find("type") != "multipolygon" {
			continue
		}
		if mp, ok := d.relationPolygons(rel); ok {
			add(fmt.Sprintf("r%d", rel.ID), rel.Tags, mp)
		}
	}
	for i := range res.Blocks {
		res.Blocks[i].Attrs["buildings"] = strconv.Itoa(count[i])
		finishBlock(&res.Blocks[i], o.HouseholdSize)
	}
	if outside > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings lie outside every block (kept, with no block)", o.File, outside))
	}
	if invalid > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings with invalid outlines skipped", o.File, invalid))
	}
}

// buildingPoint is the building's centroid when that lies inside it, else
// an interior point of its largest part.
func buildingPoint(mp orb.MultiPolygon) orb.Point {
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	largest := 0
	for i, p := range mp {
		if planar.Area(p) > planar.Area(mp[largest]) {
			largest = i
		}
	}
	if p, ok := geo.InteriorPoint(mp[largest]); ok {
		return p
	}
	return c
}
