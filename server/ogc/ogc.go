package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/server/etag"
)

// Media types of the responses.
const (
	GeoJSON    = "application/geo+json"
	JSON       = "application/json"
	SchemaJSON = "application/schema+json"
	OpenAPI30  = "application/vnd.oai.openapi+json;version=3.0"
)

// Conformance lists the conformance classes the handler implements.
var Conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
}

// Feature is one GeoJSON Feature as the collection renders it: Geometry
// is anything encoding/json writes as a GeoJSON geometry (or nil),
// Properties hold the queryables under their names.
type Feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   any            `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// Collection is one feature collection.
type Collection struct {
	ID, Title, Description string
	// Temporal says that datetime filters the collection.
	Temporal bool
	// Queryables are the properties a client may filter on with
	// ?name=value, and their JSON Schema types (string, number, integer,
	// boolean).
	Queryables map[string]string
	// Items reads at most q.Limit features ordered by id, with ids after
	// q.After, within q.BBox and q.Window, with coordinates in q.CRS.
	Items func(ctx context.Context, q Query) ([]Feature, error)
	// Item reads the feature with that id; an unknown id is an error the
	// server maps to 404.
	Item func(ctx context.Context, id string, c CRS) (Feature, error)
}

// Options configure the handler.
type Options struct {
	// Collections lists the collections the request may see (private
	// ones only for tokens of the right scope).
	Collections func(c echo.Context) ([]Collection, error)
	// Title and Description of the landing page.
	Title, Description string
	// OpenAPI is the path of the OpenAPI document (service-desc).
	OpenAPI string
	// Zone is the time zone of plain dates in datetime; UTC when nil.
	Zone *time.Location
}

// handler serves the routes of one mount.
type handler struct {
	Options
	prefix string
}

// Mount registers the OGC API routes on g, whose prefix (such as /ogc) is
// the landing page.
func Mount(g *echo.Group, prefix string, o Options) {
	h := &handler{Options: o, prefix: prefix}
	g.GET("", h.landing)
	g.GET("/", h.landing)
	g.GET("/conformance", h.conformance)
	g.GET("/collections", h.collections)
	g.GET("/collections/:collection", h.collection)
	g.GET("/collections/:collection/queryables", h.queryables)
	g.GET("/collections/:collection/items", h.items)
	g.GET("/collections/:collection/items/:id", h.item)
}

// link is a web link (RFC 8288) in a response body.
type link struct {
	Rel   string `json:"rel"`
	Href  string `json:"href"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// base is the absolute URL of the mount.
func (h *handler) base(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host + h.prefix
}

func (h *handler) landing(c echo.Context) error {
	b := h.base(c)
	return write(c, JSON, struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Links       []link `json:"links"`
	}{h.Title, h.Description, []link{
		{Rel: "self", Href: b, Type: JSON, Title: "this document"},
		{Rel: "service-desc", Href: c.Scheme() + "://" + c.Request().Host + h.OpenAPI, Type: OpenAPI30, Title: "the API definition"},
		{Rel: "conformance", Href: b + "/conformance", Type: JSON, Title: "conformance classes"},
		{Rel: "data", Href: b + "/collections", Type: JSON, Title: "the collections"},
	}})
}

func (h *handler) conformance(c echo.Context) error {
	return write(c, JSON, struct {
		ConformsTo []string `json:"conformsTo"`
	}{Conformance})
}

// collectionDoc describes a collection.
type collectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	Links       []link   `json:"links"`
}

func (h *handler) describe(c echo.Context, col Collection) collectionDoc {
	self := h.base(c) + "/collections/" + url.PathEscape(col.ID)
	return collectionDoc{ID: col.ID, Title: col.Title, Description: col.Description, ItemType: "feature",
		CRS: crsURIs(), StorageCRS: CRS84.URI, Links: []link{
			{Rel: "self", Href: self, Type: JSON},
			{Rel: "items", Href: self + "/items", Type: GeoJSON, Title: col.Title},
			{Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Href: self + "/queryables", Type: SchemaJSON},
		}}
}

func (h *handler) collections(c echo.Context) error {
	cols, err := h.Collections(c)
	if err != nil {
		return err
	}
	out := struct {
		Links       []link          `json:"links"`
		Collections []collectionDoc `json:"collections"`
	}{Links: []link{{Rel: "self", Href: h.base(c) + "/collections", Type: JSON}}, Collections: make([]collectionDoc, len(cols))}
	for i, col := range cols {
		out.Collections[i] = h.describe(c, col)
	}
	return write(c, JSON, out)
}

// find returns the collection named by the path.
func (h *handler) find(c echo.Context) (Collection, error) {
	id, err := url.PathUnescape(c.Param("collection"))
	if err != nil {
		return Collection{}, &ParamError{Param: "collection", Value: c.Param("collection"), Reason: "bad %-escape in the path"}
	}
	cols, err := h.Collections(c)
	if err != nil {
		return Collection{}, err
	}
	i := slices.IndexFunc(cols, func(col Collection) bool { return col.ID == id })
	if i < 0 {
		return Collection{}, &NotFoundError{Collection: id}
	}
	return cols[i], nil
}

func (h *handler) collection(c echo.Context) error {
	col, err := h.find(c)
	if err != nil {
		return err
	}
	return write(c, JSON, h.describe(c, col))
}

func (h *handler) queryables(c echo.Context) error {
	col, err := h.find(c)
	if err != nil {
		return err
	}
	props := make(map[string]any, len(col.Queryables))
	for name, typ := range col.Queryables {
		props[name] = map[string]string{"type": typ}
	}
	return write(c, SchemaJSON, map[string]any{
		"$schema": "https://json-schema.org/draft/2019-09/schema",
		"$id":     h.base(c) + "/collections/" + url.PathEscape(col.ID) + "/queryables",
		"type":    "object", "title": col.Title, "properties": props,
	})
}

func (h *handler) item(c echo.Context) error {
	col, err := h.find(c)
	if err != nil {
		return err
	}
	crs := CRS84
	if v := c.QueryParam("crs"); v != "" {
		if crs, err = parseCRS("crs", v); err != nil {
			return err
		}
	}
	id, err := url.PathUnescape(c.Param("id"))
	if err != nil {
		return &ParamError{Param: "id", Value: c.Param("id"), Reason: "bad %-escape in the path"}
	}
	f, err := col.Item(c.Request().Context(), id, crs)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Crs", "<"+crs.URI+">")
	return write(c, GeoJSON, f)
}

// write sends v as JSON with the media type.
func write(c echo.Context, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("ogc: encode response: %w", err)
	}
	b = append(b, '\n')
	if contentType == GeoJSON {
		return etag.Blob(c, contentType, b)
	}
	return c.Blob(http.StatusOK, contentType, b)
}
