package geo_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// A city block of 0.0015° × 0.001° in Providence. PostGIS gives
// ST_Area(geography) 13841.305 m² and ST_Perimeter 471.376 m.
func ExampleArea() {
	block := orb.Polygon{{
		{-71.4135, 41.8235}, {-71.4120, 41.8235}, {-71.4120, 41.8245},
		{-71.4135, 41.8245}, {-71.4135, 41.8235},
	}}
	fmt.Printf("area %.1f m², perimeter %.1f m\n", geo.Area(block), geo.Perimeter(block))
	// Output: area 13841.3 m², perimeter 471.4 m
}

// Beijing to Shanghai; PostGIS gives ST_Distance(geography) 1067046.834 m.
func ExampleDistance() {
	fmt.Printf("%.1f km\n", geo.Distance(orb.Point{116.404, 39.915}, orb.Point{121.4737, 31.2304})/1000)
	// Output: 1067.0 km
}

// A WGS-84 point shown on an AMap (GCJ-02) and a Baidu (BD-09) basemap,
// and converted back. The GCJ-02 value is the published example of the
// coordtransform library.
func ExampleWGS84ToGCJ02() {
	wgs := orb.Point{116.404, 39.915}
	gcj := geo.WGS84ToGCJ02(wgs)
	bd := geo.WGS84ToBD09(wgs)
	back := geo.BD09ToWGS84(bd)
	fmt.Printf("GCJ-02 %.6f, %.6f\n", gcj[0], gcj[1])
	fmt.Printf("back from BD-09 %.6f, %.6f\n", back[0], back[1])
	// Outside China GCJ-02 is WGS-84.
	fmt.Println(geo.WGS84ToGCJ02(orb.Point{-71.4128, 41.824}))
	// Output:
	// GCJ-02 116.410244, 39.916404
	// back from BD-09 116.404000, 39.915000
	// [-71.4128 41.824]
}

// A point picked on an AMap basemap, shown on a Baidu one and stored as
// WGS-84. The BD-09 value is coordtransform's published example.
func ExampleGCJ02ToBD09() {
	gcj := orb.Point{116.404, 39.915}
	bd := geo.GCJ02ToBD09(gcj)
	wgs := geo.GCJ02ToWGS84(gcj)
	fmt.Printf("BD-09  %.6f, %.6f\n", bd[0], bd[1])
	fmt.Printf("WGS-84 %.6f, %.6f\n", wgs[0], wgs[1])
	// Output:
	// BD-09  116.410369, 39.921337
	// WGS-84 116.397756, 39.913596
}

// Point → block lookups over an index of polygons.
func ExampleIndex() {
	ix := geo.NewIndex[string]()
	ix.Insert("north", orb.Polygon{{{0, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 1}}})
	ix.Insert("south", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}})
	for _, p := range []orb.Point{{0.5, 0.5}, {0.5, 1}, {3, 3}} {
		id, ok := ix.Lookup(p)
		fmt.Println(p, id, ok)
	}
	// Output:
	// [0.5 0.5] south true
	// [0.5 1] north true
	// [3 3]  false
}

// A bow tie crosses itself; the error says where, and wraps the reason
// for errors.Is. (PostGIS's ST_IsValid agrees that it is invalid.)
func ExampleValidate() {
	bowTie := orb.Polygon{{{0, 0}, {2, 0}, {0, 2}, {2, 2}, {0, 0}}}
	err := geo.Validate(bowTie)
	fmt.Println(err)
	fmt.Println(errors.Is(err, geo.ErrSelfIntersection))
	var ie *geo.InvalidError
	if errors.As(err, &ie) {
		fmt.Println("vertex", ie.Vertex, bowTie[ie.Ring][ie.Vertex])
	}
	// Output:
	// geo: ring intersects itself (polygon 0, ring 0, vertex 3)
	// true
	// vertex 3 [2 2]
}

// A clockwise exterior ring is rewound counter-clockwise, as RFC 7946 asks.
func ExampleOrient() {
	clockwise := orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}
	fmt.Println(geo.Orient(clockwise))
	// Output: [[[0 0] [1 0] [1 1] [0 1] [0 0]]]
}
