package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Feature is one row of a GeoPackage feature table: its geometry and its
// other columns as text (NULL is absent).
type Feature struct {
	Geometry   orb.Geometry
	Properties map[string]string
}

// ErrLayer means a GeoPackage has no such feature table, or one whose
// coordinates are not WGS-84 longitude and latitude (EPSG:4326).
var ErrLayer = errors.New("gpkg: bad layer")

// ReadLayer reads every feature of the feature table layer of any
// GeoPackage (GDAL's, QGIS's; read-only, nothing is created): a layer
// in another CRS is refused (reproject it with ogr2ogr -t_srs EPSG:4326),
// and so is a geometry that does not decode, naming its row.
func ReadLayer(ctx context.Context, path, layer string) ([]Feature, error) {
	gpkgRegister.Do(func() {
		sql.Register(gpkgDriver, &sqlite3.SQLiteDriver{ConnectHook: gpkgFunctions})
	})
	db, err := sql.Open(gpkgDriver, "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	var column string
	var srs int
	err = db.QueryRowContext(ctx, "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", layer).Scan(&column, &srs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w: no feature table %q (%s)", path, ErrLayer, layer, layerNames(ctx, db))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a GeoPackage: %w", path, err)
	}
	if srs != 4326 {
		return nil, fmt.Errorf("%s: layer %s: %w: CRS is srs_id %d, want 4326 (ogr2ogr -t_srs EPSG:4326)", path, layer, ErrLayer, srs)
	}
	rows, err := db.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(layer, `"`, `""`)+`"`)
	if err != nil {
		return nil, fmt.Errorf("%s: layer %s: %w", path, layer, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Feature
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: layer %s: %w", path, layer, err)
		}
		f := Feature{Properties: map[string]string{}}
		for i, c := range cols {
			switch v := vals[i].(type) {
			case nil:
			case []byte:
				if c != column {
					f.Properties[c] = string(v)
					continue
				}
				h, err := gpkgParse(v)
				if err == nil && !h.empty {
					f.Geometry, err = wkb.Unmarshal(h.wkb)
				}
				if err != nil {
					return nil, fmt.Errorf("%s: layer %s: row %d: %w", path, layer, len(out)+1, err)
				}
			default:
				f.Properties[c] = fmt.Sprint(v)
			}
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: layer %s: %w", path, layer, err)
	}
	return out, nil
}

// layerNames lists the feature tables of a GeoPackage for an error.
func layerNames(ctx context.Context, db *sql.DB) string {
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM gpkg_geometry_columns ORDER BY table_name")
	if err != nil {
		return "no feature tables"
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "no feature tables"
	}
	return "it has " + strings.Join(names, ", ")
}
