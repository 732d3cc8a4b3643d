package coverage

import (
	"compress/gzip"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
)

// tiananmen is the centre of the synthetic districts of these tests.
var tiananmen = orb.Point{116.3975, 39.9087}

// skmobFile is the skmob GeoLife sample of shared/data/MANIFEST.md.
const skmobFile = "../../shared/data/tracks/skmob_geolife_sample.txt.gz"

// skmobPoints decodes the skmob GeoLife sample: 217,653 fixes of two users.
func skmobPoints(t testing.TB) []patrol.TrackPoint {
	t.Helper()
	f, err := os.Open(skmobFile)
	if err != nil {
		t.Fatalf("%v (see shared/data/MANIFEST.md)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m := track.CSVMapping{Lat: "lat", Lon: "lng", Time: "datetime", Worker: "uid"}
	pts, err := track.DecodeCSV(zr, m, track.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}
