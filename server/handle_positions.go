package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
)

// heartbeat is how often the position stream sends a comment line, so
// that proxies keep it open and a dead client is noticed.
const heartbeat = 15 * time.Second

// streamPositions answers GET /api/v1/positions with server-sent events
// (text/event-stream): an event "position" for the last fix of each
// worker the token may see (app.Positions: the past two days), then one
// for each newest fix as ingest stores it, each a GeoJSON Point Feature
// with the worker and the time; a comment line every 15 s. The stream
// ends when the client goes. Browsers read it with fetch, which sends
// the bearer token in a header (EventSource cannot).
func (s *Server) streamPositions(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	live, err := s.app.Positions(ctx, principal(c))
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(p patrol.TrackPoint) error {
		b, err := json.Marshal(feature{Type: "Feature", ID: string(p.Worker), Geometry: pointGeometry(p.Point, crsWGS84),
			Properties: map[string]any{"worker": p.Worker, "time": p.Time.UTC()}})
		if err != nil {
			return fmt.Errorf("server: position: %w", err)
		}
		_, err = fmt.Fprintf(w, "event: position\ndata: %s\n\n", b)
		return err
	}
	for _, p := range live.Recent {
		if err := send(p); err != nil {
			return nil // the client went
		}
	}
	w.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-live.Fixes:
			if err := send(p); err != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
		}
		w.Flush()
	}
}
