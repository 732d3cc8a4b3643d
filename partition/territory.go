package partition

import (
	"time"

	"github.com/paulmach/orb"
)

// AreaID identifies an administrative area (district, street, community,
// residents' committee).
type AreaID string

// AreaLevel is the rung of an area in the hierarchy
// city → district → street → community → residents' committee.
type AreaLevel string

// The levels of the administrative hierarchy below the city.
const (
	LevelDistrict  AreaLevel = "district"  // 区
	LevelStreet    AreaLevel = "street"    // 街道
	LevelCommunity AreaLevel = "community" // 社区
	LevelCommittee AreaLevel = "committee" // 居委会
)

// Valid reports whether l is one of the known levels.
func (l AreaLevel) Valid() bool {
	switch l {
	case LevelDistrict, LevelStreet, LevelCommunity, LevelCommittee:
		return true
	}
	return false
}

// Area is one administrative area. Code is its official code prefix
// (6 digits for a district, 9 for a street, 12 for a community).
type Area struct {
	ID       AreaID
	Name     string
	Level    AreaLevel
	Parent   AreaID // empty at the top
	Code     string
	Geometry orb.MultiPolygon
}

// BlockID identifies a block: the smallest unit a grid is made of.
type BlockID string

// Block is a complete block: a street block, a residential compound or a
// campus. Grids are unions of whole blocks. Kind says what covers it
// (residential, school, hospital, market, …) and Attrs carries the other
// properties an import brought along (census tract, ward, …) so that
// partition rules such as --within and --dedicated can read them.
type Block struct {
	ID         BlockID
	Kind       string
	Name       string
	Households int
	Population int
	Parent     AreaID
	Attrs      map[string]string
	Geometry   orb.MultiPolygon
}

// BuildingID identifies a building (楼栋).
type BuildingID string

// Building is one building footprint, assigned to the block it stands in.
type Building struct {
	ID         BuildingID
	Block      BlockID
	Kind       string
	Levels     int
	Households int
	Geometry   orb.MultiPolygon
}

// RoadID identifies a road (a street, path or any highway line).
type RoadID string

// Road is one road of the map layer: Class is its OpenStreetMap highway
// class (primary, residential, footway, …) and Geometry its centre line,
// in one or more parts.
type Road struct {
	ID       RoadID
	Class    string
	Name     string
	Geometry orb.MultiLineString
}

// PlanID identifies a grid plan.
type PlanID string

// PlanStatus is where a plan is in its life: drafts are edited, a published
// plan is the one in force, a superseded plan was in force until a newer
// publication took over (it may be published again, not edited).
type PlanStatus string

// The states of a plan.
const (
	PlanDraft      PlanStatus = "draft"
	PlanPublished  PlanStatus = "published"
	PlanSuperseded PlanStatus = "superseded"
)

// Plan is one way of dividing the territory into grids.
type Plan struct {
	ID        PlanID
	Name      string
	Status    PlanStatus
	Params    map[string]string // the partition parameters it was drawn with
	Created   time.Time
	Published time.Time // zero while a draft
	Grids     []Grid
}

// GridID identifies a grid; for a coded grid it is the 15-digit code of
// DB11/T 2157-2023.
type GridID string

// GridKind tells basic grids (sized by households) from dedicated grids
// (one institution or site).
type GridKind string

// The two kinds of grid.
const (
	Basic     GridKind = "basic"     // 基础网格
	Dedicated GridKind = "dedicated" // 专属网格
)

// Grid is a union of whole blocks with its figures.
type Grid struct {
	ID           GridID
	Plan         PlanID
	Kind         GridKind
	Blocks       []BlockID
	Weight       float64
	Parent       string
	Locked       bool
	Flags        []string
	AreaM2       float64
	PerimeterM   float64
	PolsbyPopper float64
	HullRatio    float64
	Geometry     orb.MultiPolygon
}
