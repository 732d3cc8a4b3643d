package workload

import (
	"slices"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/geo"
	"wangge/partition"
)

// WeeksPerMonth turns monthly counts into weekly ones: 365.25 / 12 / 7.
const WeeksPerMonth = 365.25 / 12 / 7

// Holding is what a block or a grid holds that takes its worker's time.
type Holding struct {
	Households        int               `json:"households"`
	KeyPlaces         []patrol.KeyPlace `json:"-"`
	IncidentsPerMonth float64           `json:"incidents_per_month"`
	StreetM           float64           `json:"street_m"` // street length to patrol
}

// Need is an estimate of the hours per week a block or grid needs, by
// kind of work; Total is their sum.
type Need struct {
	Households float64 `json:"households_h"`
	KeyPlaces  float64 `json:"key_places_h"`
	Incidents  float64 `json:"incidents_h"`
	Patrol     float64 `json:"patrol_h"`
	Total      float64 `json:"total_h"`
}

// Estimate is the hours per week h needs: households × HouseholdMinutes,
// each key place's visits per week (7 ÷ its interval in days) × the
// minutes of a visit of its category, incidents per month ÷
// WeeksPerMonth × IncidentHours, and StreetM × PatrolsPerWeek ÷
// WalkSpeed.
func (c Coefficients) Estimate(h Holding) Need {
	n := Need{
		Households: float64(h.Households) * c.HouseholdMinutes / 60,
		Incidents:  h.IncidentsPerMonth / WeeksPerMonth * c.IncidentHours,
		Patrol:     h.StreetM * c.PatrolsPerWeek / c.WalkSpeed / 3600,
	}
	for _, k := range h.KeyPlaces {
		v := c.visit(k.Category, k.VisitInterval)
		n.KeyPlaces += 7 / v.EveryDays * v.Minutes / 60
	}
	n.Total = n.Households + n.KeyPlaces + n.Incidents + n.Patrol
	return n
}

// StreetLength is the street length a block adds to its grid's patrol:
// half its perimeter, since streets bound blocks and each street runs
// between the two blocks on either side of it.
func StreetLength(b partition.Block) float64 { return geo.Perimeter(b.Geometry) / 2 }

// BlockHoldings finds what each block holds: its households, its
// street length (StreetLength), the key places inside it and the
// incidents located in it (at points, over months months). Places and
// incidents inside no block are left out.
func BlockHoldings(blocks []partition.Block, places []patrol.KeyPlace, incidents []orb.Point, months float64) []Holding {
	ix := geo.NewIndex[int]()
	out := make([]Holding, len(blocks))
	for i, b := range blocks {
		ix.Insert(i, b.Geometry)
		out[i] = Holding{Households: b.Households, StreetM: StreetLength(b)}
	}
	for _, k := range places {
		if i, ok := ix.Lookup(k.Location); ok {
			out[i].KeyPlaces = append(out[i].KeyPlaces, k)
		}
	}
	if months > 0 {
		for _, p := range incidents {
			if i, ok := ix.Lookup(p); ok {
				out[i].IncidentsPerMonth += 1 / months
			}
		}
	}
	return out
}

// Plus is what two units hold together.
func (h Holding) Plus(o Holding) Holding {
	return Holding{Households: h.Households + o.Households, KeyPlaces: append(slices.Clip(h.KeyPlaces), o.KeyPlaces...),
		IncidentsPerMonth: h.IncidentsPerMonth + o.IncidentsPerMonth, StreetM: h.StreetM + o.StreetM}
}

// Attr is the block attribute SetWeights writes, and the --weight of
// `wangge partition` that balances workload.
const Attr = "workload"
