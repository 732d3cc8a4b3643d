package server

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
)

// Open311Prefix is where the GeoReport v2 endpoints live.
const Open311Prefix = "/open311/v2"

// open311Window is GeoReport v2's default window of GET requests: the
// last 90 days when the client gives no start_date.
const open311Window = 90 * 24 * time.Hour

// open311Routes registers GeoReport v2 over the incidents, in JSON and
// XML. No token is needed; an api_key that is a worker's, leader's or
// admin's token makes the request in that name, otherwise the public
// reports.
func (s *Server) open311Routes() {
	g := s.echo.Group(Open311Prefix, s.open311Errors)
	for _, f := range []string{"json", "xml"} {
		g.GET("/services."+f, s.open311Services)
		g.GET("/requests."+f, s.open311Requests)
		g.POST("/requests."+f, s.open311Post, s.limitAddress)
	}
	g.GET("/requests/:file", s.open311Request)
}

// open311Format is the format a path asks for by its extension, and the
// path's last segment without it.
func open311Format(last string) (name, format string) {
	if name, ok := strings.CutSuffix(last, ".xml"); ok {
		return name, "xml"
	}
	return strings.TrimSuffix(last, ".json"), "json"
}

// open311Write sends v as JSON, or as XML under the root element given.
func open311Write(c echo.Context, status int, root string, v any) error {
	_, format := open311Format(c.Request().URL.Path)
	if format == "json" {
		return writeJSON(c, status, echo.MIMEApplicationJSON, v)
	}
	b, err := xml.Marshal(struct {
		XMLName xml.Name
		Items   any
	}{XMLName: xml.Name{Local: root}, Items: v})
	if err != nil {
		return fmt.Errorf("server: encode open311 xml: %w", err)
	}
	return c.Blob(status, echo.MIMETextXMLCharsetUTF8, append([]byte(xml.Header), b...))
}

// open311Errors answers failures the way Open311 clients expect: a list
// of {code, description} with the status the problem mapping decides.
func (s *Server) open311Errors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		return s.open311Problem(c, err)
	}
}

// open311Problem answers err as GeoReport v2 clients expect: a list of
// errors in the format of the route, with the status problemFor decides.
// The error handler calls it too for what fails before the routes'
// middleware runs (the text checks of every request).
func (s *Server) open311Problem(c echo.Context, err error) error {
	p := problemFor(err, c.Request())
	if p.Status >= http.StatusInternalServerError {
		s.logger(c).Error("open311 request failed", "status", p.Status, "err", err)
	}
	setRetryAfter(c.Response().Header(), err, p.Status)
	var fe *open311.FieldError
	if errors.As(err, &fe) {
		p.Detail = fe.Detail()
	}
	return open311Write(c, p.Status, "errors", open311.Errors(p.Status, errors.New(p.Detail)))
}

// open311Services answers GET services.json: the configured categories.
func (s *Server) open311Services(c echo.Context) error {
	return open311Write(c, http.StatusOK, "services", s.desk.open311.Services())
}

// open311Post answers POST requests.json (form fields of GeoReport v2):
// the incident is created like POST /api/v1/incidents, by the public
// unless api_key is a token that acts on incidents.
func (s *Server) open311Post(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return &BodyError{Reason: "the body must be form fields (application/x-www-form-urlencoded): " + err.Error()}
	}
	d, err := s.desk.open311.ParsePost(form)
	if err != nil {
		return err
	}
	actor := incident.Actor{Role: incident.ActorPublic}
	if key := form.Get("api_key"); key != "" {
		actor, err = s.apiKeyActor(c, key)
	} else {
		err = s.allowAnonymous(c, d)
	}
	if err != nil {
		return err
	}
	f, err := s.app.FileIncident(c.Request().Context(), d, actor, "open311")
	if err != nil {
		return err
	}
	inc := f.Incident
	type created struct {
		XMLName          struct{} `json:"-" xml:"request"`
		ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
		ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	}
	notice := fmt.Sprintf("received; held at %s level", inc.Level)
	return open311Write(c, http.StatusOK, "service_requests", []created{{ServiceRequestID: string(inc.ID), ServiceNotice: notice}})
}

