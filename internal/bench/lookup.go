package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"wangge/geo"
	"wangge/partition"
)

// lookupGrids is the number of polygons of the lookup target: the
// 10,000 blocks of partition.Mosaic(10000, 1), a tiling of about 8 km × 8 km
// standing in for a district's grids.
const lookupGrids = 10000

// lookupData is the lookup cases' input: the polygons, indexed, and points
// spread uniformly over their bounds (a power of two of them, so that a
// run cycles through them with a mask).
type lookupData struct {
	blocks []partition.Block
	index  *geo.Index[int]
	points []orb.Point
}

// newLookupData builds the polygons, the index and 2^20 points, then
// looks every point up once (a hundred queries per polygon), so that
// whatever the index builds lazily on its first queries is built outside
// the measurement, which sees the steady state: its alloc column stays
// near zero.
func newLookupData() lookupData {
	d := lookupData{blocks: partition.Mosaic(lookupGrids, 1), index: geo.NewIndex[int]()}
	var b orb.Bound
	for i, bl := range d.blocks {
		d.index.Insert(i, bl.Geometry)
		if i == 0 {
			b = bl.Geometry.Bound()
		}
		b = b.Union(bl.Geometry.Bound())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d.points = make([]orb.Point, 1<<20)
	for i := range d.points {
		d.points[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	for _, p := range d.points {
		d.index.Lookup(p)
	}
	return d
}

// found counts the first n points (cycling) that lie in a polygon.
func (d lookupData) found(ctx context.Context, n int) (int, error) {
	found := 0
	for i := range n {
		if i&(1<<20-1) == 0 && ctx.Err() != nil {
			return found, ctx.Err()
		}
		if _, ok := d.index.Lookup(d.points[i&(len(d.points)-1)]); ok {
			found++
		}
	}
	if found == 0 {
		return 0, fmt.Errorf("%w: none of %d points is in a grid", ErrCheck, n)
	}
	return found, nil
}

// lookupCases are point → grid lookups over 10k polygons: geo.Index on
// one thread, and the same points as a PostGIS ST_Contains join.
func lookupCases(quick bool) []benchCase {
	lookups, pgPoints := 20_000_000, 200_000
	if quick {
		lookups, pgPoints = 2_000_000, 20_000
	}
	return []benchCase{
		{
			name: "lookup/10k-grids", items: lookups, unit: "points", oneThread: true,
			prepare: func(context.Context, benchEnv) (benchRun, error) {
				d := newLookupData()
				found := 0
				return benchRun{
					run: func(ctx context.Context) (err error) {
						found, err = d.found(ctx, lookups)
						return err
					},
					note: func() string {
						return fmt.Sprintf("one locked thread, CPU s of that thread; %.1f%% in a grid", 100*float64(found)/float64(lookups))
					},
				}, nil
			},
		},
		{
			name: "lookup/10k-grids-postgis", items: pgPoints, unit: "points", needPG: true,
			prepare: func(ctx context.Context, env benchEnv) (benchRun, error) {
				return prepareLookupPG(ctx, env, pgPoints)
			},
		},
	}
}

// prepareLookupPG loads the polygons (GiST-indexed) and the first n points
// into a fresh schema; the measured work is the ST_Contains join counting
// the points in a polygon, on one backend (no parallel workers). The note
// compares its count with geo.Index's over the same points.
func prepareLookupPG(ctx context.Context, env benchEnv, n int) (benchRun, error) {
	schema, err := newBenchSchema(ctx, env.pg)
	if err != nil {
		return benchRun{}, err
	}
	d := newLookupData()
	goFound, err := d.found(ctx, n)
	var conn *pgx.Conn
	if err == nil {
		conn, err = pgx.Connect(ctx, schema.dsn)
	}
	if err == nil {
		err = loadLookupPG(ctx, conn, d, n)
	}
	if err != nil {
		if conn != nil {
			conn.Close(ctx)
		}
		return benchRun{}, errors.Join(err, schema.drop())
	}
	pgFound := 0
	return benchRun{
		run: func(ctx context.Context) error {
			return conn.QueryRow(ctx, `SELECT count(*) FROM bench_points p JOIN bench_grids g ON ST_Contains(g.geom, p.geom)`).Scan(&pgFound)
		},
		close: func() error {
			conn.Close(context.Background())
			return schema.drop()
		},
		serverCPU: schema.serverCPU,
		note: func() string {
			agree := "same as geo.Index"
			if pgFound != goFound {
				agree = fmt.Sprintf("geo.Index finds %d: they DISAGREE", goFound)
			}
			return fmt.Sprintf("one backend; %d in a grid, %s", pgFound, agree)
		},
	}, nil
}

// loadLookupPG creates and fills bench_grids and bench_points, indexes and
// analyses them, and turns parallel query off for the session (one core,
// as for geo.Index) and JIT compilation too (it costs the join more than
// it saves at these sizes, and PostGIS should have its best plan).
func loadLookupPG(ctx context.Context, conn *pgx.Conn, d lookupData, n int) error {
	ids := make([]int32, len(d.blocks))
	geoms := make([][]byte, len(d.blocks))
	for i, bl := range d.blocks {
		b, err := wkb.Marshal(bl.Geometry)
		if err != nil {
			return fmt.Errorf("bench: block %s: %w", bl.ID, err)
		}
		ids[i], geoms[i] = int32(i), b
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		p := d.points[i&(len(d.points)-1)]
		xs[i], ys[i] = p[0], p[1]
	}
	for _, step := range []struct {
		sql  string
		args []any
	}{
		{`CREATE TABLE bench_grids (id int PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`, nil},
		{`CREATE TABLE bench_points (id bigint PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)`, nil},
		{`INSERT INTO bench_grids SELECT id, ST_GeomFromWKB(w, 4326) FROM unnest($1::int[], $2::bytea[]) AS t(id, w)`, []any{ids, geoms}},
		{`INSERT INTO bench_points SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326)
		  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)`, []any{xs, ys}},
		{`CREATE INDEX ON bench_grids USING gist (geom)`, nil},
		{`ANALYZE bench_grids`, nil},
		{`ANALYZE bench_points`, nil},
		{`SET max_parallel_workers_per_gather = 0`, nil},
		{`SET jit = off`, nil},
	} {
		if _, err := conn.Exec(ctx, step.sql, step.args...); err != nil {
			return fmt.Errorf("bench: postgis lookup set-up: %w", err)
		}
	}
	return nil
}
