package layers

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb/geojson"

	"wangge/data/gpkg"
)

// Layer names where features are: a GeoJSON file (Name empty) or a table
// of a GeoPackage.
type Layer struct {
	File string
	Name string
}

// ParseLayer reads "FILE.geojson" or "FILE.gpkg:LAYER".
func ParseLayer(s string) (Layer, error) {
	if s == "" {
		return Layer{}, nil
	}
	ext := strings.ToLower(filepath.Ext(s))
	if ext == ".geojson" || ext == ".json" {
		return Layer{File: s}, nil
	}
	if i := strings.LastIndex(s, ":"); i > 0 && strings.EqualFold(filepath.Ext(s[:i]), ".gpkg") && i+1 < len(s) {
		return Layer{File: s[:i], Name: s[i+1:]}, nil
	}
	return Layer{}, fmt.Errorf("%w: %q: want FILE.geojson or FILE.gpkg:LAYER", ErrLayerSpec, s)
}

// String is the layer as ParseLayer reads it.
func (l Layer) String() string {
	if l.Name == "" {
		return l.File
	}
	return l.File + ":" + l.Name
}

// read reads the features of the layer.
func (l Layer) read(ctx context.Context) ([]gpkg.Feature, error) {
	if l.Name != "" {
		return gpkg.ReadLayer(ctx, l.File, l.Name)
	}
	b, err := os.ReadFile(l.File)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.File, err)
	}
	out := make([]gpkg.Feature, len(fc.Features))
	for i, f := range fc.Features {
		props := map[string]string{}
		for k, v := range f.Properties {
			switch v := v.(type) {
			case nil:
			case string:
				props[k] = v
			case float64, bool:
				props[k] = fmt.Sprint(v)
			default:
				j, _ := json.Marshal(v)
				props[k] = string(j)
			}
		}
		if f.ID != nil {
			if _, ok := props["id"]; !ok {
				props["id"] = fmt.Sprint(f.ID)
			}
		}
		out[i] = gpkg.Feature{Geometry: f.Geometry, Properties: props}
	}
	return out, nil
}
