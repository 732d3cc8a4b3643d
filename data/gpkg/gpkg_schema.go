package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wangge/data/internal/codec"
)

// gpkgApplicationID is "GPKG" and gpkgUserVersion is 1.3.0, the two
// header fields that mark a SQLite file as a GeoPackage 1.3.
const (
	gpkgApplicationID = 0x47504B47
	gpkgUserVersion   = 10300
)

// gpkgCore creates the tables every GeoPackage has (OGC 12-128r18 §1.1.2,
// §1.1.3, §2.1.5, §2.3) with the three required spatial reference systems.
const gpkgCore = `
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
 ('WGS 84 geodetic', 4326, 'EPSG', 4326,
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
`

// gpkgLayer is one table of the store: a feature layer when geom is set
// (geometry column "geom"), an attributes table otherwise. Every table has
// the integer primary key fid that GeoPackage requires.
type gpkgLayer struct {
	name    string
	geom    string // MULTIPOLYGON, MULTILINESTRING, POINT or "" for attributes
	rtree   bool   // spatially indexed
	cols    string // column definitions besides fid and geom
	indexes []string
	// dropped are indexes of earlier releases that gpkgCreate drops from
	// an older file.
	dropped []string
	// added are column definitions that came after the table was first
	// released; each needs a default so that gpkgCreate can add it to an
	// older file with ALTER TABLE.
	added []string
	// hidden keeps the table out of gpkg_contents (and takes it out of an
	// older file's), so that GDAL and QGIS do not list it as a layer: the
	// tokens, whose hashes are nobody's business who opens the map.
	hidden bool
	// fill holds, by column name, the statement that gives an added column
	// its values in the rows of an older file, run once when the column is
	// added.
	fill map[string]string
}