// allowAnonymous lets a report without an api_key through when the
// configuration allows them (Options.AnonymousOpen311), it has a
// location inside a grid of the plan in force, and its address is within
// Rates.AnonymousPerHour.
func (s *Server) allowAnonymous(c echo.Context, d incident.Incident) error {
	if s.anonymous == nil {
		return &ScopeError{Reason: "this server takes Open311 reports only with an api_key (a worker's, leader's or admin's token)"}
	}
	if slices.Contains(d.Flags, incident.FlagNoLocation) {
		return &app.FieldError{Field: "lat", Reason: "a report without an api_key needs lat and long"}
	}
	served, err := s.app.Served(c.Request().Context(), d.Location)
	if err != nil {
		return err
	}
	if !served {
		return &app.FieldError{Field: "lat", Reason: fmt.Sprintf("%g,%g is outside every grid served here", d.Location[1], d.Location[0])}
	}
	return s.anonymous.allow(clientAddr(c.Request().RemoteAddr), time.Now())
}

// apiKeyActor authenticates an Open311 api_key, which is an API token
// secret: an unknown key, or a token whose role does not file incidents
// (viewer, planner), is refused (403, as GeoReport v2 says).
func (s *Server) apiKeyActor(c echo.Context, key string) (incident.Actor, error) {
	public := incident.Actor{Role: incident.ActorPublic}
	if _, err := bearerSecret("Bearer " + key); err != nil {
		return public, &ScopeError{Reason: "api_key is not a valid key"}
	}
	tok, err := s.app.Authenticate(c.Request().Context(), key)
	switch {
	case errors.Is(err, app.ErrUnknownToken):
		return public, &ScopeError{Reason: "api_key is unknown or was revoked"}
	case err != nil:
		return public, fmt.Errorf("server: look up api_key: %w", err)
	case tok.Role != data.RoleAdmin && tok.Role != data.RoleWorker && tok.Role != data.RoleLeader:
		return public, &ScopeError{TokenID: tok.ID, Reason: fmt.Sprintf("api_key is a %s token, which does not file incidents; "+
			"send a worker's, leader's or admin's token", tok.Role)}
	}
	c.Set(tokenKey, tok)
	return s.app.Actor(c.Request().Context(), access.Of(tok))
}

// open311Requests answers GET requests.json: incidents filtered by
// service_request_id, service_code, status (open, closed), start_date and
// end_date; without start_date the last 90 days (GeoReport v2's default).
// Newest first, as GeoReport v2 lists them, a page at a time (page,
// page_size: open311Page) with a next Link while more follow.
func (s *Server) open311Requests(c echo.Context) error {
	f, err := s.desk.open311.ParseFilter(c.QueryParams())
	if err != nil {
		return err
	}
	skip, size, err := open311Page(c.QueryParams())
	if err != nil {
		return err
	}
	page, more, err := s.open311Find(c, &f, skip, size)
	if err != nil {
		return err
	}
	out := make([]open311.Request, len(page))
	for i, inc := range page {
		out[i] = s.desk.open311.Request(inc)
	}
	if more {
		open311NextLink(c)
	}
	return open311Write(c, http.StatusOK, "service_requests", out)
}

