package osm

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"wangge/geo"
	"wangge/partition"
)

// TestBuildingHouseholds checks the dwelling estimate of one building
// against hand arithmetic: tagged flats first, then one for a single
// home, then floor area ÷ dwelling size (at least one) for homes, else none.
func TestBuildingHouseholds(t *testing.T) {
	tags := func(kv ...string) osm.Tags {
		var out osm.Tags
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, osm.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name        string
		tags        osm.Tags
		footprint   float64
		levels      float64
		residential bool
		want        int
	}{
		{"building:flats wins over floor area", tags("building", "apartments", "building:flats", "12"), 1000, 5, true, 12},
		{"addr:flats when building:flats is absent", tags("building", "yes", "addr:flats", "7"), 1000, 5, false, 7},
		{"the first of a list of flats", tags("building", "apartments", "building:flats", "3;4"), 1000, 5, true, 3},
		{"a house is one home", tags("building", "house"), 200, 2, true, 1},
		{"a house with its flats tagged", tags("building", "house", "building:flats", "2"), 200, 2, true, 2},
		{"floor area over 90 m²: 450 × 4 / 90", tags("building", "apartments"), 450, 4, true, 20},
		{"floor area rounds: 100 × 3 / 90 = 3.33", tags("building", "apartments"), 100, 3, true, 3},
		{"a small home is still one", tags("building", "apartments"), 20, 1, true, 1},
		{"flats that are no number are ignored", tags("building", "apartments", "building:flats", "many"), 180, 3, true, 6},
		{"not a home", tags("building", "commercial"), 1000, 5, false, 0},
		{"building=yes in residential land use", tags("building", "yes"), 450, 4, true, 20},
		{"building=yes elsewhere", tags("building", "yes"), 450, 4, false, 0},
		{"tagged levels win over the default", tags("building", "apartments", "building:levels", "8"), 450, 4, true, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src := Households(tagFacts(tt.tags, tt.footprint, tt.residential), tt.levels, 90)
			if got != tt.want {
				t.Errorf("%d households, want %d", got, tt.want)
			}
			want := SourceDefaultLevels
			switch {
			case tt.tags.Find("building:flats") != "many" && (tt.tags.Find("building:flats") != "" || tt.tags.Find("addr:flats") != ""):
				want = SourceFlats
			case tt.want == 0:
				want = SourceNone
			case tt.tags.Find("building") == "house":
				want = SourceSingleHome
			case tt.tags.Find("building:levels") != "":
				want = SourceLevels
			}
			if src != want {
				t.Errorf("source %q, want %q", src, want)
			}
		})
	}
}

// TestBlockKindsFromCovers imports a synthetic extract (the 4 × 4 street
// grid of xmlExtract) with a named school and a hospital campus, a
// commercial and a residential land use, and a building in and one out of
// the residential land use, and checks the kind, name and households of the
// block at the centre of each cell.
func TestBlockKindsFromCovers(t *testing.T) {
	x := newXMLExtract()
	x.streets("residential")
	x.boundary()
	square := func(u0, v0, u1, v1 float64) []float64 { return []float64{u0, v0, u1, v0, u1, v1, u0, v1, u0, v0} }
	x.way(square(0.1, 0.1, 0.9, 0.9), "amenity", "school", "name", "No. 1 School")
	x.way(square(1.1, 0.1, 1.9, 0.9), "amenity", "hospital")
	x.way(square(1.02, 1.02, 1.98, 1.98), "landuse", "residential")
	x.way(square(1.25, 1.25, 1.75, 1.75), "building", "yes")
	x.way(square(2.25, 1.25, 2.75, 1.75), "building", "yes")
	x.way(square(2.02, 2.02, 2.98, 2.98), "landuse", "commercial")
	res, err := Import(context.Background(), bytes.NewReader(x.bytes(t)), Options{File: "kinds.osm"})
	if err != nil {
		t.Fatal(err)
	}
	// The building in residential land use: footprint × 3 default levels / 90 m².
	homes := int(geo.Area(orb.Polygon{{at(1.25, 1.25), at(1.75, 1.25), at(1.75, 1.75), at(1.25, 1.75), at(1.25, 1.25)}})*3/90 + 0.5)
	tests := []struct {
		name            string
		u, v            float64
		kind, blockName string
		households      int
	}{
		{"named school campus", 0.5, 0.5, "school", "No. 1 School", 0},
		{"hospital campus", 1.5, 0.5, "hospital", "", 0},
		{"building=yes in residential land use", 1.5, 1.5, "residential", "", homes},
		{"building=yes outside residential land use", 2.5, 1.5, "other", "", 0},
		{"commercial land use", 2.5, 2.5, "commercial", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			for _, b := range res.Blocks {
				if !planar.MultiPolygonContains(b.Geometry, at(tt.u, tt.v)) {
					continue
				}
				found = true
				if b.Kind != tt.kind || b.Name != tt.blockName || b.Households != tt.households {
					t.Errorf("block %s: kind %q, name %q, %d households; want %q, %q, %d",
						b.ID, b.Kind, b.Name, b.Households, tt.kind, tt.blockName, tt.households)
				}
			}
			if !found {
				t.Fatalf("no block holds (%g, %g)", tt.u, tt.v)
			}
		})
	}
}

// TestHouseholdTally: how a block says its households were obtained, and
// the share of homes with a tagged value.
func TestHouseholdTally(t *testing.T) {
	tests := []struct {
		sources []HouseholdSource
		from    string
		share   float64
	}{
		{nil, "none", 0},
		{[]HouseholdSource{SourceNone}, "none", 0},
		{[]HouseholdSource{SourceFlats, SourceLevels}, "tagged", 1},
		{[]HouseholdSource{SourceDefaultLevels, SourceSingleHome}, "estimated", 0},
		{[]HouseholdSource{SourceLevels, SourceDefaultLevels, SourceDefaultLevels, SourceNone}, "mixed", 1.0 / 3},
	}
	for _, tt := range tests {
		tally := HouseholdTally{}
		for _, s := range tt.sources {
			tally.Add(s)
		}
		b := partition.Block{}
		tally.MarkBlock(&b)
		if b.Attrs["households_from"] != tt.from || math.Abs(tally.TaggedShare()-tt.share) > 1e-12 {
			t.Errorf("%v: from %q share %v; want %q %v", tt.sources, b.Attrs["households_from"], tally.TaggedShare(), tt.from, tt.share)
		}
	}
	if got := LevelsFor(0, "mc"); got != 6 {
		t.Errorf("Monaco's default levels %v, want 6", got)
	}
	if got := LevelsFor(4, "MC"); got != 4 {
		t.Errorf("levels given 4, got %v", got)
	}
	if got := LevelsFor(0, "ZZ"); got != FallbackLevels {
		t.Errorf("unknown country: %v levels, want %v", got, FallbackLevels)
	}
}
