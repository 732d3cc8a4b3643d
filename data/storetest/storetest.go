package storetest

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/data"
	"wangge/partition"
)

// BlocksFile is the sample the suite reads, relative to the directory that
// holds the repository (the folder beside go.mod's).
const BlocksFile = "shared/data/blocks/providence_blocks.geojson"

// sampleSize is how many Providence blocks the suite stores.
const sampleSize = 60

// Opener opens a fresh, empty store and returns it with a function that
// opens another store on the same data (the same file or schema), as
// another process would. The suite calls it after closing the first store
// (a reopen) or while the first is open (several processes sharing one
// store), from the test's goroutine, and closes every store it gets.
type Opener func(t *testing.T) (s data.Store, again func() data.Store)

// env is the store under test; again opens another store on its data.
type env struct {
	t     *testing.T
	ctx   context.Context
	s     data.Store
	again func() data.Store
}

// cycle closes the store and opens it again.
func (e *env) cycle() {
	e.t.Helper()
	if err := e.s.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	e.s = e.again()
}

// another opens a second store on the same data while the first stays
// open, like a second `wangge serve` process; it is closed when the test
// ends.
func (e *env) another() data.Store {
	e.t.Helper()
	s := e.again()
	e.t.Cleanup(func() {
		if err := s.Close(); err != nil {
			e.t.Errorf("Close the second store: %v", err)
		}
	})
	return s
}

// Run runs the conformance suite against the stores open makes. Every
// subtest gets a fresh store; Run closes it (and every other store opened
// on its data).
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		f    func(e *env)
	}{
		{"Ping", func(e *env) {
			if err := e.s.Ping(e.ctx); err != nil {
				e.t.Fatalf("Ping: %v", err)
			}
		}},
		{"CheckWrite", func(e *env) {
			for range 2 {
				if err := e.s.CheckWrite(e.ctx); err != nil {
					e.t.Fatalf("CheckWrite: %v", err)
				}
			}
		}},
		{"Areas", testAreas},
		{"Blocks", testBlocks},
		{"BlocksBBox", testBlocksBBox},
		{"BlocksPaging", testBlocksPaging},
		{"BlocksParent", testBlocksParent},
		{"ReplaceBlocks", testReplaceBlocks},
		{"Buildings", testBuildings},
		{"Roads", testRoads},
		{"RoadsBBox", testRoadsBBox},
		{"RoadsAtomicBatch", testRoadsAtomicBatch},
		{"RoadsReopen", testRoadsReopen},
		{"Plans", testPlans},
		{"PlanPublish", testPlanPublish},
		{"PastPublications", testPastPublications},
		{"PlanVersions", testPlanVersions},
		{"PublishRace", testPublishRace},
		{"Workers", testWorkers},
		{"WorkerDevices", testWorkerDevices},
		{"DeviceRace", testDeviceRace},
		{"TrackPoints", testTrackPoints},
		{"TrackWindows", testTrackWindows},
		{"TrackIdempotent", testTrackIdempotent},
		{"Incidents", testIncidents},
		{"IncidentEvents", testIncidentEvents},
		{"IncidentMarks", testIncidentMarks},
		{"IncidentUpdate", testIncidentUpdate},
		{"IncidentRace", testIncidentRace},
		{"KeyPlaces", testKeyPlaces},
		{"VisitState", testVisitState},
		{"Tokens", testTokens},
		{"AtomicBatch", testAtomicBatch},
		{"ConcurrentWrites", testConcurrentWrites},
		{"Reopen", testReopen},
		{"Times", testTimes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, again := open(t)
			e := &env{t: t, ctx: context.Background(), s: s, again: again}
			t.Cleanup(func() {
				if err := e.s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.f(e)
		})
	}
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("storetest: no go.mod above the working directory")
		}
		dir = up
	}
}

// providence is the first sampleSize blocks (by id) of the sample.
func providence(t *testing.T) []partition.Block {
	t.Helper()
	blocks := ProvidenceBlocks(t)
	if len(blocks) < sampleSize {
		t.Fatalf("storetest: %d sample blocks, want at least %d", len(blocks), sampleSize)
	}
	return blocks[:sampleSize]
}

// ProvidenceBlocks reads every block of the Providence sample (BlocksFile)
// ordered by id: Population from the census, Households two fifths of it,
// Parent "tract-" and the tract, Attrs tract and ward. It skips the test,
// naming the file, when the sample is missing.
func ProvidenceBlocks(t testing.TB) []partition.Block {
	t.Helper()
	path := filepath.Join(repoRoot(t), "..", BlocksFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("storetest: sample %s is missing", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var blocks []partition.Block
	for i, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			t.Fatalf("%s: feature %d: geometry %T", path, i, g)
		}
		pop := int(f.Properties.MustFloat64("population", 0))
		blocks = append(blocks, partition.Block{
			ID:         partition.BlockID(f.Properties.MustString("id", "")),
			Kind:       "census",
			Households: pop * 2 / 5,
			Population: pop,
			Parent:     partition.AreaID("tract-" + f.Properties.MustString("tract", "")),
			Attrs: map[string]string{
				"tract": f.Properties.MustString("tract", ""),
				"ward":  strconv.FormatFloat(f.Properties.MustFloat64("ward", 0), 'f', -1, 64),
			},
			Geometry: mp,
		})
	}
	sort.Slice(blocks, func(i, j int) bool { return blocks[i].ID < blocks[j].ID })
	return blocks
}

// SameGeometry fails the test when two geometries (Point, MultiLineString
// or MultiPolygon) differ in structure or by more than 1e-9 in any
// coordinate.
func SameGeometry(t testing.TB, what string, want, got orb.Geometry) {
	t.Helper()
	wp, gp := flatten(want), flatten(got)
	if len(wp) != len(gp) || reflect.TypeOf(want) != reflect.TypeOf(got) {
		t.Fatalf("%s: geometry %T of %d points, want %T of %d", what, got, len(gp), want, len(wp))
	}
	for i := range wp {
		if math.Abs(wp[i][0]-gp[i][0]) > 1e-9 || math.Abs(wp[i][1]-gp[i][1]) > 1e-9 {
			t.Fatalf("%s: point %d is %v, want %v", what, i, gp[i], wp[i])
		}
	}
}

// flatten lists a geometry's points with a marker point between parts, so
// that structure differences change the list.
func flatten(g orb.Geometry) []orb.Point {
	sep := orb.Point{math.Inf(1), math.Inf(1)}
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiLineString:
		var out []orb.Point
		for _, l := range g {
			out = append(out, l...)
			out = append(out, sep)
		}
		return out
	case orb.MultiPolygon:
		var out []orb.Point
		for _, p := range g {
			for _, r := range p {
				out = append(out, r...)
				out = append(out, sep)
			}
			out = append(out, sep)
		}
		return out
	}
	return nil
}

// mustNotFound fails unless err wraps data.ErrNotFound.
func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("%s: error %v, want one wrapping data.ErrNotFound", what, err)
	}
}

// mustRejected fails unless err is an *data.ItemError for item index that
// wraps data.ErrInvalid.
func mustRejected(t *testing.T, what string, err error, index int) {
	t.Helper()
	var ie *data.ItemError
	if !errors.As(err, &ie) || !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("%s: error %v, want a *data.ItemError wrapping data.ErrInvalid", what, err)
	}
	if ie.Index != index {
		t.Fatalf("%s: error names item %d, want %d: %v", what, ie.Index, index, err)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// box is a rectangle as a one-polygon MultiPolygon, counter-clockwise.
func box(minX, minY, maxX, maxY float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}, {minX, minY}}}}
}
