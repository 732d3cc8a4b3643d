package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/data/internal/codec"
)

// pgSchema creates every table and index when missing. Identifiers are
// COLLATE "C" so that ordering and keyset paging follow byte order, as in
// Go and in the GeoPackage store.
var pgSchema = []string{
	`CREATE TABLE IF NOT EXISTS areas (
		id text COLLATE "C" PRIMARY KEY,
		name text NOT NULL,
		level text NOT NULL,
		parent text COLLATE "C" NOT NULL,
		code text NOT NULL,
		geom geometry(MultiPolygon, 4326) NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS areas_geom ON areas USING gist (geom)`,

	`CREATE TABLE IF NOT EXISTS blocks (
		id text COLLATE "C" PRIMARY KEY,
		kind text NOT NULL,
		name text NOT NULL,
		households integer NOT NULL,
		population integer NOT NULL,
		parent text COLLATE "C" NOT NULL,
		attrs jsonb,
		geom geometry(MultiPolygon, 4326) NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS blocks_geom ON blocks USING gist (geom)`,
	`CREATE INDEX IF NOT EXISTS blocks_parent ON blocks (parent, id)`,

	`CREATE TABLE IF NOT EXISTS buildings (
		id text COLLATE "C" PRIMARY KEY,
		block text COLLATE "C" NOT NULL,
		kind text NOT NULL,
		levels integer NOT NULL,
		households integer NOT NULL,
		geom geometry(MultiPolygon, 4326) NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS buildings_geom ON buildings USING gist (geom)`,

	`CREATE TABLE IF NOT EXISTS roads (
		id text COLLATE "C" PRIMARY KEY,
		class text NOT NULL,
		name text NOT NULL,
		geom geometry(MultiLineString, 4326) NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS roads_geom ON roads USING gist (geom)`,

	`CREATE TABLE IF NOT EXISTS plans (
		id text COLLATE "C" PRIMARY KEY,
		name text NOT NULL,
		status text NOT NULL,
		params jsonb,
		created timestamptz,
		published timestamptz)`,

	`CREATE TABLE IF NOT EXISTS grids (
		plan text COLLATE "C" NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
		id text COLLATE "C" NOT NULL,
		kind text NOT NULL,
		blocks jsonb,
		weight double precision NOT NULL,
		parent text NOT NULL,
		locked boolean NOT NULL,
		flags jsonb,
		area_m2 double precision NOT NULL,
		perimeter_m double precision NOT NULL,
		polsby_popper double precision NOT NULL,
		hull_ratio double precision NOT NULL,
		geom geometry(MultiPolygon, 4326) NOT NULL,
		PRIMARY KEY (plan, id))`,
	`CREATE INDEX IF NOT EXISTS grids_geom ON grids USING gist (geom)`,

	`CREATE TABLE IF NOT EXISTS plan_versions (
		plan text COLLATE "C" NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
		version integer NOT NULL,
		base integer NOT NULL,
		edit text NOT NULL,
		created timestamptz,
		grids jsonb NOT NULL,
		PRIMARY KEY (plan, version))`,

	// The intervals superseded plans were in force (see
	// data.PlanStore.Publications); a database made before they were kept
	// gets them from the Published times, each until the next plan's.
	`CREATE TABLE IF NOT EXISTS plan_publications (
		plan text COLLATE "C" NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
		start timestamptz NOT NULL,
		until timestamptz NOT NULL)`,
	`INSERT INTO plan_publications (plan, start, until)
		SELECT id, published, next FROM (
			SELECT id, status, published, lead(published) OVER (ORDER BY published, id) AS next FROM plans WHERE published IS NOT NULL) s
		WHERE status = 'superseded' AND next IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_publications)`,

	`CREATE TABLE IF NOT EXISTS workers (
		id text COLLATE "C" PRIMARY KEY,
		name text NOT NULL,
		role text NOT NULL,
		device_id text NOT NULL,
		grids jsonb)`,
	`DROP INDEX IF EXISTS workers_device`, // now the unique workers_device_key

	`CREATE TABLE IF NOT EXISTS track_points (
		worker text COLLATE "C" NOT NULL,
		t timestamptz NOT NULL,
		geom geometry(Point, 4326) NOT NULL,
		accuracy double precision NOT NULL,
		speed double precision NOT NULL,
		bearing double precision NOT NULL,
		altitude double precision NOT NULL,
		battery double precision NOT NULL,
		PRIMARY KEY (worker, t)) PARTITION BY RANGE (t)`,
	`CREATE TABLE IF NOT EXISTS track_points_default PARTITION OF track_points DEFAULT`,
	// Fixes are points, indexed by a space-partitioned GiST (a quadtree):
	// it serves the same && bbox filter as GiST, as fast on queries, at
	// less CPU per insert (see BenchmarkPostGISTrackInsert). The GiST of
	// older schemas is dropped.
	`DROP INDEX IF EXISTS track_points_geom`,
	`CREATE INDEX IF NOT EXISTS track_points_geom_sp ON track_points USING spgist (geom)`,

	`CREATE TABLE IF NOT EXISTS incidents (
		id text COLLATE "C" PRIMARY KEY,
		category text NOT NULL,
		description text NOT NULL,
		address text NOT NULL,
		media_url text NOT NULL,
		geom geometry(Point, 4326) NOT NULL,
		status text NOT NULL,
		level text NOT NULL,
		reporter text COLLATE "C" NOT NULL,
		grid text COLLATE "C" NOT NULL,
		reported timestamptz,
		updated timestamptz,
		satisfied boolean,
		score integer NOT NULL)`,
	// Columns added after the table was first released: a database
	// created before gains them here, with values that mean "none".
	`ALTER TABLE incidents
		ADD COLUMN IF NOT EXISTS duplicate_of text COLLATE "C" NOT NULL DEFAULT '',
		ADD COLUMN IF NOT EXISTS flags jsonb NOT NULL DEFAULT '[]'::jsonb`,
	`CREATE INDEX IF NOT EXISTS incidents_geom ON incidents USING gist (geom)`,
	`CREATE INDEX IF NOT EXISTS incidents_grid ON incidents (grid, id)`,
	`CREATE INDEX IF NOT EXISTS incidents_reported ON incidents (reported)`,

	`CREATE TABLE IF NOT EXISTS incident_events (
		incident text COLLATE "C" NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
		seq integer NOT NULL,
		t timestamptz,
		actor text NOT NULL,
		from_status text NOT NULL,
		to_status text NOT NULL,
		level text NOT NULL,
		note text NOT NULL,
		PRIMARY KEY (incident, seq))`,
	// version counts the incident's events (see UpdateIncident); an
	// older database gains it counted from the events stored.
	`DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_attribute
				WHERE attrelid = 'incidents'::regclass AND attname = 'version' AND NOT attisdropped) THEN
			ALTER TABLE incidents ADD COLUMN version integer NOT NULL DEFAULT 0;
			UPDATE incidents i SET version = (SELECT count(*) FROM incident_events e WHERE e.incident = i.id);
		END IF;
	END $$`,
	// Events are appended and never rewritten; they go only with their
	// incident.
	`CREATE OR REPLACE FUNCTION incident_events_append_only() RETURNS trigger
		LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'incident events are append-only';
		END $$`,
	`CREATE OR REPLACE TRIGGER incident_events_append_only BEFORE UPDATE ON incident_events
		FOR EACH ROW EXECUTE FUNCTION incident_events_append_only()`,

	`CREATE TABLE IF NOT EXISTS key_places (
		id text COLLATE "C" PRIMARY KEY,
		category text NOT NULL,
		geom geometry(Point, 4326) NOT NULL,
		visit_interval_ns bigint NOT NULL,
		grid text COLLATE "C" NOT NULL,
		last_visited timestamptz)`,
	`ALTER TABLE key_places ADD COLUMN IF NOT EXISTS added timestamptz`,
	`CREATE INDEX IF NOT EXISTS key_places_geom ON key_places USING gist (geom)`,
	`CREATE TABLE IF NOT EXISTS visit_state (
		id integer PRIMARY KEY CHECK (id = 1),
		version bigint NOT NULL,
		since timestamptz,
		checked timestamptz,
		resume text NOT NULL)`,

	`CREATE TABLE IF NOT EXISTS wangge_health (
		id integer PRIMARY KEY,
		checked timestamptz NOT NULL)`,

	`CREATE TABLE IF NOT EXISTS tokens (
		id text COLLATE "C" PRIMARY KEY,
		hash text NOT NULL UNIQUE,
		role text NOT NULL,
		worker text COLLATE "C" NOT NULL,
		grid text COLLATE "C" NOT NULL,
		created timestamptz)`,
}

