package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/postgis"
)

// benchCentre is where the synthetic districts of the ingest and
// coverage cases lie: Tiananmen, Beijing.
var benchCentre = orb.Point{116.3975, 39.9087}

// benchDay is the first day of the synthetic patrols.
var benchDay = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// ingestBatch is the number of fixes per PutTrackPoints call.
const ingestBatch = 10_000

// ingestCases store simulated patrol fixes in batches of ingestBatch, one
// transaction each, into a fresh GeoPackage and a fresh PostGIS schema.
func ingestCases(quick bool) []benchCase {
	n, side := 500_000, 10 // one day of 100 workers has about 570k fixes
	if quick {
		n, side = 40_000, 3 // one day of 9 workers has about 51k
	}
	return []benchCase{
		ingestCase("ingest/gpkg", n, side, false, openBenchGeoPackage),
		ingestCase("ingest/postgis", n, side, true, openBenchPostGIS),
	}
}

// benchStore is a store opened for an ingest case. finish closes it,
// removes its files or schema and returns how many bytes the stored fixes
// added on disk (indexes included); serverCPU is PostGIS's CPU time.
type benchStore struct {
	data.Store
	finish    func() (int64, error)
	serverCPU func() (time.Duration, bool)
	note      string
}

func ingestCase(name string, n, side int, needPG bool, open func(context.Context, benchEnv) (benchStore, error)) benchCase {
	return benchCase{
		name: name, items: n, unit: "fixes", needPG: needPG,
		prepare: func(ctx context.Context, env benchEnv) (benchRun, error) {
			pts, err := patrol.NewSynthDistrict(benchCentre, side).Patrol(benchDay, 1, 1)
			if err != nil {
				return benchRun{}, err
			}
			if len(pts) < n {
				return benchRun{}, fmt.Errorf("%w: a day of %d workers is %d fixes, want %d", ErrCheck, side*side, len(pts), n)
			}
			pts = pts[:n]
			s, err := open(ctx, env)
			if err != nil {
				return benchRun{}, err
			}
			var grown int64
			return benchRun{
				run: func(ctx context.Context) error {
					stored := 0
					for i := 0; i < len(pts); i += ingestBatch {
						k, err := s.PutTrackPoints(ctx, pts[i:min(i+ingestBatch, len(pts))])
						if err != nil {
							return err
						}
						stored += k
					}
					if stored != len(pts) {
						return fmt.Errorf("%w: %d of %d fixes stored as new", ErrCheck, stored, len(pts))
					}
					return nil
				},
				close: func() (err error) {
					grown, err = s.finish()
					return err
				},
				serverCPU: s.serverCPU,
				note: func() string {
					return fmt.Sprintf("batches of %d%s; %.0f B on disk per fix", ingestBatch, s.note, float64(grown)/float64(len(pts)))
				},
			}, nil
		},
	}
}

// openBenchGeoPackage creates a GeoPackage in a new temporary directory,
// removed by finish. The bytes of the fixes are the file's growth over an
// empty GeoPackage, both closed (so with their write-ahead logs merged
// back).
func openBenchGeoPackage(ctx context.Context, _ benchEnv) (benchStore, error) {
	dir, err := os.MkdirTemp("", "wangge-bench-")
	if err != nil {
		return benchStore{}, err
	}
	emptyPath, path := filepath.Join(dir, "empty.gpkg"), filepath.Join(dir, "bench.gpkg")
	empty, err := gpkg.Open(ctx, emptyPath)
	if err == nil {
		err = empty.Close()
	}
	var g *gpkg.Store
	if err == nil {
		g, err = gpkg.Open(ctx, path)
	}
	if err != nil {
		return benchStore{}, errors.Join(err, os.RemoveAll(dir))
	}
	finish := func() (int64, error) {
		defer os.RemoveAll(dir)
		if err := g.Close(); err != nil {
			return 0, err
		}
		full, err1 := os.Stat(path)
		bare, err2 := os.Stat(emptyPath)
		if err := errors.Join(err1, err2); err != nil {
			return 0, err
		}
		return full.Size() - bare.Size(), nil
	}
	return benchStore{Store: g, finish: finish}, nil
}

// openBenchPostGIS opens a PostGIS store in a fresh schema, dropped by
// finish. The track partition of the patrol's month is made beforehand (a
// fix of another worker), as a running server has it already.
func openBenchPostGIS(ctx context.Context, env benchEnv) (benchStore, error) {
	schema, err := newBenchSchema(ctx, env.pg)
	if err != nil {
		return benchStore{}, err
	}
	pg, err := postgis.Open(ctx, schema.dsn)
	if err != nil {
		return benchStore{}, errors.Join(err, schema.drop())
	}
	warm := patrol.TrackPoint{Worker: "bench-warm-up", Time: benchDay, Point: benchCentre}
	var bytes0 int64
	_, err = pg.PutTrackPoints(ctx, []patrol.TrackPoint{warm})
	if err == nil {
		bytes0, err = schema.trackBytes()
	}
	if err != nil {
		return benchStore{}, errors.Join(err, pg.Close(), schema.drop())
	}
	finish := func() (int64, error) {
		bytes1, err := schema.trackBytes()
		return bytes1 - bytes0, errors.Join(err, pg.Close(), schema.drop())
	}
	return benchStore{Store: pg, finish: finish, serverCPU: schema.serverCPU, note: "; month partition made beforehand"}, nil
}

// monthSize names a month-long case and gives its days and the simulated
// days they repeat: 30 of 3, or, quick, 3 of 1.
func monthSize(row string, quick bool) (name string, days, variants int) {
	if quick {
		return row + "/3d-100w", 3, 1
	}
	return row + "/30d-100w", 30, 3
}

// monthOfPatrols is the district of the month-long cases (100 workers,
// one per 500 m grid) and their fixes.
func monthOfPatrols(days, variants int) (patrol.SynthDistrict, []patrol.TrackPoint, error) {
	d := patrol.NewSynthDistrict(benchCentre, 10)
	pts, err := d.Patrol(benchDay, days, variants)
	return d, pts, err
}

// coverageCase is the coverage report of DESIGN.md: 100 workers (one per
// 500 m grid of a 5 km × 5 km synthetic district) patrolling 8 hours a
// day with a fix every 5 s for 30 days, three simulated days repeated (a
// quick run: 3 days, one repeated).
func coverageCase(quick bool) benchCase {
	name, days, variants := monthSize("coverage", quick)
	return benchCase{
		name: name, unit: "fixes",
		prepare: func(context.Context, benchEnv) (benchRun, error) {
			d, pts, err := monthOfPatrols(days, variants)
			if err != nil {
				return benchRun{}, err
			}
			opts := coverage.CoverageOptions{From: benchDay, To: benchDay.AddDate(0, 0, days)}
			var rep *coverage.CoverageReport
			return benchRun{
				items: len(pts),
				run: func(context.Context) (err error) {
					rep, err = coverage.Coverage(d.Grids, nil, pts, opts)
					return err
				},
				note: func() string {
					return fmt.Sprintf("one report, %d grids, %.1f%% covered", len(d.Grids), 100*rep.Share)
				},
			}, nil
		},
	}
}
