package app

import (
	"context"

	"github.com/paulmach/orb"
)

// Served reports whether pt lies in a grid of the plan in force: the area
// this deployment serves (none while no plan is in force).
func (a *App) Served(ctx context.Context, pt orb.Point) (bool, error) {
	pi, err := a.InForce(ctx)
	if err != nil || pi == nil {
		return false, err
	}
	_, ok := pi.grids.Locate(pt)
	return ok, nil
}
