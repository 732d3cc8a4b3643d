package server

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Paging of Open311 requests.json: page from 1, page_size requests a page
// (DefaultOpen311PageSize, at most MaxOpen311PageSize), so that no query
// answers more than one page at once.
const (
	DefaultOpen311PageSize = 100
	MaxOpen311PageSize     = 1000
)

// open311Page reads page and page_size: how many matches come before the
// page, and its size.
func open311Page(q url.Values) (skip, size int, err error) {
	page := 1
	size = DefaultOpen311PageSize
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &page, 0}, {"page_size", &size, MaxOpen311PageSize}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		x, perr := strconv.Atoi(v)
		if perr != nil || x < 1 || p.max > 0 && x > p.max {
			reason := "want a whole number from 1"
			if p.max > 0 {
				reason = fmt.Sprintf("want a whole number from 1 to %d", p.max)
			}
			return 0, 0, &ParamError{Param: p.name, Value: v, Reason: reason}
		}
		*p.dst = x
	}
	return (page - 1) * size, size, nil
}

// open311NextLink announces the next page in a Link header.
func open311NextLink(c echo.Context) {
	req := c.Request()
	q := req.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	q.Set("page", strconv.Itoa(max(page, 1)+1))
	u := url.URL{Scheme: c.Scheme(), Host: req.Host, Path: req.URL.Path, RawQuery: q.Encode()}
	c.Response().Header().Add("Link", fmt.Sprintf(`<%s>; rel="next"`, u.String()))
}
