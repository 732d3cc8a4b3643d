package web_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// The page's WGS-84 → GCJ-02 (src/gcj02.js) agrees with the service's
// geo.WGS84ToGCJ02 to a millimetre across China, and leaves points
// outside China alone; its inverse agrees with geo.GCJ02ToWGS84.
func TestPageGCJ02MatchesGeo(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on the PATH")
	}
	var pts []orb.Point
	for lon := 73.0; lon <= 135; lon += 3.1 {
		for lat := 18.0; lat <= 53; lat += 2.3 {
			pts = append(pts, orb.Point{lon, lat})
		}
	}
	pts = append(pts, orb.Point{116.3975, 39.9087}, orb.Point{7.4246, 43.7384}) // Beijing; Monaco
	in, err := json.Marshal(pts)
	if err != nil {
		t.Fatal(err)
	}
	script := `import('./src/gcj02.js').then(m => { const pts = ` + string(in) + `;
		console.log(JSON.stringify([pts.map(m.toGCJ02), pts.map(m.fromGCJ02)])); })`
	out, err := exec.Command(node, "--input-type=module", "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var both [2][]orb.Point
	if err := json.Unmarshal(out, &both); err != nil || len(both[0]) != len(pts) || len(both[1]) != len(pts) {
		t.Fatalf("node said %s (%v)", out, err)
	}
	got, back := both[0], both[1]
	for i, p := range pts {
		if want, d := geo.WGS84ToGCJ02(p), geo.Distance(got[i], geo.WGS84ToGCJ02(p)); d > 0.001 {
			t.Errorf("%v: the page gives %v, geo %v (%.4f m apart)", p, got[i], want, d)
		}
		if want, d := geo.GCJ02ToWGS84(p), geo.Distance(back[i], geo.GCJ02ToWGS84(p)); d > 0.001 {
			t.Errorf("%v back: the page gives %v, geo %v (%.4f m apart)", p, back[i], want, d)
		}
	}
	if monaco := got[len(got)-1]; monaco != pts[len(pts)-1] {
		t.Errorf("Monaco moved to %v", monaco)
	}
	if beijing := got[len(got)-2]; geo.Distance(beijing, pts[len(pts)-2]) < 100 {
		t.Errorf("Beijing moved only to %v", beijing)
	}
}
