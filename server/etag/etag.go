// Package etag answers conditional GETs: a strong entity tag from the
// bytes of a response, and 304 Not Modified when the client's
// If-None-Match holds it, so map clients and GIS tools revalidate a page
// of features or a tile without fetching it again.
package etag

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Of is the strong entity tag of b: 24 hex digits of its SHA-256, quoted.
func Of(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// Matches reports whether an If-None-Match header value names tag: "*",
// or tag among its comma-separated entity tags (a weak W/ form of the
// same tag counts, as RFC 9110 compares If-None-Match weakly).
func Matches(ifNoneMatch, tag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// Check sets the ETag header of b and reports whether the request's
// If-None-Match already holds it, in which case the caller answers
// NotModified instead of the bytes.
func Check(c echo.Context, b []byte) bool {
	tag := Of(b)
	c.Response().Header().Set("ETag", tag)
	inm := c.Request().Header.Get("If-None-Match")
	return inm != "" && Matches(inm, tag)
}

// Blob answers 200 with b and its ETag, or 304 with no body when the
// request's If-None-Match holds that tag.
func Blob(c echo.Context, contentType string, b []byte) error {
	if Check(c, b) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType, b)
}
