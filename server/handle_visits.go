package server

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	orbgeo "github.com/paulmach/orb/geo"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// Look-back of the stops that count as visits, in days: a week by
// default (the patrol week), at most a quarter, so that one request reads
// a bounded share of the track table. Visits found are stored, so places
// with longer intervals keep the visits earlier requests found.
const (
	defaultVisitDays = 7
	maxVisitDays     = 92
	// stopMargin widens the box of the places when reading fixes: stops
	// are local, and a false stop where a track leaves the box and comes
	// back lies at its edge, farther than the visit radius from any place.
	stopMargin = 200.0
)

// overdueAnswer is the body of GET /api/v1/visits/overdue.
type overdueAnswer struct {
	AsOf   time.Time            `json:"as_of"`
	Since  time.Time            `json:"stops_since"` // start of the look-back for visits
	Radius float64              `json:"visit_radius_m"`
	Visits int                  `json:"visits_found"` // places whose last visit moved forward
	Count  int                  `json:"count"`
	Grids  []patrol.OverdueGrid `json:"grids"`
}

// getOverdue answers GET /api/v1/visits/overdue[?grid=&days=]: the key
// places whose last visit is older than their visit interval, or that were
// never visited, per grid (patrol.Overdue). Visits are brought up to date
// first: the stops of every worker's track in the last days (default 7)
// near the places (patrol.Trajectory) visit the places within 50 m
// (patrol.Visits), and a last visit that moved forward is stored. A
// leader sees only its own grid; an admin every grid, or the one of ?grid=.
// Every answer is audit-logged with the places it returned.
func (s *Server) getOverdue(c echo.Context) error {
	tok, _ := TokenFrom(c)
	grid, days, err := parseOverdueParams(c.QueryParams())
	if err != nil {
		return err
	}
	if tok.Role == data.RoleLeader {
		if grid != "" && grid != tok.Grid || tok.Grid == "" {
			return &ScopeError{TokenID: tok.ID, Reason: scopeReason(tok, "the key places of grid "+string(grid))}
		}
		grid = tok.Grid
	}
	ctx := c.Request().Context()
	all, err := s.store.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil {
		return fmt.Errorf("server: list key places: %w", err)
	}
	byGrid := map[partition.GridID][]patrol.KeyPlace{}
	for _, k := range all {
		if (grid == "" || k.Grid == grid) && canSeeGrid(tok, k.Grid) {
			byGrid[k.Grid] = append(byGrid[k.Grid], k)
		}
	}
	now := time.Now().UTC()
	ans := overdueAnswer{AsOf: now, Since: now.AddDate(0, 0, -days), Radius: patrol.DefaultVisitRadius,
		Grids: []patrol.OverdueGrid{}}
	var places []patrol.KeyPlace
	for _, g := range slices.Sorted(maps.Keys(byGrid)) {
		updated, n, err := s.visit(ctx, byGrid[g], ans.Since, now)
		if err != nil {
			return err
		}
		places = append(places, updated...)
		ans.Visits += n
	}
	ans.Grids = append(ans.Grids, patrol.Overdue(places, now)...)
	var shown []patrol.KeyPlaceID // in the order of the answer
	for _, g := range ans.Grids {
		for _, p := range g.Places {
			shown = append(shown, p.ID)
		}
	}
	ans.Count = len(shown)
	s.auditKeyPlaces(c, "key places read", shown)
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, ans)
}

// visit brings the last visits of places (one grid's) up to date with the
// stops in [since, now) of every worker near them, stores the places whose
// last visit moved forward, and returns the places and how many moved.
func (s *Server) visit(ctx context.Context, places []patrol.KeyPlace, since, now time.Time) ([]patrol.KeyPlace, int, error) {
	box := places[0].Location.Bound()
	for _, p := range places[1:] {
		box = box.Extend(p.Location)
	}
	box = orbgeo.BoundPad(box, patrol.DefaultVisitRadius+stopMargin)
	pts, err := s.store.TrackPoints(ctx, data.TrackQuery{From: since, To: now, BBox: &box})
	if err != nil {
		return nil, 0, fmt.Errorf("server: fixes near key places: %w", err)
	}
	var stops []patrol.Stop
	for lo := 0; lo < len(pts); { // pts come ordered by worker, then time
		hi := lo + 1
		for hi < len(pts) && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		stops = append(stops, patrol.Trajectory(pts[lo:hi], patrol.TrajectoryOptions{}).Stops...)
		lo = hi
	}
	updated := patrol.Visits(places, stops, patrol.DefaultVisitRadius)
	var moved []patrol.KeyPlace
	for i, p := range updated {
		if p.LastVisited.After(places[i].LastVisited) {
			moved = append(moved, p)
		}
	}
	if len(moved) > 0 {
		if err := s.store.PutKeyPlaces(ctx, moved); err != nil {
			return nil, 0, fmt.Errorf("server: store %d visits: %w", len(moved), err)
		}
	}
	return updated, len(moved), nil
}

// parseOverdueParams reads grid and days.
func parseOverdueParams(q url.Values) (partition.GridID, int, error) {
	var grid partition.GridID
	days := defaultVisitDays
	err := eachParam(q, []string{"grid", "days"}, func(name, v string) error {
		if name == "grid" {
			grid = partition.GridID(v)
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxVisitDays {
			return &ParamError{Param: name, Value: v, Reason: fmt.Sprintf("want whole days of stops to look back, 1 to %d (default %d)", maxVisitDays, defaultVisitDays)}
		}
		days = n
		return nil
	})
	return grid, days, err
}