// gpkgLayers is the store's schema. Times are ISO 8601 text in UTC with
// microseconds (see codec.TimeLayout), declared TEXT because GeoPackage's
// DATETIME allows milliseconds only. Track points key on integer
// microseconds for speed and keep a DATETIME to the millisecond beside it
// for GIS desktops (QGIS's temporal controller, GDAL).
var gpkgLayers = []gpkgLayer{
	{name: "areas", geom: "MULTIPOLYGON", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT NOT NULL, code TEXT NOT NULL`},
	{name: "blocks", geom: "MULTIPOLYGON", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, name TEXT NOT NULL, households INTEGER NOT NULL,
  population INTEGER NOT NULL, parent TEXT NOT NULL, attrs TEXT NOT NULL`,
		indexes: []string{"blocks_parent ON blocks(parent, id)"}},
	{name: "buildings", geom: "MULTIPOLYGON", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, block TEXT NOT NULL, kind TEXT NOT NULL, levels INTEGER NOT NULL, households INTEGER NOT NULL`},
	{name: "roads", geom: "MULTILINESTRING", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, class TEXT NOT NULL, name TEXT NOT NULL`},
	{name: "plans",
		cols: `id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, status TEXT NOT NULL, params TEXT NOT NULL,
  created TEXT, published TEXT`},
	{name: "grids", geom: "MULTIPOLYGON", rtree: true,
		cols: `plan TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, id TEXT NOT NULL, kind TEXT NOT NULL,
  blocks TEXT NOT NULL, weight REAL NOT NULL, parent TEXT NOT NULL, locked INTEGER NOT NULL, flags TEXT NOT NULL,
  area_m2 REAL NOT NULL, perimeter_m REAL NOT NULL, polsby_popper REAL NOT NULL, hull_ratio REAL NOT NULL,
  UNIQUE (plan, id)`},
	{name: "plan_versions",
		cols: `plan TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, version INTEGER NOT NULL, base INTEGER NOT NULL,
  edit TEXT NOT NULL, created TEXT, grids TEXT NOT NULL, UNIQUE (plan, version)`},
	// plan_publications: the intervals superseded plans were in force
	// (see data.PlanStore.Publications).
	{name: "plan_publications",
		cols: `plan TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE, start TEXT NOT NULL, until TEXT NOT NULL`},
	{name: "workers",
		cols:    `id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL, device_id TEXT NOT NULL, grids TEXT NOT NULL`,
		dropped: []string{"workers_device"}}, // now the unique workers_device_key
	{name: "track_points", geom: "POINT",
		cols: `worker TEXT NOT NULL, t INTEGER NOT NULL, time DATETIME NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL,
  accuracy REAL NOT NULL, speed REAL NOT NULL, bearing REAL NOT NULL, altitude REAL NOT NULL, battery REAL NOT NULL,
  UNIQUE (worker, t)`,
		indexes: []string{"track_points_hour ON track_points(" + gpkgTrackHour + ")"},
		dropped: []string{"track_points_t"}},
	{name: "incidents", geom: "POINT", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, category TEXT NOT NULL, description TEXT NOT NULL, address TEXT NOT NULL,
  media_url TEXT NOT NULL, status TEXT NOT NULL, level TEXT NOT NULL, reporter TEXT NOT NULL, grid TEXT NOT NULL,
  reported TEXT NOT NULL, updated TEXT, satisfied BOOLEAN, score INTEGER NOT NULL`,
		indexes: []string{"incidents_reported ON incidents(reported)"},
		// version counts the incident's events (see UpdateIncident).
		added: []string{"duplicate_of TEXT NOT NULL DEFAULT ''", "flags TEXT NOT NULL DEFAULT '[]'",
			"version INTEGER NOT NULL DEFAULT 0"},
		fill: map[string]string{
			"version": "UPDATE incidents SET version = (SELECT count(*) FROM incident_events WHERE incident = incidents.id)",
		}},
	{name: "incident_events",
		cols: `incident TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  time TEXT NOT NULL, actor TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
  level TEXT NOT NULL, note TEXT NOT NULL, UNIQUE (incident, seq)`},
	{name: "key_places", geom: "POINT", rtree: true,
		cols: `id TEXT NOT NULL UNIQUE, category TEXT NOT NULL, visit_interval_ns INTEGER NOT NULL, grid TEXT NOT NULL,
  last_visited TEXT`,
		added: []string{"added TEXT"}},
	// visit_state holds one row (fid 1), data.VisitState.
	{name: "visit_state", hidden: true,
		cols: `version INTEGER NOT NULL, since TEXT, checked TEXT, resume TEXT NOT NULL`},
	{name: "tokens", hidden: true,
		cols: `id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, worker TEXT NOT NULL,
  grid TEXT NOT NULL, created TEXT`},
}

// gpkgUnique are the rules across rows that the file itself keeps, by
// unique partial indexes, so that several processes writing it cannot
// break them. Each index is created once fit has made an older file's rows
// obey it (or failed, saying what to resolve).
var gpkgUnique = []struct {
	index string
	fit   func(ctx context.Context, tx *sql.Tx) error
}{
	{"plans_published ON plans(status) WHERE status = 'published'", gpkgOnePublished},
	{"workers_device_key ON workers(device_id) WHERE device_id <> ''", gpkgNoSharedDevice},
}

// gpkgNoSharedDevice fails, naming them, when workers share a device: only
// a person can tell which of them keeps it.
func gpkgNoSharedDevice(ctx context.Context, tx *sql.Tx) error {
	shared, err := gpkgHolders(ctx, tx, codec.SharedDevicesSQL)
	if err != nil {
		return err
	}
	return codec.SharedDevices(shared)
}

// gpkgHolders reads the (device, worker) rows of a query.
func gpkgHolders(ctx context.Context, db gpkgDB, query string, args ...any) ([]codec.Holder, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("data: devices of workers: %w", err)
	}
	defer rows.Close()
	var out []codec.Holder
	for rows.Next() {
		var h codec.Holder
		if err := rows.Scan(&h.Device, &h.Worker); err != nil {
			return nil, fmt.Errorf("data: devices of workers: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: devices of workers: %w", err)
	}
	return out, nil
}

// gpkgOnePublished supersedes every published plan but the one in
// force (see data.InForce): a publish of an older release that failed
// half-way may have left two. Published times are fixed-width UTC text,
// so they sort as they compare; a plan without one sorts first.
func gpkgOnePublished(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE plans SET status = 'superseded'
		WHERE status = 'published' AND id <> (SELECT id FROM plans WHERE status = 'published'
			ORDER BY published DESC, id DESC LIMIT 1)`)
	if err != nil {
		return fmt.Errorf("data: leave one plan published: %w", err)
	}
	return nil
}

