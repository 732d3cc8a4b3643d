package ogc

import (
	"context"
	"fmt"
	"github.com/labstack/echo/v4"
	"net/url"
	"strconv"
)

// filterBatch is how many features a filtered scan reads at a time.
const filterBatch = 1000

// featurePage is the body of an items response.
type featurePage struct {
	Type           string    `json:"type"`
	Features       []Feature `json:"features"`
	NumberMatched  *int      `json:"numberMatched,omitempty"`
	NumberReturned int       `json:"numberReturned"`
	TimeStamp      string    `json:"timeStamp,omitempty"`
	Links          []link    `json:"links"`
}

// items answers GET /collections/{id}/items: a page of features in id
// order. The first page (no after) counts every match in numberMatched.
func (h *handler) items(c echo.Context) error {
	col, err := h.find(c)
	if err != nil {
		return err
	}
	p, err := parseItems(c.QueryParams(), col.Queryables, h.Zone)
	if err != nil {
		return err
	}
	if !col.Temporal && !p.Window.From.IsZero() || !col.Temporal && !p.Window.To.IsZero() {
		return &ParamError{Param: "datetime", Value: c.QueryParam("datetime"), Reason: "collection " + col.ID + " has no time; leave datetime out"}
	}
	pg, err := readPage(c.Request().Context(), col, p)
	if err != nil {
		return err
	}
	self := h.base(c) + "/collections/" + url.PathEscape(col.ID) + "/items"
	out := featurePage{Type: "FeatureCollection", Features: pg.features, NumberReturned: len(pg.features),
		Links: []link{{Rel: "self", Href: pageHref(self, c.QueryParams(), nil), Type: GeoJSON}}}
	if out.Features == nil {
		out.Features = []Feature{}
	}
	if pg.counted {
		out.NumberMatched = &pg.matched
	}
	if pg.more {
		out.Links = append(out.Links, link{Rel: "next", Type: GeoJSON, Href: pageHref(self, c.QueryParams(), map[string]string{
			"after": pg.features[len(pg.features)-1].ID, "offset": strconv.Itoa(p.Offset + len(pg.features))})})
	}
	if p.Offset > 0 {
		out.Links = append(out.Links, link{Rel: "prev", Type: GeoJSON, Href: pageHref(self, c.QueryParams(), map[string]string{
			"after": "", "offset": strconv.Itoa(max(0, p.Offset-p.Limit))})})
	}
	c.Response().Header().Set("Content-Crs", "<"+p.CRS.URI+">")
	return write(c, GeoJSON, out)
}

// pageHref is self with the query q changed by set (an empty value
// removes the parameter).
func pageHref(self string, q url.Values, set map[string]string) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	for k, v := range set {
		if v == "" {
			q2.Del(k)
		} else {
			q2.Set(k, v)
		}
	}
	if len(q2) == 0 {
		return self
	}
	return self + "?" + q2.Encode()
}

// page is a page read, with whether more follow and, when the scan went
// to the end, how many features matched in all.
type page struct {
	features []Feature
	more     bool
	matched  int
	counted  bool
}

// readPage reads the page p asks for. With after, it reads from there and
// stops once the page is full; without, it scans from the start, skips
// offset matches and counts every match.
func readPage(ctx context.Context, col Collection, p itemsParams) (page, error) {
	var pg page
	counting := p.After == ""
	skip := 0
	if counting {
		skip = p.Offset
	}
	err := scan(ctx, col, p, func(f Feature) bool {
		pg.matched++
		switch {
		case skip > 0:
			skip--
		case len(pg.features) < p.Limit:
			pg.features = append(pg.features, f)
		default:
			pg.more = true
			return counting
		}
		return true
	})
	pg.counted = counting
	return pg, err
}

// scan calls fn with every feature of the collection that matches p,
// after p.After in id order, until fn returns false.
func scan(ctx context.Context, col Collection, p itemsParams, fn func(Feature) bool) error {
	q := p.Query
	q.Limit = p.Limit + 1
	if len(p.Filter) > 0 || p.After == "" {
		q.Limit = max(q.Limit, filterBatch)
	}
	for {
		batch, err := col.Items(ctx, q)
		if err != nil {
			return fmt.Errorf("ogc: read %s: %w", col.ID, err)
		}
		for _, f := range batch {
			if matches(f, p.Filter) && !fn(f) {
				return nil
			}
		}
		if len(batch) < q.Limit {
			return nil
		}
		q.After = batch[len(batch)-1].ID
	}
}

// matches reports whether every filter equals the feature's property, as
// text (numbers as Go formats them, so kind=school, grid=G001, weight=412).
func matches(f Feature, filter map[string]string) bool {
	for name, want := range filter {
		v, ok := f.Properties[name]
		if !ok || fmt.Sprint(v) != want {
			return false
		}
	}
	return true
}
