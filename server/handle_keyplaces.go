package server

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// Key places are the homes of key households (elderly living alone, the
// disabled, …): sensitive personal information under PIPL. The API keeps
// no names, only a category, a location, a grid and a visit interval;
// only admins and the leaders of the place's grid write or read them, and
// every read and write is audit-logged (auditKeyPlaces).

// keyPlaceJSON is a key place as the API reads and writes it.
type keyPlaceJSON struct {
	ID            patrol.KeyPlaceID `json:"id"`
	Category      string            `json:"category"`
	Lon           *float64          `json:"lon"`
	Lat           *float64          `json:"lat"`
	Grid          partition.GridID  `json:"grid"`
	VisitInterval float64           `json:"visit_interval_days"`
	LastVisited   *time.Time        `json:"last_visited,omitempty"`
}

// keyPlace checks the i-th place of a body and converts it.
func (k keyPlaceJSON) keyPlace(i int) (patrol.KeyPlace, error) {
	bad := func(field, reason string) (patrol.KeyPlace, error) {
		return patrol.KeyPlace{}, &BodyError{Field: fmt.Sprintf("[%d].%s", i, field), Reason: reason}
	}
	switch {
	case k.ID == "":
		return bad("id", "missing: every key place needs an id (no names: an opaque code)")
	case k.Category == "":
		return bad("category", "missing: say what kind of household, such as elderly-alone")
	case k.Grid == "":
		return bad("grid", "missing: the grid whose leader visits the place")
	case k.Lon == nil || !(math.Abs(*k.Lon) <= 180):
		return bad("lon", "want a longitude from -180 to 180 (WGS-84)")
	case k.Lat == nil || !(math.Abs(*k.Lat) <= 90):
		return bad("lat", "want a latitude from -90 to 90 (WGS-84)")
	case !(k.VisitInterval > 0 && k.VisitInterval <= 366):
		return bad("visit_interval_days", "want days between visits, more than 0 and at most 366")
	}
	p := patrol.KeyPlace{ID: k.ID, Category: k.Category, Location: orb.Point{*k.Lon, *k.Lat}, Grid: k.Grid,
		VisitInterval: time.Duration(k.VisitInterval * 24 * float64(time.Hour))}
	if k.LastVisited != nil {
		p.LastVisited = k.LastVisited.UTC()
	}
	return p, nil
}

// putKeyPlaces answers POST /api/v1/keyplaces: a JSON array of key places
// is inserted or replaced, all or none (app.PutKeyPlaces: a leader writes
// only places of its own grid; every write is audit-logged).
func (s *Server) putKeyPlaces(c echo.Context) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return fmt.Errorf("server: read body: %w", err)
	}
	places, err := decodeKeyPlaces(raw)
	if err != nil {
		return err
	}
	if err := s.app.PutKeyPlaces(c.Request().Context(), principal(c), places); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, upsertResult{Upserted: len(places)})
}

// decodeKeyPlaces reads a JSON array of key places, checking each.
func decodeKeyPlaces(raw []byte) ([]patrol.KeyPlace, error) {
	var in []keyPlaceJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, &BodyError{Field: jsonWhere(err), Reason: "want a JSON array of key places: " + jsonReason(err)}
	}
	if len(in) == 0 {
		return nil, &BodyError{Reason: "the array holds no key place"}
	}
	places := make([]patrol.KeyPlace, len(in))
	for i, k := range in {
		p, err := k.keyPlace(i)
		if err != nil {
			return nil, err
		}
		places[i] = p
	}
	return places, nil
}
