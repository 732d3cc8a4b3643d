package geo

import (
	"github.com/paulmach/orb"
)

// Blocks turns lines that bound street blocks (streets, railways, rivers,
// coastlines, the rings of an outline) into blocks: the faces Polygonize
// finds, those whose interior point keep accepts (inside the outline, on
// land; all when keep is nil), faces under minM2 merged into the
// neighbour they share the longest border with (MergeFaces), and each
// checked with Validate. Faces that fail the check come back in invalid
// with their error, in order, and are not blocks. Every importer of
// territory (OpenStreetMap, GIS layers) makes its blocks here, so the
// same lines give the same blocks whatever file they came from.
func Blocks(lines []orb.LineString, keep func(orb.Point) bool, minM2 float64) (blocks []orb.Polygon, invalid []error) {
	faces, _ := Polygonize(lines)
	inside := faces[:0]
	for _, f := range faces {
		if pt, ok := InteriorPoint(f); ok && (keep == nil || keep(pt)) {
			inside = append(inside, f)
		}
	}
	merged, _ := MergeFaces(inside, minM2)
	for _, m := range merged {
		if err := Validate(m); err != nil {
			invalid = append(invalid, err)
			continue
		}
		blocks = append(blocks, m)
	}
	return blocks, invalid
}
