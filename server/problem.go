package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/data"
	"wangge/data/importer"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
	"wangge/server/etag"
	"wangge/server/ogc"
	"wangge/server/tiles"
)

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document, the body of every error
// response. Type is "about:blank", so Title is the HTTP status phrase and
// Detail says what went wrong and what to do about it.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	// RequestID repeats the X-Request-Id header, to quote in a report.
	RequestID string `json:"request_id,omitempty"`
	// InvalidParams lists the query parameters that were rejected.
	InvalidParams []InvalidParam `json:"invalid_params,omitempty"`
	// Problems lists the errors and notes of a plan whose publication was
	// refused for its errors, errors first.
	Problems []partition.Problem `json:"problems,omitempty"`
}

// InvalidParam is one rejected parameter of a Problem.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// handleError is the echo HTTPErrorHandler: the one place where an error
// becomes a status code and a problem document.
func (s *Server) handleError(err error, c echo.Context) {
	req := c.Request()
	rid := requestID(c)
	log := s.log.With("request_id", rid, "method", req.Method, "path", req.URL.Path)
	if c.Response().Committed {
		log.Error("error after the response was sent", "err", err)
		return
	}
	if errors.Is(err, context.Canceled) && req.Context().Err() != nil {
		log.Info("client went away", "err", err)
		return
	}
	if strings.HasPrefix(req.URL.Path, Open311Prefix+"/") {
		if werr := s.open311Problem(c, err); werr != nil {
			log.Error("writing the Open311 error list", "err", werr)
		}
		return
	}
	p := problemFor(err, req)
	p.Type = "about:blank"
	p.Title = http.StatusText(p.Status)
	p.Instance = req.URL.Path
	p.RequestID = rid
	if p.Status >= http.StatusInternalServerError {
		log.Error("request failed", "status", p.Status, "err", err)
	}
	h := c.Response().Header()
	var ae *AuthError
	var re *RoleError
	switch {
	case errors.As(err, &ae):
		h.Set(echo.HeaderWWWAuthenticate, bearerChallenge(ae.Code, ae.Reason))
	case errors.As(err, &re):
		h.Set(echo.HeaderWWWAuthenticate, bearerChallenge("insufficient_scope", re.Error()))
	}
	setRetryAfter(h, err, p.Status)
	if err := writeJSON(c, p.Status, ProblemContentType, p); err != nil {
		log.Error("writing the problem document", "err", err)
	}
}

