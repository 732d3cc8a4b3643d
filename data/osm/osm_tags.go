package osm

import (
	"strconv"
	"strings"

	"github.com/paulmach/osm"
)

// DefaultCuttingHighways are the highway classes whose ways bound street
// blocks unless Options says otherwise: the road classes, and the public
// service roads, footways and steps that real cities use as through
// passages between streets (on Monaco's extract the road classes alone
// give 79 blocks, one of them 27% of all households; with these 265,
// median 110 households among blocks with homes, the largest 10%: small
// enough that grids of 300–500 households are drawn from whole blocks). The ways that run inside a
// block without dividing it are left out by their sub-tag (nonCutting):
// driveways, parking aisles and drive-throughs, sidewalks and crossings.
// Paths, tracks, cycleways, bridleways and corridors never cut.
var DefaultCuttingHighways = []string{
	"motorway", "motorway_link", "trunk", "trunk_link",
	"primary", "primary_link", "secondary", "secondary_link",
	"tertiary", "tertiary_link", "unclassified", "residential",
	"living_street", "pedestrian", "road", "busway",
	"service", "footway", "steps",
}

// nonCutting are the sub-tags of ways of a cutting class that run inside
// blocks: service=driveway and the like, footway=sidewalk (drawn along a
// street that already cuts) and footway=crossing.
var nonCutting = map[string]map[string]bool{
	"service": {"driveway": true, "parking_aisle": true, "drive-through": true},
	"footway": {"sidewalk": true, "crossing": true},
}

// CutsBlocks reports whether a way is a street that bounds blocks: a
// highway of one of the classes, not of a sub-tag that runs inside blocks
// (nonCutting), not mapped as an area (area=yes), and on the surface
// (tunnels, including passages through buildings, run under blocks).
func CutsBlocks(tags osm.Tags, classes map[string]bool) bool {
	hw := tags.Find("highway")
	if !classes[hw] || tags.Find("area") == "yes" || nonCutting[hw][tags.Find(hw)] {
		return false
	}
	t := tags.Find("tunnel")
	return t == "" || t == "no"
}

// isBarrier reports whether a way is a railway or a river or canal on the
// surface: like streets, they bound blocks and grids follow them.
func isBarrier(tags osm.Tags) bool {
	switch {
	case tags.Find("tunnel") != "" && tags.Find("tunnel") != "no", tags.Find("area") == "yes":
		return false
	case tags.Find("railway") == "rail", tags.Find("railway") == "light_rail", tags.Find("railway") == "narrow_gauge":
		return true
	}
	w := tags.Find("waterway")
	return w == "river" || w == "canal"
}

// coverKinds maps the tags of areas that give a block its kind, in order
// of precedence: institutions first (a block holding a school campus is a
// school block, whatever landuse surrounds it), then land use.
var coverKinds = []struct {
	key, value, kind string
	institution      bool
}{
	{"amenity", "school", "school", true},
	{"amenity", "kindergarten", "kindergarten", true},
	{"amenity", "university", "university", true},
	{"amenity", "college", "university", true},
	{"amenity", "hospital", "hospital", true},
	{"amenity", "clinic", "clinic", true},
	{"amenity", "marketplace", "marketplace", true},
	{"amenity", "police", "police", true},
	{"landuse", "residential", "residential", false},
	{"landuse", "commercial", "commercial", false},
	{"landuse", "retail", "retail", false},
	{"landuse", "industrial", "industrial", false},
	{"leisure", "park", "park", false},
	{"leisure", "garden", "park", false},
	{"natural", "water", "water", false},
	{"landuse", "cemetery", "cemetery", false},
	{"landuse", "railway", "railway", false},
}

// coverKind returns the block kind an area's tags give, its rank in
// coverKinds (lower wins ties) and whether it is an institution.
func coverKind(tags osm.Tags) (kind string, rank int, institution, ok bool) {
	for i, c := range coverKinds {
		if tags.Find(c.key) == c.value {
			return c.kind, i, c.institution, true
		}
	}
	return "", 0, false, false
}

// residentialBuildings are the building values that are homes whatever
// surrounds them; singleHomes of them hold one dwelling unless flats are
// tagged.
var (
	residentialBuildings = map[string]bool{
		"residential": true, "apartments": true, "house": true, "detached": true,
		"semidetached_house": true, "terrace": true, "dormitory": true,
		"bungalow": true, "farm": true,
	}
	singleHomes = map[string]bool{
		"house": true, "detached": true, "semidetached_house": true, "bungalow": true,
	}
)

// isResidential applies the rule for counting homes: a building whose
// value says it is a home, or a generic building=yes standing in
// residential land use.
func isResidential(building string, inResidentialLanduse bool) bool {
	return residentialBuildings[building] || building == "yes" && inResidentialLanduse
}

// tagNumber reads a tag holding a positive number (Number).
func tagNumber(tags osm.Tags, key string) (float64, bool) {
	return Number(tags.Find(key))
}

// Number reads a count or level as OSM and GIS layers write it: a
// positive number ("3", "2.5"), or the first of a list ("3;4"); ok is
// false for anything else.
func Number(v string) (float64, bool) {
	if i := strings.IndexAny(v, ";,"); i >= 0 {
		v = v[:i]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f <= 0 || f > 1e6 {
		return 0, false
	}
	return f, true
}
