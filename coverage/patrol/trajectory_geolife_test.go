package patrol_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data/pgtest"
	"wangge/geo"
)

// geolifePLT is where the GeoLife PLT files lie (tests only, never copied).
const geolifePLT = "../../../shared/data/tracks/geolife_plt"

// geolifeFiles returns the PLT files, skipping the test when there are none.
func geolifeFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(geolifePLT, "*", "Trajectory", "*.plt"))
	if err != nil || len(files) == 0 {
		t.Skipf("GeoLife PLT files not found under %s", geolifePLT)
	}
	return files
}

// readPLT decodes one PLT file as worker w.
func readPLT(t *testing.T, name string) []patrol.TrackPoint {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pts, err := track.DecodePLT(f, track.DecodeOptions{Source: name, Worker: "geolife"})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// TestTrajectoryDistanceVsPostGIS compares the distance of every GeoLife
// PLT file with PostGIS ST_Length over the same line as geography (on the
// WGS-84 spheroid), to 0.01 m (the issue allows 0.5%).
func TestTrajectoryDistanceVsPostGIS(t *testing.T) {
	files := geolifeFiles(t)
	conn := pgtest.Conn(t)
	for _, name := range files {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(name)))+"/"+filepath.Base(name), func(t *testing.T) {
			pts := readPLT(t, name)
			if len(pts) < 2 {
				t.Skipf("%s has %d fixes; a line needs two", name, len(pts))
			}
			var wkt strings.Builder
			wkt.WriteString("LINESTRING(")
			for i, p := range pts {
				if i > 0 {
					wkt.WriteByte(',')
				}
				wkt.WriteString(strconv.FormatFloat(p.Point[0], 'f', -1, 64))
				wkt.WriteByte(' ')
				wkt.WriteString(strconv.FormatFloat(p.Point[1], 'f', -1, 64))
			}
			wkt.WriteString(")")
			var want float64
			err := conn.QueryRow(context.Background(),
				"SELECT ST_Length(ST_GeogFromText('SRID=4326;' || $1), true)", wkt.String()).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			got := patrol.Trajectory(pts, patrol.TrajectoryOptions{}).Distance
			if want == 0 {
				if got != 0 {
					t.Errorf("distance %.3f m, PostGIS 0", got)
				}
				return
			}
			if math.Abs(got-want) > 0.01 {
				t.Errorf("distance %.3f m, PostGIS %.3f m", got, want)
			}
			t.Logf("%d fixes: %.4f m, PostGIS %.4f m", len(pts), got, want)
		})
	}
}

// TestTrajectoryStopsGeoLife checks the stop rule on real days: every fix
// of a stop lies within StopRadius of the stop's first fix (by
// geo.Distance, the referee PostGIS agrees with above), every stop lasts
// at least StopMinDuration, stops and trips do not overlap, and the times
// add up.
func TestTrajectoryStopsGeoLife(t *testing.T) {
	opts := patrol.TrajectoryOptions{}.WithDefaults()
	stops := 0
	for _, name := range geolifeFiles(t) {
		pts := readPLT(t, name)
		r := patrol.Trajectory(pts, patrol.TrajectoryOptions{})
		t.Run(filepath.Base(name), func(t *testing.T) {
			last := -1
			for _, s := range r.Stops {
				if s.First <= last {
					t.Errorf("stop at fix %d overlaps the one before (to %d)", s.First, last)
				}
				last = s.Last
				if d := time.Duration(s.Duration); d < opts.StopMinDuration {
					t.Errorf("stop %d…%d lasts %v", s.First, s.Last, d)
				}
				for i := s.First; i <= s.Last; i++ {
					if d := geo.Distance(pts[s.First].Point, pts[i].Point); d > opts.StopRadius {
						t.Errorf("stop %d…%d: fix %d is %.1f m from its first", s.First, s.Last, i, d)
					}
				}
			}
			if sum := r.Moving + r.Stopped + r.GapTime; sum != r.Duration {
				t.Errorf("moving %v + stopped %v + gaps %v != %v", time.Duration(r.Moving),
					time.Duration(r.Stopped), time.Duration(r.GapTime), time.Duration(r.Duration))
			}
			if len(r.Line) > r.Fixes || (r.Fixes > 1 && len(r.Line) < 2) {
				t.Errorf("simplified line has %d vertices for %d fixes", len(r.Line), r.Fixes)
			}
		})
		stops += len(r.Stops)
		t.Logf("%s: %d fixes, %.0f m, %d stops, %d trips, %d gaps, simplified %d vertices",
			filepath.Base(name), r.Fixes, r.Distance, len(r.Stops), len(r.Trips), len(r.Gaps), len(r.Line))
	}
	if stops == 0 {
		t.Error("no stop found in any GeoLife day")
	}
}