// gpkgPastPublications fills plan_publications of a file made before it
// was kept (data.PlanStore.Publications); with any row there, or no
// superseded plan, it adds nothing.
const gpkgPastPublications = `INSERT INTO plan_publications (plan, start, until)
SELECT id, published, next FROM (
	SELECT id, status, published, lead(published) OVER (ORDER BY published, id) AS next FROM plans WHERE published IS NOT NULL)
WHERE status = 'superseded' AND next IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_publications)`

// gpkgAppendOnly keeps incident events as they were written.
const gpkgAppendOnly = `CREATE TRIGGER IF NOT EXISTS incident_events_append_only
BEFORE UPDATE ON incident_events BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;`

// ddl is the SQL that creates the layer and registers it.
func (l gpkgLayer) ddl() string {
	var b strings.Builder
	geom := ""
	if l.geom != "" {
		geom = "geom " + l.geom + ", "
	}
	cols := strings.Join(append([]string{l.cols}, l.added...), ", ")
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, %s%s);\n", l.name, geom, cols)
	for _, ix := range l.indexes {
		fmt.Fprintf(&b, "CREATE INDEX IF NOT EXISTS %s;\n", ix)
	}
	for _, ix := range l.dropped {
		fmt.Fprintf(&b, "DROP INDEX IF EXISTS %s;\n", ix)
	}
	if l.hidden {
		fmt.Fprintf(&b, "DELETE FROM gpkg_contents WHERE table_name = '%s';\n", l.name)
		return b.String()
	}
	if l.geom == "" {
		fmt.Fprintf(&b, "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) VALUES ('%s', 'attributes', '%[1]s');\n", l.name)
		return b.String()
	}
	fmt.Fprintf(&b, "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('%s', 'features', '%[1]s', %d);\n", l.name, gpkgSRS)
	fmt.Fprintf(&b, "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('%s', 'geom', '%s', %d, 0, 0);\n", l.name, l.geom, gpkgSRS)
	if l.rtree {
		b.WriteString(gpkgRTree(l.name))
	}
	return b.String()
}

// gpkgRTree creates the spatial index of a layer's geom column and the
// triggers that keep it current (Store extension gpkg_rtree_index,
// Annex F.3). The triggers call the ST_* functions gpkgFunctions registers.
// update1 deletes and inserts instead of INSERT OR REPLACE (as GeoPackage
// 1.4's update6 does): inside an upsert SQLite applies the outer
// statement's conflict policy, so OR REPLACE would fail on the old entry.
func gpkgRTree(table string) string {
	rt := "rtree_" + table + "_geom"
	nonEmpty := "NEW.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)"
	empty := "NEW.geom IS NULL OR ST_IsEmpty(NEW.geom)"
	row := "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)"
	r := strings.NewReplacer("{RT}", rt, "{TBL}", table, "{NONEMPTY}", nonEmpty, "{EMPTY}", empty, "{ROW}", row)
	return r.Replace(`
INSERT OR IGNORE INTO gpkg_extensions VALUES ('{TBL}', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE IF NOT EXISTS {RT} USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER IF NOT EXISTS {RT}_insert AFTER INSERT ON {TBL} WHEN ({NONEMPTY})
BEGIN INSERT OR REPLACE INTO {RT} VALUES ({ROW}); END;
CREATE TRIGGER IF NOT EXISTS {RT}_update1 AFTER UPDATE OF geom ON {TBL}
WHEN OLD.fid = NEW.fid AND ({NONEMPTY})
BEGIN DELETE FROM {RT} WHERE id = OLD.fid; INSERT INTO {RT} VALUES ({ROW}); END;
CREATE TRIGGER IF NOT EXISTS {RT}_update2 AFTER UPDATE OF geom ON {TBL}
WHEN OLD.fid = NEW.fid AND ({EMPTY})
BEGIN DELETE FROM {RT} WHERE id = OLD.fid; END;
CREATE TRIGGER IF NOT EXISTS {RT}_update3 AFTER UPDATE ON {TBL}
WHEN OLD.fid != NEW.fid AND ({NONEMPTY})
BEGIN DELETE FROM {RT} WHERE id = OLD.fid; INSERT OR REPLACE INTO {RT} VALUES ({ROW}); END;
CREATE TRIGGER IF NOT EXISTS {RT}_update4 AFTER UPDATE ON {TBL}
WHEN OLD.fid != NEW.fid AND ({EMPTY})
BEGIN DELETE FROM {RT} WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER IF NOT EXISTS {RT}_delete AFTER DELETE ON {TBL} WHEN OLD.geom NOT NULL
BEGIN DELETE FROM {RT} WHERE id = OLD.fid; END;
`)
}

