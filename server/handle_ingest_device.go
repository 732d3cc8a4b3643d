package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
)

// Device ingest: the routes phone apps post positions to.
//
// OsmAnd and Traccar Client send a device id and no Authorization header,
// OwnTracks a user and device name (and optionally Basic auth), so these
// routes do not need a bearer token. As in Traccar, the credential is the
// device id: it must be registered to a worker (the worker's device_id,
// set with POST /api/v1/workers), and an unknown device gets 404 before
// anything is stored. Choose long random device ids (Traccar Client's
// default six digits can be guessed), and serve over HTTPS, since the id
// travels in every request.
//
// A phone that can hold a token should send one as well: a bearer header,
// ?token= in the URL (OsmAnd), or the password of Basic auth (OwnTracks).
// A token that is sent is checked: an unknown one is refused with 401, and
// it must be the device worker's own worker token or an admin's (403
// otherwise), so a leaked device id alone cannot be used beside it.

// deviceRoutes are the routes phones post positions to. They authenticate
// by a registered device id (see above) instead of a bearer token, so they
// stand apart from the policy table; routes registers both.
func (s *Server) deviceRoutes() []route {
	return []route{
		{http.MethodGet, "/ingest/osmand", s.ingestOsmAnd, nil},
		{http.MethodPost, "/ingest/osmand", s.ingestOsmAnd, nil},
		{http.MethodPost, "/ingest/owntracks", s.ingestOwnTracks, nil},
	}
}

// deviceWorker resolves a device id to the worker carrying it and checks
// the token the request may carry (see above). The principal is the
// token's, or, without one, the worker itself as the device vouches.
func (s *Server) deviceWorker(c echo.Context, device string) (patrol.Worker, access.Principal, error) {
	ctx := c.Request().Context()
	w, err := s.app.WorkerByDevice(ctx, device)
	if errors.Is(err, data.ErrNotFound) {
		return w, access.Principal{}, &DeviceError{Device: device}
	}
	if err != nil {
		return w, access.Principal{}, fmt.Errorf("server: device %q: %w", device, err)
	}
	secret, ok := deviceSecret(c)
	if !ok {
		return w, access.Principal{Role: data.RoleWorker, Worker: w.ID, TokenID: "device " + device}, nil
	}
	if _, err := bearerSecret("Bearer " + secret); err != nil {
		return w, access.Principal{}, err
	}
	tok, err := s.app.Authenticate(ctx, secret)
	if errors.Is(err, app.ErrUnknownToken) {
		return w, access.Principal{}, &AuthError{Code: "invalid_token", Reason: "the token sent with this device is unknown or was revoked"}
	}
	if err != nil {
		return w, access.Principal{}, err
	}
	c.Set(tokenKey, tok)
	if tok.Role != data.RoleAdmin && (tok.Role != data.RoleWorker || tok.Worker != w.ID) {
		return w, access.Principal{}, &ScopeError{TokenID: tok.ID, Reason: fmt.Sprintf(
			"device %q belongs to worker %s; send that worker's own token, or none", device, w.ID)}
	}
	return w, access.Of(tok), nil
}

// deviceSecret returns the token a device request carries, if any: a
// bearer header, the password of Basic auth, or ?token=.
func deviceSecret(c echo.Context) (string, bool) {
	req := c.Request()
	if _, pass, ok := req.BasicAuth(); ok && pass != "" {
		return pass, true
	}
	if h := req.Header.Get(echo.HeaderAuthorization); h != "" {
		if scheme, secret, _ := strings.Cut(h, " "); strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(secret), true
		}
	}
	if t := req.URL.Query().Get("token"); t != "" {
		return t, true
	}
	return "", false
}

// ingestOsmAnd answers GET or POST /api/v1/ingest/osmand: the OsmAnd /
// Traccar Client protocol, one fix in the query or form fields (speed in
// knots), or the JSON form of Traccar Client 8+ with one or several
// locations (speed in m/s); see track.DecodeOsmAnd and
// DecodeOsmAndJSON. A bad fix is a 400 naming the field.
func (s *Server) ingestOsmAnd(c echo.Context) error {
	req := c.Request()
	var fixes []track.DeviceFix
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if req.Method == http.MethodPost && mt == echo.MIMEApplicationJSON {
		f, err := track.DecodeOsmAndJSON(req.Body)
		if err != nil {
			return decodeError(err, "locations")
		}
		fixes = f
	} else {
		if err := req.ParseForm(); err != nil {
			return &BodyError{Reason: "the form fields cannot be read: " + err.Error()}
		}
		f, err := track.DecodeOsmAnd(req.Form)
		if err != nil {
			return decodeError(err, "locations")
		}
		fixes = []track.DeviceFix{f}
	}
	w, p, err := s.deviceWorker(c, fixes[0].Device)
	if err != nil {
		return err
	}
	pts := make([]patrol.TrackPoint, len(fixes))
	for i, f := range fixes {
		pts[i] = f.Point
		pts[i].Worker = w.ID
	}
	res, err := s.app.IngestFixes(req.Context(), p, pts)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, res)
}

// ingestOwnTracks answers POST /api/v1/ingest/owntracks: one OwnTracks
// message in HTTP mode. The device is "user/device" from the X-Limit-U
// and X-Limit-D headers the app sends, else from the topic, else the
// tracker id (track.OwnTracksMessage.Device); register that string as
// the worker's device_id. Messages other than locations are accepted and
// ignored. The answer is an empty JSON array, as the app expects (it
// would show the array's messages to the user).
func (s *Server) ingestOwnTracks(c echo.Context) error {
	req := c.Request()
	m, err := track.DecodeOwnTracks(req.Body)
	if err != nil {
		return decodeError(err, "locations")
	}
	if !m.Ignored {
		device := m.Device(req.Header.Get("X-Limit-U"), req.Header.Get("X-Limit-D"))
		if device == "" {
			return &BodyError{Field: "tid", Reason: "no device: send the X-Limit-U and X-Limit-D headers " +
				"(OwnTracks does when user and device id are set) or a tid"}
		}
		w, p, err := s.deviceWorker(c, device)
		if err != nil {
			return err
		}
		m.Point.Worker = w.ID
		if _, err := s.app.IngestFixes(req.Context(), p, []patrol.TrackPoint{m.Point}); err != nil {
			return err
		}
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte("[]\n"))
}
