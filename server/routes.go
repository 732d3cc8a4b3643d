package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"wangge/data"
	"wangge/server/web"
)

// gzipMinLength is the smallest response compressed for a client that
// accepts gzip.
const gzipMinLength = 1024

// APIPrefix is where the authenticated JSON API lives.
const APIPrefix = "/api/v1"

// route is one API route and the roles allowed to call it.
type route struct {
	method  string
	path    string // below APIPrefix, in echo syntax
	handler echo.HandlerFunc
	roles   []data.Role
}

// policy is the access table of the API: every route under APIPrefix but
// the device routes (deviceRoutes) is listed here with the roles that may
// call it, and nowhere else. Reads are
// open to every role; writes to the territory need a planner or an admin.
// Routes where a worker writes its own tracks and incidents go here too,
// with the ownership check in their handler.
func (s *Server) policy() []route {
	anyone := []data.Role{data.RoleAdmin, data.RolePlanner, data.RoleLeader, data.RoleWorker, data.RoleViewer}
	planners := []data.Role{data.RoleAdmin, data.RolePlanner}
	incidentStaff := []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}
	return []route{
		{http.MethodGet, "/me", s.getMe, anyone},
		{http.MethodGet, "/blocks", s.listBlocks, anyone},
		{http.MethodPost, "/blocks", s.putBlocks, planners},
		{http.MethodGet, "/blocks/:id", s.getBlock, anyone},
		{http.MethodGet, "/roads", s.listRoads, anyone},
		// Plans: drawn, published and deleted by planners; every change is
		// audit-logged (handle_plans_publish.go).
		{http.MethodGet, "/plans", s.listPlans, anyone},
		{http.MethodPost, "/plans", s.createPlan, planners},
		{http.MethodGet, "/plans/:id", s.getPlan, anyone},
		{http.MethodGet, "/plans/:id/grids", s.planGrids, anyone},
		{http.MethodPost, "/plans/:id/publish", s.publishPlan, planners},
		{http.MethodDelete, "/plans/:id", s.deletePlan, planners},
		// A planner's loop over drafts (handle_plans_edit.go): upload or
		// adopt, edit with undo, versions, validate, diff.
		{http.MethodPost, "/plans/upload", s.uploadPlan, planners},
		{http.MethodPost, "/plans/import-grids", s.adoptPlan, planners},
		{http.MethodPost, "/plans/:id/edits", s.editPlan, planners},
		{http.MethodPost, "/plans/:id/undo", s.undoPlan, planners},
		{http.MethodGet, "/plans/:id/versions", s.listVersions, anyone},
		{http.MethodGet, "/plans/:id/validate", s.validatePlan, anyone},
		{http.MethodGet, "/plans/:id/diff", s.diffPlans, anyone},
		// Incidents: reported and moved by the grid staff (a worker in its
		// own name; who holds an incident is checked by incident.Transition).
		{http.MethodGet, "/incidents", s.listIncidents, anyone},
		{http.MethodPost, "/incidents", s.createIncident, incidentStaff},
		{http.MethodGet, "/incidents/hotspots", s.hotspots, anyone},
		{http.MethodGet, "/incidents/:id", s.getIncident, anyone},
		{http.MethodPost, "/incidents/:id/transitions", s.transitionIncident, incidentStaff},
		{http.MethodGet, "/stats/incidents", s.incidentStats, anyone},
		{http.MethodGet, "/stats/loads", s.gridLoads, anyone},
		// Workers and their tracks are personal data: admins, leaders (their
		// grid) and workers (themselves); the scope check is in the handler.
		{http.MethodGet, "/workers", s.listWorkers, []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}},
		{http.MethodPost, "/workers", s.putWorkers, []data.Role{data.RoleAdmin, data.RoleLeader}},
		{http.MethodGet, "/workers/:id", s.getWorker, []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}},
		{http.MethodGet, "/workers/:id/trajectory", s.getTrajectory, []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}},
		{http.MethodGet, "/positions", s.streamPositions, []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}},
		{http.MethodGet, "/workers/:id/log", s.getWorkLog, []data.Role{data.RoleAdmin, data.RoleLeader, data.RoleWorker}},
		// The assessment is personal (pay follows it): leaders of their
		// grid and admins. The load report names no one: planners too.
		{http.MethodGet, "/reports/assessment", s.getAssessment, []data.Role{data.RoleAdmin, data.RoleLeader}},
		{http.MethodGet, "/reports/load", s.getLoads, []data.Role{data.RoleAdmin, data.RolePlanner, data.RoleLeader}},
		{http.MethodPost, "/tracks", s.postTracks, []data.Role{data.RoleAdmin, data.RolePlanner, data.RoleLeader, data.RoleWorker}},
		{http.MethodGet, "/grids/:id/coverage", s.getCoverage, []data.Role{data.RoleAdmin, data.RolePlanner, data.RoleLeader}},
		{http.MethodPost, "/keyplaces", s.putKeyPlaces, []data.Role{data.RoleAdmin, data.RoleLeader}},
		{http.MethodGet, "/visits/overdue", s.getOverdue, []data.Role{data.RoleAdmin, data.RoleLeader}},
	}
}

// routes registers the open routes and the policy's routes behind
// authentication and authorisation.
func (s *Server) routes() {
	s.echo.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: gzipMinLength}))
	s.echo.GET("/healthz", s.health)
	s.echo.GET(OpenAPIPath, s.openAPI())
	s.open311Routes()
	s.ogcRoutes()
	s.tileRoutes()
	m := newMetrics()
	s.echo.Use(m.observe)
	if s.metrics = s.serveMetrics(m); s.metricsAddr == "" {
		s.echo.GET("/metrics", s.metrics, s.authenticate, authorize("GET /metrics", []data.Role{data.RoleAdmin}))
	}
	for _, r := range s.deviceRoutes() {
		s.echo.Add(r.method, APIPrefix+r.path, r.handler, s.limitAddress)
	}
	api := s.echo.Group(APIPrefix, s.authenticate)
	for _, r := range s.policy() {
		api.Add(r.method, r.path, r.handler, authorize(r.method+" "+APIPrefix+r.path, r.roles))
	}
	page := echo.WrapHandler(web.Handler(s.basemap, s.anonymous != nil))
	s.echo.GET("/", page)
	s.echo.GET(web.ConfigPath, page)
	s.echo.GET(web.AssetPrefix+"dist/:file", page)
	s.echo.GET(web.FaviconPath, page)
}
