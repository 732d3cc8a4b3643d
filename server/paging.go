package server

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"
)

// nextLink announces the page after the item whose id is after, of media
// type typ: in a Link header, and as the link the body carries.
func nextLink(c echo.Context, after, typ string) []link {
	href := nextHref(c, after)
	c.Response().Header().Add("Link", fmt.Sprintf(`<%s>; rel="next"; type="%s"`, href, typ))
	return []link{{Rel: "next", Href: href, Type: typ}}
}

// parsePage reads limit (DefaultLimit, at most MaxLimit) and after of a
// JSON list route that takes nothing else.
func parsePage(q url.Values) (limit int, after string, err error) {
	limit = DefaultLimit
	err = eachParam(q, []string{"limit", "after"}, func(name, v string) error {
		var err error
		if name == "after" {
			after = v
		} else {
			limit, err = parseLimit(v)
		}
		return err
	})
	return limit, after, err
}

// pageAfter cuts the page of list that follows the item whose id is
// after (from the start when empty), at most limit long; more says
// whether items follow it. An after that names no item of the list is
// refused.
func pageAfter[T any](list []T, id func(T) string, after string, limit int) (page []T, more bool, err error) {
	start := 0
	if after != "" {
		i := slices.IndexFunc(list, func(it T) bool { return id(it) == after })
		if i < 0 {
			return nil, false, &ParamError{Param: "after", Value: after, Reason: "no item of this list has that id; follow the next link of the page before"}
		}
		start = i + 1
	}
	end := min(start+limit, len(list))
	return list[start:end], end < len(list), nil
}
