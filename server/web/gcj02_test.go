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
// outside China alone.
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
	script := `import('./src/gcj02.js').then(m => console.log(JSON.stringify(` + string(in) + `.map(m.toGCJ02))))`
	out, err := exec.Command(node, "--input-type=module", "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []orb.Point
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(pts) {
		t.Fatalf("node said %s (%v)", out, err)
	}
	for i, p := range pts {
		want := geo.WGS84ToGCJ02(p)
		if d := geo.Distance(got[i], want); d > 0.001 {
			t.Errorf("%v: the page gives %v, geo %v (%.4f m apart)", p, got[i], want, d)
		}
	}
	if monaco := got[len(got)-1]; monaco != pts[len(pts)-1] {
		t.Errorf("Monaco moved to %v", monaco)
	}
	if beijing := got[len(got)-2]; geo.Distance(beijing, pts[len(pts)-2]) < 100 {
		t.Errorf("Beijing moved only to %v", beijing)
	}
}
