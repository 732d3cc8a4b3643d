package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
)

// Device ingest: the routes phone apps post positions to.
//
// OsmAnd and Traccar Client send a device id, OwnTracks a user and device
// name, and neither can send a bearer header; so each device has a
// secret, a worker token of the device's worker (`wangge token create
// --role worker --worker ID`), which the phone sends as the apps can:
// ?token= in OsmAnd's URL, the password of Basic auth in OwnTracks (a
// bearer header is read too). The device id must be registered to a
// worker (its device_id, set with POST /api/v1/workers). A request
// without a secret gets 401; an unknown device and a secret that is not
// the device's (unknown, revoked, another worker's) get the same 404
// with the same body, after the same two look-ups, so that neither
// answers nor timings tell which device ids exist. An admin's token is
// taken for any device.
//
// Each client address and, once its secret is checked, each device is
// rate-limited (Options.Rates): over the limit is 429 with Retry-After.

// deviceRoutes are the routes phones post positions to. They authenticate
// by a device and its secret (see above) instead of a bearer header, so
// they stand apart from the policy table; routes registers both.
func (s *Server) deviceRoutes() []route {
	return []route{
		{http.MethodGet, "/ingest/osmand", s.ingestOsmAnd, nil},
		{http.MethodPost, "/ingest/osmand", s.ingestOsmAnd, nil},
		{http.MethodPost, "/ingest/owntracks", s.ingestOwnTracks, nil},
	}
}

// limitAddress takes a token of the client address's bucket (Rates.IP)
// before the body of a device or Open311 request is read.
func (s *Server) limitAddress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.perIP.allow(clientAddr(c.Request().RemoteAddr), time.Now()); err != nil {
			return err
		}
		return next(c)
	}
}

// deviceWorker resolves a device id and the secret sent with it to the
// worker carrying the device (see above), and takes a token of the
// device's rate.
func (s *Server) deviceWorker(c echo.Context, device string) (patrol.Worker, access.Principal, error) {
	ctx := c.Request().Context()
	secret, ok := deviceSecret(c)
	if !ok {
		return patrol.Worker{}, access.Principal{}, &AuthError{Reason: "a device must send its secret, " +
			"a worker token of its worker: ?token=wg_… in OsmAnd's URL, the password of Basic auth in OwnTracks, " +
			"or an Authorization: Bearer header (an administrator creates it with `wangge token create --role worker --worker ID`)"}
	}
	var tok data.Token
	tokErr := app.ErrUnknownToken
	if app.WellFormed(secret) {
		tok, tokErr = s.app.Authenticate(ctx, secret)
	}
	w, err := s.app.WorkerByDevice(ctx, device)
	for _, e := range []error{tokErr, err} {
		if e != nil && !errors.Is(e, app.ErrUnknownToken) && !errors.Is(e, data.ErrNotFound) {
			return w, access.Principal{}, fmt.Errorf("server: device %q: %w", device, e)
		}
	}
	var why string
	switch {
	case err != nil:
		why = "device not registered"
	case tokErr != nil:
		why = "secret unknown or revoked"
	case tok.Role != data.RoleAdmin && (tok.Role != data.RoleWorker || tok.Worker != w.ID):
		why = "secret of token " + tok.ID + ", not of worker " + string(w.ID)
	}
	if why != "" {
		s.logger(c).Info("device refused", "device", device, "reason", why)
		return patrol.Worker{}, access.Principal{}, &DeviceError{Device: device}
	}
	if err := s.perDevice.allow(device, time.Now()); err != nil {
		return w, access.Principal{}, err
	}
	c.Set(tokenKey, tok)
	return w, access.Of(tok), nil
}

// deviceSecret returns the secret a device request carries, if any: the
// password of Basic auth, a bearer header, or the token field of the URL
// or of a form body.
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
	if t := req.FormValue("token"); t != "" { // the URL, or the fields of a form
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
