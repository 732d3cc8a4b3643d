package tiles

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"wangge/server/etag"
)

// Media types.
const (
	MVT      = "application/vnd.mapbox-vector-tile"
	TileJSON = "application/json"
)

// Zoom range of every tileset.
const (
	MaxZoom = 22
	// extent is the MVT grid of a tile; buffer is how far past its edge
	// geometry is kept, in grid units, so strokes do not end at seams.
	extent = 4096
	buffer = 64
)

// CacheControl is sent with every tile of a public layer: clients and
// proxies may keep one a minute and then revalidate with its ETag;
// PrivateCacheControl with a tile of a Private layer, which shared caches
// must not keep.
const (
	CacheControl        = "public, max-age=60"
	PrivateCacheControl = "private, max-age=60"
)

// Layer is one tileset.
type Layer struct {
	Name        string
	Description string
	// MinZoom is the lowest zoom with features; DetailZoom the zoom from
	// which geometry is not simplified.
	MinZoom, DetailZoom maptile.Zoom
	// Limit is the most features a tile holds; the first in the order
	// Features returns them are kept.
	Limit int
	// Private layers are for the request's token only (its tiles are not
	// for shared caches).
	Private bool
	// Fields names the properties of the features and their types
	// (String, Number, Boolean) for TileJSON's vector_layers.
	Fields map[string]string
	// Features reads the features whose bounds meet b (WGS-84), at most
	// limit of them.
	Features func(ctx context.Context, b orb.Bound, limit int) ([]*geojson.Feature, error)
}

// Options configure the handler.
type Options struct {
	// Layers lists the tilesets a request may see.
	Layers func(c echo.Context) ([]Layer, error)
	// Bounds, when not empty, is announced in TileJSON.
	Bounds func(c echo.Context) (orb.Bound, error)
	// Attribution is shown by map clients.
	Attribution string
}

// handler serves one mount.
type handler struct {
	Options
	prefix string
}

// Mount registers the tile routes on g, whose prefix is given.
func Mount(g *echo.Group, prefix string, o Options) {
	h := &handler{Options: o, prefix: prefix}
	g.GET("/:tileset/:z/:x/:file", h.tile)
	g.GET("/:file", h.tileJSON)
}

// NotFoundError reports a tileset that does not exist or that the request
// may not see (404).
type NotFoundError struct {
	Tileset string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("tiles: no tileset %q; /tiles/{tileset}.json describes each tileset", e.Tileset)
}

// CoordError reports tile coordinates that do not name a tile (400).
type CoordError struct {
	Value  string
	Reason string
}

func (e *CoordError) Error() string {
	return fmt.Sprintf("tiles: tile %s: %s", e.Value, e.Reason)
}

func (h *handler) find(c echo.Context, name string) (Layer, error) {
	layers, err := h.Layers(c)
	if err != nil {
		return Layer{}, err
	}
	i := slices.IndexFunc(layers, func(l Layer) bool { return l.Name == name })
	if i < 0 {
		return Layer{}, &NotFoundError{Tileset: name}
	}
	return layers[i], nil
}

// ParseTile reads z, x and y (y as "N.mvt") as a tile of the zoom range.
func ParseTile(zs, xs, file string) (maptile.Tile, error) {
	ys, ok := strings.CutSuffix(file, ".mvt")
	where := zs + "/" + xs + "/" + file
	if !ok {
		return maptile.Tile{}, &CoordError{Value: where, Reason: "want {z}/{x}/{y}.mvt"}
	}
	z, err := strconv.ParseUint(zs, 10, 8)
	if err != nil || z > MaxZoom {
		return maptile.Tile{}, &CoordError{Value: where, Reason: fmt.Sprintf("zoom must be a whole number from 0 to %d", MaxZoom)}
	}
	n := uint64(1) << z
	x, errX := strconv.ParseUint(xs, 10, 32)
	y, errY := strconv.ParseUint(ys, 10, 32)
	if errX != nil || errY != nil || x >= n || y >= n {
		return maptile.Tile{}, &CoordError{Value: where, Reason: fmt.Sprintf("x and y must be whole numbers from 0 to %d at zoom %d", n-1, z)}
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// Render encodes the tile t of layer l: read, projected, clipped,
// simplified and cut to the limit. nil means an empty tile.
func Render(ctx context.Context, l Layer, t maptile.Tile) ([]byte, error) {
	if t.Z < l.MinZoom {
		return nil, nil
	}
	b := t.Bound(float64(buffer) / extent)
	feats, err := l.Features(ctx, b, l.Limit)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s %d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	if len(feats) == 0 {
		return nil, nil
	}
	layer := &mvt.Layer{Name: l.Name, Version: 2, Extent: extent, Features: feats}
	layer.ProjectToTile(t)
	layer.Clip(orb.Bound{Min: orb.Point{-buffer, -buffer}, Max: orb.Point{extent + buffer, extent + buffer}})
	if t.Z < l.DetailZoom {
		layer.Simplify(simplify.DouglasPeucker(extent / 256 / 2))
	}
	layer.RemoveEmpty(0, 0)
	if len(layer.Features) == 0 {
		return nil, nil
	}
	out, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return nil, fmt.Errorf("tiles: encode %s %d/%d/%d: %w", l.Name, t.Z, t.X, t.Y, err)
	}
	return out, nil
}

func (h *handler) tile(c echo.Context) error {
	l, err := h.find(c, c.Param("tileset"))
	if err != nil {
		return err
	}
	t, err := ParseTile(c.Param("z"), c.Param("x"), c.Param("file"))
	if err != nil {
		return err
	}
	b, err := Render(c.Request().Context(), l, t)
	if err != nil {
		return err
	}
	cacheControl := CacheControl
	if l.Private {
		cacheControl = PrivateCacheControl
	}
	c.Response().Header().Set("Cache-Control", cacheControl)
	if b == nil {
		if etag.Check(c, b) {
			return c.NoContent(http.StatusNotModified)
		}
		return c.NoContent(http.StatusNoContent)
	}
	return etag.Blob(c, MVT, b)
}

// tileJSONDoc is a TileJSON 3.0.0 document.
type tileJSONDoc struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      maptile.Zoom  `json:"minzoom"`
	MaxZoom      maptile.Zoom  `json:"maxzoom"`
	Bounds       *[4]float64   `json:"bounds,omitempty"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     maptile.Zoom      `json:"minzoom"`
	MaxZoom     maptile.Zoom      `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

func (h *handler) tileJSON(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("file"), ".json")
	if !ok {
		return &NotFoundError{Tileset: c.Param("file")}
	}
	l, err := h.find(c, name)
	if err != nil {
		return err
	}
	base := c.Scheme() + "://" + c.Request().Host + h.prefix + "/" + url.PathEscape(l.Name)
	doc := tileJSONDoc{TileJSON: "3.0.0", Name: l.Name, Description: l.Description, Attribution: h.Attribution, Scheme: "xyz",
		Tiles: []string{base + "/{z}/{x}/{y}.mvt"}, MinZoom: l.MinZoom, MaxZoom: MaxZoom,
		VectorLayers: []vectorLayer{{ID: l.Name, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: MaxZoom, Fields: l.Fields}}}
	if h.Bounds != nil {
		b, err := h.Bounds(c)
		if err != nil {
			return err
		}
		if !b.IsEmpty() {
			doc.Bounds = &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		}
	}
	return c.JSON(http.StatusOK, doc)
}