// problemFor decides the status and the detail of err. Only the errors of
// this package, data.ErrNotFound and echo's own errors are explained to the
// client; anything else is a 500 whose cause stays in the log.
func problemFor(err error, req *http.Request) Problem {
	var (
		pe  *ParamError
		ie  *importer.Error
		mbe *http.MaxBytesError
		ae  *AuthError
		re  *RoleError
		he  *echo.HTTPError
		se  *ScopeError
		be  *BodyError
		de  *DeviceError
		ce  *ConflictError
		te  *incident.TransitionError
		fe  *open311.FieldError
		ad  *access.Denied
		afe *app.FieldError
		tc  *app.TransitionConflict
		uw  *app.UnknownWorker
		ope *ogc.ParamError
		onf *ogc.NotFoundError
		tnf *tiles.NotFoundError
		tce *tiles.CoordError
		pc  *app.PlanConflict
		pes *app.PlanErrors
		rl  *RateError
	)
	switch {
	case errors.As(err, &mbe):
		return Problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf(
			"the request body is larger than the limit of %d bytes; send the data in smaller batches", mbe.Limit)}
	case errors.As(err, &pe):
		return paramProblem(pe.Param, pe.Value, pe.Reason)
	case errors.As(err, &ope):
		return paramProblem(ope.Param, ope.Value, ope.Reason)
	case errors.As(err, &onf):
		return Problem{Status: http.StatusNotFound, Detail: strings.TrimPrefix(onf.Error(), "ogc: ")}
	case errors.As(err, &tnf):
		return Problem{Status: http.StatusNotFound, Detail: strings.TrimPrefix(tnf.Error(), "tiles: ")}
	case errors.As(err, &tce):
		return Problem{Status: http.StatusBadRequest, Detail: strings.TrimPrefix(tce.Error(), "tiles: ")}
	case errors.As(err, &ie):
		return Problem{Status: http.StatusBadRequest, Detail: ie.Error() +
			"; fix that feature and send the whole batch again (nothing was stored)"}
	case errors.Is(err, data.ErrInvalid):
		return Problem{Status: http.StatusBadRequest, Detail: "the store refused the batch: " + data.Detail(err) +
			"; nothing was stored"}
	case errors.As(err, &ae):
		return Problem{Status: http.StatusUnauthorized, Detail: ae.Reason}
	case errors.As(err, &re):
		return Problem{Status: http.StatusForbidden, Detail: fmt.Sprintf(
			"a %s token may not call %s; ask an administrator for a token with one of the roles %s", re.Role, re.Route, roleList(re.Allowed))}
	case errors.As(err, &se):
		return Problem{Status: http.StatusForbidden, Detail: se.Reason}
	case errors.As(err, &ad):
		return Problem{Status: http.StatusForbidden, Detail: ad.Reason}
	case errors.As(err, &afe):
		return Problem{Status: http.StatusBadRequest, Detail: afe.Field + ": " + afe.Reason +
			"; fix it and send the request again (nothing was stored)"}
	case errors.As(err, &uw):
		return Problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("fix %d: worker %q is not registered; "+
			"create it with POST /api/v1/workers first (nothing was stored)", uw.Fix, uw.Worker)}
	case errors.As(err, &pc):
		return Problem{Status: http.StatusConflict, Detail: pc.Reason + " (nothing was stored)"}
	case errors.As(err, &pes):
		return Problem{Status: http.StatusConflict, Detail: strings.TrimPrefix(pes.Error(), "app: ") + " (?force=true)", Problems: pes.Problems}
	case errors.As(err, &tc):
		return Problem{Status: http.StatusConflict, Detail: tc.Detail()}
	case errors.Is(err, data.ErrConflict):
		return Problem{Status: http.StatusConflict, Detail: data.Detail(err) + "; nothing was stored"}
	case errors.Is(err, data.ErrBusy):
		return Problem{Status: http.StatusServiceUnavailable, Detail: "the store is busy with other writers; " +
			"send the request again in a moment (nothing was stored)"}
	case errors.As(err, &be):
		return Problem{Status: http.StatusBadRequest, Detail: be.Detail() +
			"; fix it and send the request again (nothing was stored)"}
	case errors.As(err, &de):
		return Problem{Status: http.StatusNotFound, Detail: fmt.Sprintf(
			"device %q is not registered to any worker, or the secret sent is not its secret; "+
				"an administrator or grid leader links a device with POST /api/v1/workers (device_id) "+
				"and makes its secret with `wangge token create --role worker --worker ID`", de.Device)}
	case errors.As(err, &rl):
		return Problem{Status: http.StatusTooManyRequests, Detail: fmt.Sprintf(
			"too many requests from this %s; send again after %s s (the Retry-After header)", rl.What, rl.retrySeconds())}
	case errors.As(err, &ce):
		return Problem{Status: http.StatusConflict, Detail: ce.Reason}
	case errors.As(err, &te) && errors.Is(err, incident.ErrNotPermitted):
		return Problem{Status: http.StatusForbidden, Detail: te.Detail()}
	case errors.As(err, &te):
		return Problem{Status: http.StatusConflict, Detail: te.Detail()}
	case errors.As(err, &fe):
		return Problem{Status: http.StatusBadRequest, Detail: fe.Detail()}
	case errors.Is(err, partition.ErrOptions), errors.Is(err, partition.ErrInfeasible), errors.Is(err, partition.ErrInput),
		errors.Is(err, incident.ErrGroupBy), errors.Is(err, incident.ErrHotspotQuery):
		return Problem{Status: http.StatusBadRequest, Detail: err.Error()}
	case errors.Is(err, ErrUnavailable):
		return Problem{Status: http.StatusServiceUnavailable, Detail: "the store does not answer; " +
			"the server log has the cause, try again when the database is back"}
	case errors.Is(err, data.ErrNotFound):
		return Problem{Status: http.StatusNotFound, Detail: fmt.Sprintf(
			"there is nothing at %s; check the id, or list the collection to see which ids exist", req.URL.Path)}
	case errors.As(err, &he):
		return httpProblem(he, req)
	}
	return Problem{Status: http.StatusInternalServerError, Detail: "the server failed to handle this request; " +
		"try again later, and quote the request id when you report it"}
}

// paramProblem is the 400 of a query parameter that cannot be used.
func paramProblem(param, value, reason string) Problem {
	return Problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("query parameter %s=%q: %s", param, value, reason),
		InvalidParams: []InvalidParam{{Name: param, Reason: reason}}}
}

// httpProblem explains echo's own errors: unknown routes, wrong methods,
// and HTTPErrors raised by handlers with a message for the client.
func httpProblem(he *echo.HTTPError, req *http.Request) Problem {
	p := Problem{Status: he.Code}
	if p.Status < 400 || p.Status > 599 {
		p.Status = http.StatusInternalServerError
	}
	switch {
	case p.Status == http.StatusNotFound:
		p.Detail = fmt.Sprintf("there is no route %s %s; the API is under /api/v1, OGC API – Features under /ogc, vector tiles under /tiles, Open311 under /open311/v2, and /api/openapi.json lists every route", req.Method, req.URL.Path)
	case p.Status == http.StatusMethodNotAllowed:
		p.Detail = fmt.Sprintf("%s %s is not supported; the Allow header lists the methods that are", req.Method, req.URL.Path)
	case p.Status >= http.StatusInternalServerError:
		p.Detail = "the server failed to handle this request; quote the request id when you report it"
	default:
		p.Detail = fmt.Sprint(he.Message)
	}
	return p
}

// bearerChallenge builds an RFC 6750 WWW-Authenticate value.
func bearerChallenge(code, reason string) string {
	if code == "" {
		return `Bearer realm="wangge"`
	}
	return fmt.Sprintf(`Bearer realm="wangge", error=%q, error_description=%q`, code, reason)
}

// writeJSON sends v as JSON with the given content type.
func writeJSON(c echo.Context, status int, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode response: %w", err)
	}
	b = append(b, '\n')
	if status == http.StatusOK && contentType == GeoJSONContentType && c.Request().Method == http.MethodGet {
		return etag.Blob(c, contentType, b)
	}
	return c.Blob(status, contentType, b)
}

// logger returns the server's logger with the request's id attached.
func (s *Server) logger(c echo.Context) *slog.Logger {
	return s.log.With("request_id", requestID(c))
}