// pgUnique are the rules across rows that the database itself keeps, by
// unique partial indexes, so that several processes cannot break them.
// Each index is created once fit has made an older database's rows obey
// it (or failed, saying what to resolve).
var pgUnique = []struct {
	index string
	fit   func(ctx context.Context, tx pgx.Tx) error
}{
	{"plans_published ON plans (status) WHERE status = 'published'", pgOnePublished},
	{"workers_device_key ON workers (device_id) WHERE device_id <> ''", pgNoSharedDevice},
}

// pgNoSharedDevice fails, naming them, when workers share a device: only
// a person can tell which of them keeps it.
func pgNoSharedDevice(ctx context.Context, tx pgx.Tx) error {
	shared, err := pgCollect(ctx, tx, codec.SharedDevicesSQL, nil, pgScanHolder)
	if err != nil {
		return fmt.Errorf("data: devices of workers: %w", err)
	}
	return codec.SharedDevices(shared)
}

// pgOnePublished supersedes every published plan but the one in
// force (see data.InForce): a publish of an older release that failed
// half-way may have left two.
func pgOnePublished(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE plans SET status = 'superseded'
		WHERE status = 'published' AND id <> (SELECT id FROM plans WHERE status = 'published'
			ORDER BY published DESC NULLS LAST, id DESC LIMIT 1)`)
	if err != nil {
		return fmt.Errorf("data: leave one plan published: %w", err)
	}
	return nil
}

// pgSchemaLock takes the advisory lock of the schema's definition until
// the transaction ends. Every change of the schema takes it first, the
// tables and indexes an Open creates as well as the track partitions
// made later, so that no two of them take the locks of the tables they
// change in different orders: with one lock each, an Open and a new
// partition deadlocked (40P01).
const pgSchemaLock = "SELECT pg_advisory_xact_lock(hashtext('wangge schema ' || current_schema()))"

// migrate creates the schema when missing, under pgSchemaLock so that
// several processes starting at once do not race on the catalog.
func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, pgSchemaLock); err != nil {
			return fmt.Errorf("data: postgis schema lock: %w", err)
		}
		var hasPostGIS bool
		err := tx.QueryRow(ctx, "SELECT current_schema(), to_regtype('geometry') IS NOT NULL").Scan(&s.schema, &hasPostGIS)
		if err != nil {
			return fmt.Errorf("data: postgis schema: %w", err)
		}
		if !hasPostGIS {
			if _, err := tx.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
				return fmt.Errorf("data: postgis extension: %w", err)
			}
		}
		for _, ddl := range pgSchema {
			if _, err := tx.Exec(ctx, ddl); err != nil {
				return fmt.Errorf("data: postgis schema: %w", err)
			}
		}
		for _, u := range pgUnique {
			if err := u.fit(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS "+u.index); err != nil {
				return fmt.Errorf("data: postgis unique index %s: %w", u.index, err)
			}
		}
		return nil
	})
}

// pgMonth numbers the UTC month of t from year 0.
func pgMonth(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// pgMonthStart is the first instant of month m (see pgMonth).
func pgMonthStart(m int) time.Time {
	return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// pgFirstMonth is the earliest month given a partition of its own.
var pgFirstMonth = pgMonth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))

// ensureMonths makes sure a track_points partition covers each of months
// from pgFirstMonth to next month. Fixes of other months (a device with a
// wrong clock) stay in the default partition, so that bad times cannot
// make thousands of tables. A new partition takes over the rows of its
// month that were in the default partition, so creating it never fails on
// them.
func (s *Store) ensureMonths(ctx context.Context, months map[int]bool) error {
	s.monthsMu.Lock()
	defer s.monthsMu.Unlock()
	last := pgMonth(time.Now()) + 1
	for m := range months {
		if s.months[m] || m < pgFirstMonth || m > last {
			continue
		}
		if err := s.createMonth(ctx, m); err != nil {
			return err
		}
		s.months[m] = true
	}
	return nil
}

// createMonth creates the partition of month m unless it exists.
func (s *Store) createMonth(ctx context.Context, m int) error {
	from, to := pgMonthStart(m), pgMonthStart(m+1)
	name := fmt.Sprintf("track_points_%04d%02d", from.Year(), int(from.Month()))
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, pgSchemaLock); err != nil {
			return fmt.Errorf("data: track partition lock: %w", err)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relname = $1)`, name).Scan(&exists); err != nil {
			return fmt.Errorf("data: track partition %s: %w", name, err)
		}
		if exists {
			return nil
		}
		bounds := fmt.Sprintf("FROM ('%s') TO ('%s')", from.Format(time.RFC3339), to.Format(time.RFC3339))
		// Nothing may enter the default partition between the move and
		// the attach, which checks that it holds no row of the month.
		ddl := []string{
			"LOCK TABLE track_points_default IN ACCESS EXCLUSIVE MODE",
			"CREATE TABLE " + name + " (LIKE track_points INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
			fmt.Sprintf(`WITH moved AS (DELETE FROM track_points_default WHERE t >= '%s' AND t < '%s' RETURNING *)
				INSERT INTO %s SELECT * FROM moved`, from.Format(time.RFC3339), to.Format(time.RFC3339), name),
			"ALTER TABLE track_points ATTACH PARTITION " + name + " FOR VALUES " + bounds,
		}
		for _, q := range ddl {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("data: track partition %s: %w", name, err)
			}
		}
		return nil
	})
}
