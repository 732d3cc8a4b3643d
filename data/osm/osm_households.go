package osm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/osm"

	"wangge/partition"
)

// HouseholdSource says where a building's households come from.
type HouseholdSource string

// The sources of a building's households, from the most direct.
const (
	// SourceFlats: a count of dwellings in the data (building:flats,
	// addr:flats, or a mapped households field of a GIS layer).
	SourceFlats HouseholdSource = "flats"
	// SourceLevels: floor area (footprint × tagged building:levels) ÷
	// dwelling size.
	SourceLevels HouseholdSource = "levels"
	// SourceDefaultLevels: floor area with the default number of levels ÷
	// dwelling size.
	SourceDefaultLevels HouseholdSource = "default_levels"
	// SourceSingleHome: a house, one dwelling.
	SourceSingleHome HouseholdSource = "single_home"
	// SourceNone: not a home.
	SourceNone HouseholdSource = ""
)

// Tagged reports whether the households rest on a value the data gives
// for the building (a count of flats or its levels), rather than on
// defaults alone.
func (s HouseholdSource) Tagged() bool { return s == SourceFlats || s == SourceLevels }

// BuildingFacts are what the household estimate reads of a building.
type BuildingFacts struct {
	Kind        string  // the building=* value: "yes", "apartments", "house", …
	Flats       float64 // dwellings the data gives; 0 when it gives none
	Levels      float64 // storeys the data gives; 0 when it gives none
	FootprintM2 float64
	// InResidential is true when the building stands in residential
	// land use, which makes a generic building (building=yes) a home.
	InResidential bool
}

// Households estimates the dwellings of a building and says how: a count
// of flats when the data gives one; else, for a home (isResidential: a
// home's building value, or building=yes in residential land use), one
// for a single home, or its floor area (footprint × levels, the tagged
// ones or levels) ÷ dwellingM2, at least one; else none.
func Households(b BuildingFacts, levels, dwellingM2 float64) (int, HouseholdSource) {
	if b.Flats > 0 {
		return int(b.Flats + 0.5), SourceFlats
	}
	switch {
	case !isResidential(b.Kind, b.InResidential):
		return 0, SourceNone
	case singleHomes[b.Kind]:
		return 1, SourceSingleHome
	}
	src := SourceDefaultLevels
	if b.Levels > 0 {
		levels, src = b.Levels, SourceLevels
	}
	return max(1, int(b.FootprintM2*levels/dwellingM2+0.5)), src
}

// tagFacts reads the facts of an OSM building from its tags.
func tagFacts(tags osm.Tags, footprintM2 float64, inResidential bool) BuildingFacts {
	b := BuildingFacts{Kind: tags.Find("building"), FootprintM2: footprintM2, InResidential: inResidential}
	for _, k := range []string{"building:flats", "addr:flats"} {
		if f, ok := tagNumber(tags, k); ok {
			b.Flats = f
			break
		}
	}
	b.Levels, _ = tagNumber(tags, "building:levels")
	return b
}

// DefaultLevels are the storeys assumed, by ISO 3166-1 country code, for
// a home whose levels are not tagged when Options.Levels does not say:
// rough typical heights of urban housing (Chinese cities: six-storey
// walk-ups and towers; Monaco: apartment blocks; Europe's cities three to
// five; North American cities mostly houses). Elsewhere it is
// FallbackLevels. They are a starting point: give --levels for a city
// whose stock is known.
var DefaultLevels = map[string]float64{
	"CN": 6, "HK": 15, "MC": 6, "SG": 12,
	"FR": 4, "ES": 4, "IT": 4, "DE": 3, "AT": 3, "CH": 3, "NL": 3, "BE": 3,
	"GB": 2, "IE": 2, "NO": 3, "SE": 3, "DK": 3, "FI": 3,
	"US": 2, "CA": 2, "AU": 2, "NZ": 2,
}

// FallbackLevels is the storeys assumed when neither the options nor the
// country say.
const FallbackLevels = 3

// LevelsFor is the storeys assumed for homes whose levels are not given:
// levels when positive (a flag, the configuration), else the country's
// DefaultLevels, else FallbackLevels.
func LevelsFor(levels float64, country string) float64 {
	if levels > 0 {
		return levels
	}
	if l, ok := DefaultLevels[strings.ToUpper(country)]; ok {
		return l
	}
	return FallbackLevels
}

// country is the ISO 3166-1 code of the country boundary (admin_level 2)
// of the extract, empty when it holds none.
func (d *osmData) country() string {
	for _, rel := range d.relations {
		if rel.Tags.Find("boundary") == "administrative" && rel.Tags.Find("admin_level") == "2" {
			for _, k := range []string{"ISO3166-1:alpha2", "ISO3166-1"} {
				if c := rel.Tags.Find(k); c != "" {
					return c
				}
			}
		}
	}
	return ""
}

// HouseholdTally counts, for a block or an import, the homes by the
// source of their households.
type HouseholdTally map[HouseholdSource]int

// Add counts one building.
func (t HouseholdTally) Add(s HouseholdSource) {
	if s != SourceNone {
		t[s]++
	}
}

// Homes is the number of buildings counted.
func (t HouseholdTally) Homes() int {
	n := 0
	for _, c := range t {
		n += c
	}
	return n
}

// TaggedShare is the share of the homes whose households rest on a
// tagged value (HouseholdSource.Tagged); 0 when there are none.
func (t HouseholdTally) TaggedShare() float64 {
	if t.Homes() == 0 {
		return 0
	}
	return float64(t[SourceFlats]+t[SourceLevels]) / float64(t.Homes())
}

// From says in one word how the households of a block were obtained:
// "none" (no homes), "tagged" (every home's from a tagged value),
// "estimated" (none's) or "mixed".
func (t HouseholdTally) From() string {
	switch share := t.TaggedShare(); {
	case t.Homes() == 0:
		return "none"
	case share == 1:
		return "tagged"
	case share == 0:
		return "estimated"
	}
	return "mixed"
}

// MarkBlock writes the tally into a block's attributes: households_from
// (From) and households_homes, the homes counted by source
// ("default_levels:12 levels:3").
func (t HouseholdTally) MarkBlock(b *partition.Block) {
	if b.Attrs == nil {
		b.Attrs = map[string]string{}
	}
	b.Attrs["households_from"] = t.From()
	var parts []string
	for _, s := range []HouseholdSource{SourceFlats, SourceLevels, SourceDefaultLevels, SourceSingleHome} {
		if t[s] > 0 {
			parts = append(parts, string(s)+":"+strconv.Itoa(t[s]))
		}
	}
	b.Attrs["households_homes"] = strings.Join(parts, " ")
}

// String is the tally for a report: "812 homes, 9.5% with a tagged
// count or levels".
func (t HouseholdTally) String() string {
	return fmt.Sprintf("%d homes, %.1f%% with a tagged count or levels", t.Homes(), 100*t.TaggedShare())
}
