package partition_test

import (
	"context"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"wangge/partition"
)

// Four blocks of about 100 m in a row, split into two grids of equal
// households.
func ExampleDraw() {
	var blocks []partition.Block
	for i, hh := range []int{25, 25, 30, 20} {
		x := 120 + float64(i)/1000
		blocks = append(blocks, partition.Block{
			ID:       partition.BlockID("b" + strconv.Itoa(i)),
			Attrs:    map[string]string{"households": strconv.Itoa(hh)},
			Geometry: orb.MultiPolygon{{{{x, 30}, {x + 0.001, 30}, {x + 0.001, 30.001}, {x, 30.001}, {x, 30}}}},
		})
	}
	res, err := partition.Draw(context.Background(), blocks, partition.Options{
		Weight: "households", Count: 2, Tolerance: 0.05, CodePrefix: "110105001002"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range res.Grids {
		fmt.Println(g.ID, g.Kind, g.Blocks, g.Weight)
	}
	fmt.Printf("max deviation %.1f%%\n", res.Report.MaxDeviationPct)
	// Output:
	// 110105001002001 basic [b0 b1] 50
	// 110105001002002 basic [b2 b3] 50
	// max deviation 0.0%
}
