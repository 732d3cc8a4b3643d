package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/data/importer"
	"wangge/partition"
)

// listBlocks answers GET /api/v1/blocks: a page of blocks ordered by id as
// a FeatureCollection, filtered by bbox, with a next link (in the Link
// header and in "links") while more blocks may follow. ?crs=gcj02|bd09
// gives coordinates (and reads the bbox) for Chinese basemaps.
func (s *Server) listBlocks(c echo.Context) error {
	return listFeatures(c, "blocks", DefaultLimit, func(ctx context.Context, q data.BBoxQuery) ([]partition.Block, error) {
		return s.store.Blocks(ctx, data.BlockQuery{BBoxQuery: q})
	}, func(b partition.Block) string { return string(b.ID) }, blockFeature)
}

// listFeatures answers a listing of one layer: a page of the items list
// reads (by bbox, after an id, ordered by id; defaultLimit of them unless
// the query sets limit) as a FeatureCollection rendered by render, with a
// next link (in the Link header and in "links") while more items may
// follow.
func listFeatures[T any](c echo.Context, what string, defaultLimit int, list func(context.Context, data.BBoxQuery) ([]T, error),
	id func(T) string, render func(T, crs) feature) error {
	p, err := parseListParams(c.QueryParams(), defaultLimit)
	if err != nil {
		return err
	}
	// One item more than the page tells whether there is a next page.
	items, err := list(c.Request().Context(), data.BBoxQuery{BBox: p.BBox, After: p.After, Limit: p.Limit + 1})
	if err != nil {
		return fmt.Errorf("server: list %s: %w", what, err)
	}
	more := len(items) > p.Limit
	if more {
		items = items[:p.Limit]
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, len(items)), NumberReturned: len(items)}
	for i, it := range items {
		fc.Features[i] = render(it, p.CRS)
	}
	if more {
		fc.Links = nextLink(c, id(items[len(items)-1]), GeoJSONContentType)
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, fc)
}

// nextHref is the absolute URL of the page after the item with id after:
// the same query with after replaced.
func nextHref(c echo.Context, after string) string {
	req := c.Request()
	q := req.URL.Query() // a copy
	q.Set("after", after)
	u := url.URL{Scheme: c.Scheme(), Host: req.Host, Path: req.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// getBlock answers GET /api/v1/blocks/{id} with one Feature.
func (s *Server) getBlock(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	crs, err := parseFeatureParams(c.QueryParams())
	if err != nil {
		return err
	}
	b, err := s.store.Block(c.Request().Context(), partition.BlockID(id))
	if err != nil {
		return fmt.Errorf("server: block %q: %w", id, err)
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, blockFeature(b, crs))
}

// pathParam returns a path parameter unescaped. Echo routes on the raw
// path when the path holds escapes such as %2F, and then hands the
// parameter over still escaped.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", &ParamError{Param: name, Value: v, Reason: "bad %-escape in the path"}
	}
	return u, nil
}

// pathItem reads with get the item whose id is the path parameter id; a
// store error is wrapped naming the kind and the id.
func pathItem[T any, ID ~string](c echo.Context, kind string, get func(context.Context, ID) (T, error)) (T, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := get(c.Request().Context(), ID(id))
	if err != nil {
		return v, fmt.Errorf("server: %s %q: %w", kind, id, err)
	}
	return v, nil
}

// upsertResult reports a batch write.
type upsertResult struct {
	Upserted int `json:"upserted"`
}

// putBlocks answers POST /api/v1/blocks: the FeatureCollection's blocks
// are inserted or replaced, all or none. The body follows the rules of
// `wangge import blocks` (importer.DecodeBlocks): every block needs an id and
// the weight property, households unless ?weight= names another.
func (s *Server) putBlocks(c echo.Context) error {
	opts, err := parseUpsertParams(c.QueryParams())
	if err != nil {
		return err
	}
	blocks, err := importer.DecodeBlocks(c.Request().Body, "request body", opts)
	if err != nil {
		return err
	}
	if err := s.store.PutBlocks(c.Request().Context(), blocks); err != nil {
		return fmt.Errorf("server: store %d blocks: %w", len(blocks), err)
	}
	s.logger(c).Info("blocks upserted", "count", len(blocks), "token", tokenID(c))
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, upsertResult{Upserted: len(blocks)})
}

// tokenID names the request's token in logs (its id, never its secret).
func tokenID(c echo.Context) string {
	t, _ := TokenFrom(c)
	return t.ID
}
