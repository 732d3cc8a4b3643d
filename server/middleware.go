package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// maxRequestIDLen bounds a request id taken from the client.
const maxRequestIDLen = 128

// withRequestID gives every request an id: the client's X-Request-Id when
// it is a short token of safe characters (so it can be logged as is), else
// a fresh random one. The id is echoed in the response header.
func withRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// requestID returns the id withRequestID gave the request.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.' || r == ':'
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// accessLog logs one line per request after the error handler has written
// the response, so the status logged is the status sent.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		s.log.LogAttrs(req.Context(), slog.LevelInfo, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", res.Size),
			slog.String("request_id", requestID(c)))
		return nil
	}
}

// recoverPanics turns a panic in a handler into an error (a 500 for the
// client) and logs it with its stack.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableErrorHandler: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.logger(c).Error("panic in handler", "err", err, "stack", string(stack))
			return fmt.Errorf("server: panic in handler: %w", err)
		},
	})
}

// limitBody refuses bodies larger than limit bytes: at once when the
// Content-Length says so, else when reading passes the limit, which yields
// an *http.MaxBytesError that the error handler turns into a 413.
func limitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return &http.MaxBytesError{Limit: limit}
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// corsMaxAge is how long a browser may keep the answer to a preflight.
const corsMaxAge = 10 * time.Minute

// cors lets the web pages of origins ("*": any) call the API from a
// browser, with echo's CORS middleware. A preflight (OPTIONS) is answered
// here, before routing and authentication, with the methods and headers
// the API takes. An origin not listed gets no Access-Control-Allow-Origin,
// so its browser keeps the answer from the page. Pages authenticate with
// bearer tokens they send themselves, never cookies, so credentials are
// not allowed.
func cors(origins []string) echo.MiddlewareFunc {
	anyOrigin := slices.Contains(origins, "*")
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOriginFunc: func(origin string) (bool, error) {
			return anyOrigin || slices.Contains(origins, origin), nil
		},
		AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete},
		AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, echo.HeaderXRequestID},
		ExposeHeaders: []string{echo.HeaderXRequestID, echo.HeaderLocation, "Link", echo.HeaderWWWAuthenticate},
		MaxAge:        int(corsMaxAge / time.Second),
	})
}

// CheckOrigin accepts an origin as Options.CORSOrigins takes it: "*", or
// scheme://host[:port] with scheme http or https, in lower case and
// without a path, as a browser sends it in its Origin header. Origins are
// matched whole, so a pattern such as https://*.example.org is refused
// rather than never matching.
func CheckOrigin(origin string) error {
	if origin == "*" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Scheme+"://"+u.Host != origin || strings.ToLower(origin) != origin || strings.Contains(origin, "*") {
		return fmt.Errorf("%w %q: want scheme://host[:port] in lower case, without a path, such as https://map.example.gov.cn, or *", ErrOrigin, origin)
	}
	return nil
}
