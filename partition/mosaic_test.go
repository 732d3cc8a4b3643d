package partition_test

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

func TestMosaicTilesWithoutGapsOrOverlaps(t *testing.T) {
	blocks := partition.Mosaic(2000, 5)
	if len(blocks) != 2000 {
		t.Fatalf("%d blocks", len(blocks))
	}
	parts := make([]orb.MultiPolygon, len(blocks))
	var sum float64
	var hh []int
	zero, institutions := 0, 0
	for i, b := range blocks {
		parts[i] = b.Geometry
		sum += geo.Area(b.Geometry)
		if err := geo.Validate(b.Geometry); err != nil {
			t.Fatalf("block %s: %v", b.ID, err)
		}
		if n := len(b.Geometry[0][0]) - 1; n < 4 || n > 8 {
			t.Errorf("block %s has %d vertices", b.ID, n)
		}
		hh = append(hh, b.Households)
		if b.Households == 0 {
			zero++
		}
		if b.Kind != "residential" {
			institutions++
		}
	}
	union := geo.Dissolve(parts)
	if len(union) != 1 || len(union[0]) != 1 {
		t.Errorf("union is %d polygons, the first with %d rings; want one without holes", len(union), len(union[0]))
	}
	if a := geo.Area(union); math.Abs(a-sum) > 1e-9*sum {
		t.Errorf("union %.1f m², blocks sum to %.1f m²", a, sum)
	}
	slices.Sort(hh)
	if median := hh[len(hh)/2]; median < 10 || median > 25 {
		t.Errorf("median households %d, want about 20 with 10%% empty", median)
	}
	names := map[string]int{}
	for _, b := range blocks {
		if b.Name != "" {
			names[b.Name]++
		}
	}
	if len(names) == 0 || len(names) == institutions {
		t.Errorf("%d institution blocks under %d names: want some institutions of several blocks", institutions, len(names))
	}
	if zero < 150 || zero > 250 || institutions == 0 {
		t.Errorf("%d empty blocks (want about 200), %d institution blocks", zero, institutions)
	}
	if !reflect.DeepEqual(blocks, partition.Mosaic(2000, 5)) {
		t.Error("the same seed gave another mosaic")
	}
}