// TestTrajectoryStopsGeodesic checks on the real GeoLife days that
// Trajectory, which settles most of the stop rule's radius tests, the
// steps and the stop radii by a local estimate (flatDist2), finds exactly
// the stops of the rule applied with geo.Distance alone (stopsGeodesic),
// each with the radius geo.Distance gives (farthest fix from the centre),
// and the distance of geo.Length to 1 mm.
func TestTrajectoryStopsGeodesic(t *testing.T) {
	opts := patrol.TrajectoryOptions{}.WithDefaults()
	for _, name := range geolifeFiles(t) {
		pts := readPLT(t, name)
		r := patrol.Trajectory(pts, patrol.TrajectoryOptions{})
		var got [][2]int
		for _, s := range r.Stops {
			got = append(got, [2]int{s.First, s.Last})
			var radius float64
			for _, p := range pts[s.First : s.Last+1] {
				radius = max(radius, geo.Distance(s.Center, p.Point))
			}
			if s.Radius != radius {
				t.Errorf("%s: stop %d…%d radius %v, geo.Distance %v", filepath.Base(name), s.First, s.Last, s.Radius, radius)
			}
		}
		if want := stopsGeodesic(pts, opts); !slices.Equal(got, want) {
			t.Errorf("%s: stops %v, geodesic rule %v", filepath.Base(name), got, want)
		}
		line := make(orb.LineString, len(pts))
		for i, p := range pts {
			line[i] = p.Point
		}
		if d := geo.Length(line); math.Abs(r.Distance-d) > 0.001 {
			t.Errorf("%s: distance %.4f m, geo.Length %.4f m", filepath.Base(name), r.Distance, d)
		}
	}
}

// stopsGeodesic is the stop rule documented on patrol.Trajectory with
// every distance by geo.Distance: the first and last fix of each stop.
func stopsGeodesic(pts []patrol.TrackPoint, o patrol.TrajectoryOptions) [][2]int {
	var stops [][2]int
	for i := 0; i < len(pts); i++ {
		j := i
		silent := false // a silence of o.StopSilence among fixes i…j
		for j+1 < len(pts) && geo.Distance(pts[i].Point, pts[j+1].Point) <= o.StopRadius {
			j++
			silent = silent || (o.StopSilence > 0 && pts[j].Time.Sub(pts[j-1].Time) >= o.StopSilence)
		}
		if j > i && (pts[j].Time.Sub(pts[i].Time) >= o.StopMinDuration || silent) {
			stops = append(stops, [2]int{i, j})
			i = j
		}
	}
	return stops
}

// TestTrajectoryStopSilenceGeoLife checks StopSilence on the real days:
// the stops keep the rule's radius and are exactly the runs the geodesic
// rule finds when a silence of StopSilence ending within the radius of
// the stop's first fix also makes a stop, and the days hold more stops
// than without it (20080402060926 has two silences of 2.5 minutes that
// end 23 and 36 m from where they began).
func TestTrajectoryStopSilenceGeoLife(t *testing.T) {
	off := patrol.TrajectoryOptions{}.WithDefaults()
	on := off
	on.StopSilence = 2 * time.Minute
	before, after := 0, 0
	for _, name := range geolifeFiles(t) {
		pts := readPLT(t, name)
		r0 := patrol.Trajectory(pts, off)
		r1 := patrol.Trajectory(pts, on)
		var got [][2]int
		for _, s := range r1.Stops {
			got = append(got, [2]int{s.First, s.Last})
			for i := s.First; i <= s.Last; i++ {
				if d := geo.Distance(pts[s.First].Point, pts[i].Point); d > on.StopRadius {
					t.Errorf("%s: stop %d…%d: fix %d is %.1f m from its first", filepath.Base(name), s.First, s.Last, i, d)
				}
			}
		}
		if want := stopsGeodesic(pts, on); !slices.Equal(got, want) {
			t.Errorf("%s: stops %v, geodesic rule with silences %v", filepath.Base(name), got, want)
		}
		if sum := r1.Moving + r1.Stopped + r1.GapTime; sum != r1.Duration {
			t.Errorf("%s: moving + stopped + gaps %v != %v", filepath.Base(name), time.Duration(sum), time.Duration(r1.Duration))
		}
		before += len(r0.Stops)
		after += len(r1.Stops)
		t.Logf("%s: %d stops, %d with silences of %v", filepath.Base(name), len(r0.Stops), len(r1.Stops), on.StopSilence)
	}
	if after <= before {
		t.Errorf("%d stops with silences of %v, %d without: want more", after, on.StopSilence, before)
	}
}
