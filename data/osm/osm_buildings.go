package osm

import (
	"cmp"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"wangge/geo"
	"wangge/partition"
)

// addBuildings collects the buildings, estimates their households
// (Households, with the default levels of the options or the extract's
// country), assigns each to the block holding an interior point of it,
// sums the blocks' households and population and marks on each block how
// its households were obtained (HouseholdTally.MarkBlock).
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
	tally := make([]HouseholdTally, len(res.Blocks))
	for i := range tally {
		tally[i] = HouseholdTally{}
	}
	res.Country = d.country()
	levels := LevelsFor(o.Levels, res.Country)
	res.DefaultLevels, res.Homes = levels, HouseholdTally{}
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
		pt := BuildingPoint(mp)
		_, inResid := resid.Lookup(pt)
		facts := tagFacts(tags, geo.Area(mp), inResid)
		hh, src := Households(facts, levels, o.DwellingM2)
		bld := partition.Building{
			ID: partition.BuildingID(id), Kind: kind, Levels: int(cmp.Or(facts.Levels, levels) + 0.5),
			Households: hh, Geometry: mp,
		}
		if bi, ok := blocks.Lookup(pt); ok {
			b := &res.Blocks[bi]
			bld.Block = b.ID
			b.Households += hh
			count[bi]++
			tally[bi].Add(src)
		} else {
			outside++
		}
		res.Homes.Add(src)
		if src != SourceNone {
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
		tally[i].MarkBlock(&res.Blocks[i])
		finishBlock(&res.Blocks[i], o.HouseholdSize)
	}
	if outside > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings lie outside every block (kept, with no block)", o.File, outside))
	}
	if invalid > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d buildings with invalid outlines skipped", o.File, invalid))
	}
}

// BuildingPoint is the point that places a building in a block: its
// centroid when that lies inside it, else an interior point of its
// largest part.
func BuildingPoint(mp orb.MultiPolygon) orb.Point {
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