// addColumns adds the layer's added columns that an older file lacks and
// fills them.
func (l gpkgLayer) addColumns(ctx context.Context, tx *sql.Tx) error {
	if len(l.added) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", l.name)
	if err != nil {
		return fmt.Errorf("data: columns of %s: %w", l.name, err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("data: columns of %s: %w", l.name, err)
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: columns of %s: %w", l.name, err)
	}
	for _, def := range l.added {
		if name, _, _ := strings.Cut(def, " "); !have[name] {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE "+l.name+" ADD COLUMN "+def); err != nil {
				return fmt.Errorf("data: add column %s.%s: %w", l.name, name, err)
			}
			if fill := l.fill[name]; fill != "" {
				if _, err := tx.ExecContext(ctx, fill); err != nil {
					return fmt.Errorf("data: fill column %s.%s: %w", l.name, name, err)
				}
			}
		}
	}
	return nil
}

// gpkgCreate makes the file a GeoPackage holding the store's layers, or
// checks that it already is one. It is idempotent: every statement creates
// only what is missing, so a GeoPackage made by another tool gains the
// store's layers beside its own.
func gpkgCreate(ctx context.Context, db *sql.DB) error {
	var appID, version int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("data: read GeoPackage header: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("data: read GeoPackage header: %w", err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return fmt.Errorf("data: read schema: %w", err)
	}
	if tables > 0 && appID != gpkgApplicationID {
		return fmt.Errorf("%w: application_id is %#x, not GPKG", ErrNotGeoPackage, appID)
	}
	var ddl strings.Builder
	ddl.WriteString(gpkgCore)
	for _, l := range gpkgLayers {
		ddl.WriteString(l.ddl())
	}
	ddl.WriteString(gpkgAppendOnly)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("data: create GeoPackage: %w", err)
	}
	defer tx.Rollback()
	if appID != gpkgApplicationID || version < gpkgUserVersion {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", gpkgApplicationID, gpkgUserVersion)); err != nil {
			return fmt.Errorf("data: write GeoPackage header: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, ddl.String()); err != nil {
		return fmt.Errorf("data: create GeoPackage tables: %w", err)
	}
	for _, l := range gpkgLayers {
		if err := l.addColumns(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, gpkgPastPublications); err != nil {
		return fmt.Errorf("data: past publications of plans: %w", err)
	}
	for _, u := range gpkgUnique {
		if err := u.fit(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS "+u.index); err != nil {
			return fmt.Errorf("data: create unique index %s: %w", u.index, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data: create GeoPackage: %w", err)
	}
	if appID != gpkgApplicationID {
		// Tools that read the file's header bytes (GDAL's validator, file
		// type sniffers) must see "GPKG" at once, not after the first
		// automatic checkpoint moves page 1 out of the write-ahead log.
		if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return fmt.Errorf("data: checkpoint new GeoPackage: %w", err)
		}
	}
	return nil
}