// open311Find reads the page of the incidents the filter matches, newest
// (highest id) first, after skip matches, and says whether more follow.
// The incidents it names by id are read one by one; else those reported in
// its window (the 90 days before its end, or now, when it has no start)
// are read from the store a page at a time, so that a request never holds
// more than a page of them however deep the page it asks for.
func (s *Server) open311Find(c echo.Context, f *open311.Filter, skip, size int) (page []incident.Incident, more bool, err error) {
	ctx := c.Request().Context()
	keep := func(inc incident.Incident) bool {
		switch {
		case !f.Match(inc):
		case skip > 0:
			skip--
		case len(page) == size:
			more = true
			return false
		default:
			page = append(page, inc)
		}
		return true
	}
	if len(f.IDs) > 0 {
		var named []incident.Incident
		for _, id := range f.IDs {
			inc, err := s.store.Incident(ctx, id)
			switch {
			case err == nil:
				named = append(named, inc)
			case !errors.Is(err, data.ErrNotFound):
				return nil, false, fmt.Errorf("server: service request %q: %w", id, err)
			}
		}
		slices.SortFunc(named, func(a, b incident.Incident) int { return cmp.Compare(b.ID, a.ID) })
		for _, inc := range named {
			if !keep(inc) {
				break
			}
		}
		return page, more, nil
	}
	if f.From.IsZero() {
		end := f.To
		if end.IsZero() {
			end = time.Now()
		}
		f.From = end.Add(-open311Window)
	}
	q := data.IncidentQuery{Newest: true, From: f.From, To: f.To, BBoxQuery: data.BBoxQuery{Limit: size + 1}}
	for {
		batch, err := s.store.Incidents(ctx, q)
		if err != nil {
			return nil, false, fmt.Errorf("server: list incidents: %w", err)
		}
		for _, inc := range batch {
			if !keep(inc) {
				return page, more, nil
			}
		}
		if len(batch) < q.Limit {
			return page, more, nil
		}
		q.After = string(batch[len(batch)-1].ID)
	}
}

// open311Request answers GET requests/{id}.json: a list of one request,
// as GeoReport v2 shapes it.
func (s *Server) open311Request(c echo.Context) error {
	file, err := pathParam(c, "file")
	if err != nil {
		return err
	}
	id, _ := open311Format(file)
	inc, err := s.store.Incident(c.Request().Context(), incident.ID(id))
	if err != nil {
		return fmt.Errorf("server: service request %q: %w", id, err)
	}
	return open311Write(c, http.StatusOK, "service_requests", []open311.Request{s.desk.open311.Request(inc)})
}

// DefaultCategories are the incident categories served when Options gives
// none: the kinds grid workers report most in Chinese community grid
// governance, each with the time within which it should be settled.
func DefaultCategories() []open311.Category {
	const day = 24 * time.Hour
	return []open311.Category{
		{Code: "environment", Name: "环境卫生 Environment and sanitation", Group: "environment",
			Description: "litter, overflowing bins, blocked drains, pests", Keywords: []string{"litter", "garbage", "drain"}, Limit: 2 * day},
		{Code: "safety", Name: "安全隐患 Public safety hazard", Group: "safety",
			Description: "fire exits blocked, exposed wiring, gas smell, falling objects", Keywords: []string{"fire", "gas", "wiring"}, Limit: day},
		{Code: "dispute", Name: "邻里纠纷 Neighbour dispute", Group: "people",
			Description: "noise, leaks between flats, parking quarrels for mediation", Keywords: []string{"noise", "mediation"}, Limit: 3 * day},
		{Code: "facility", Name: "道路设施损坏 Road or facility damage", Group: "environment",
			Description: "potholes, broken street lights, damaged railings or manhole covers", Keywords: []string{"pothole", "street light", "manhole"}, Limit: 3 * day},
		{Code: "construction", Name: "违章搭建 Illegal construction", Group: "order",
			Description: "unauthorised extensions, rooftop structures, occupied public space", Keywords: []string{"extension", "rooftop"}, Limit: 7 * day},
		{Code: "care", Name: "困难群体帮扶 Help for elderly or vulnerable households", Group: "people",
			Description: "elderly living alone, disabled or hardship households needing a visit or help", Keywords: []string{"elderly", "disabled", "hardship"}, Limit: 2 * day},
		{Code: "other", Name: "其他 Other", Group: "other", Description: "anything else for the grid to look at"},
	}
}
