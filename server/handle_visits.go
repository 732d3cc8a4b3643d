package server

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage"
	"wangge/data"
	"wangge/partition"
)

// overduePlace is a key place past its visit interval.
type overduePlace struct {
	keyPlaceJSON
	// Due is when the next visit was due: the last visit plus the
	// interval; absent for a place never visited.
	Due *time.Time `json:"due,omitempty"`
	// OverdueDays is how long ago the visit fell due, in days; for a place
	// never visited it is absent, and NeverVisited is true.
	OverdueDays  *float64 `json:"overdue_days,omitempty"`
	NeverVisited bool     `json:"never_visited"`
}

// overdueGrid is the overdue places of one grid, most overdue first.
type overdueGrid struct {
	Grid   partition.GridID `json:"grid"`
	Places []overduePlace   `json:"places"`
}

// overdueAnswer is the body of GET /api/v1/visits/overdue.
type overdueAnswer struct {
	AsOf  time.Time     `json:"as_of"`
	Count int           `json:"count"`
	Grids []overdueGrid `json:"grids"`
}

// getOverdue answers GET /api/v1/visits/overdue[?grid=]: the key places
// whose last visit is older than their visit interval (or that were never
// visited), grouped by grid. A leader sees only its own grid; an admin
// every grid, or the one of ?grid=. Every answer is audit-logged with the
// places it returned.
func (s *Server) getOverdue(c echo.Context) error {
	tok, _ := TokenFrom(c)
	var grid partition.GridID
	err := eachParam(c.QueryParams(), []string{"grid"}, func(_, v string) error { grid = partition.GridID(v); return nil })
	if err != nil {
		return err
	}
	if tok.Role == data.RoleLeader {
		if grid != "" && grid != tok.Grid || tok.Grid == "" {
			return &ScopeError{TokenID: tok.ID, Reason: scopeReason(tok, "the key places of grid "+string(grid))}
		}
		grid = tok.Grid
	}
	all, err := s.store.KeyPlaces(c.Request().Context(), data.BBoxQuery{})
	if err != nil {
		return fmt.Errorf("server: list key places: %w", err)
	}
	now := time.Now().UTC()
	var shown []coverage.KeyPlaceID // in the order of the answer
	byGrid := map[partition.GridID][]overduePlace{}
	for _, k := range all {
		if grid != "" && k.Grid != grid || !canSeeGrid(tok, k.Grid) {
			continue
		}
		if p, late := overdue(k, now); late {
			byGrid[k.Grid] = append(byGrid[k.Grid], p)
		}
	}
	ans := overdueAnswer{AsOf: now, Grids: []overdueGrid{}}
	for _, g := range slices.Sorted(maps.Keys(byGrid)) {
		places := byGrid[g]
		slices.SortFunc(places, func(a, b overduePlace) int {
			// Never visited first, then the longest overdue, then by id.
			return cmp.Or(-cmp.Compare(boolInt(a.NeverVisited), boolInt(b.NeverVisited)),
				-cmp.Compare(deref(a.OverdueDays), deref(b.OverdueDays)), cmp.Compare(a.ID, b.ID))
		})
		ans.Grids = append(ans.Grids, overdueGrid{Grid: g, Places: places})
		for _, p := range places {
			shown = append(shown, p.ID)
		}
	}
	ans.Count = len(shown)
	s.auditKeyPlaces(c, "key places read", shown)
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, ans)
}

// overdue tells whether k is past its visit interval at now: never
// visited, or visited more than VisitInterval ago. A place without an
// interval is never overdue.
func overdue(k coverage.KeyPlace, now time.Time) (overduePlace, bool) {
	p := overduePlace{keyPlaceJSON: toKeyPlaceJSON(k)}
	if k.VisitInterval <= 0 {
		return p, false
	}
	if k.LastVisited.IsZero() {
		p.NeverVisited = true
		return p, true
	}
	due := k.LastVisited.Add(k.VisitInterval).UTC()
	if !now.After(due) {
		return p, false
	}
	days := now.Sub(due).Hours() / 24
	p.Due, p.OverdueDays = &due, &days
	return p, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}
