package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/internal/demo"
)

// overdueCases are the rows of DESIGN.md's "overdue visits, all grids of
// the demo": the demo workspace (Monaco, a simulated patrol day, 162 key
// places) is built in a temporary GeoPackage, then an admin asks for the
// overdue places of every grid over the default week, visits brought up
// to date first (app.OverdueVisits), as GET /api/v1/visits/overdue does.
// The first row measures the first request, which examines every fix of
// the day; the steady row, the target's, a request after one, which
// reads only the fixes the first left open (the stays in progress at its
// end and the last minutes, app.updateVisits).
func overdueCases() []benchCase {
	return []benchCase{overdueCase("first", 0), overdueCase("steady", 1)}
}

// overdueCase measures the request that follows before others, per key
// place of the demo.
func overdueCase(which string, before int) benchCase {
	return benchCase{
		name: "overdue/demo-all-grids/" + which, unit: "places",
		prepare: func(ctx context.Context, _ benchEnv) (benchRun, error) {
			dir, err := os.MkdirTemp("", "wangge-bench-overdue-*")
			if err != nil {
				return benchRun{}, err
			}
			st, err := gpkg.Open(ctx, filepath.Join(dir, "demo.gpkg"))
			if err != nil {
				os.RemoveAll(dir)
				return benchRun{}, err
			}
			closeAll := func() error {
				err := st.Close()
				os.RemoveAll(dir)
				return err
			}
			fail := func(what string, err error) (benchRun, error) {
				return benchRun{}, errors.Join(fmt.Errorf("bench: %s: %w", what, err), closeAll())
			}
			now := time.Now()
			if _, err := demo.Build(ctx, st, demo.Options{Min: 150, Max: 500, Day: demo.Day(now)}, io.Discard); err != nil {
				return fail("build the demo", err)
			}
			a, err := app.New(app.Options{Store: st})
			if err != nil {
				return fail("app", err)
			}
			places, err := st.KeyPlaces(ctx, data.BBoxQuery{})
			if err != nil {
				return fail("key places", err)
			}
			var ans app.Overdue
			for range before {
				if ans, err = a.OverdueVisits(ctx, access.Operator, "", 7); err != nil {
					return fail("overdue visits", err)
				}
			}
			found := ans.Visits
			return benchRun{
				items: len(places),
				run: func(ctx context.Context) (err error) {
					ans, err = a.OverdueVisits(ctx, access.Operator, "", 7)
					return err
				},
				close: closeAll,
				note: func() string {
					return fmt.Sprintf("%d overdue in %d grids, %d visits found (%d by the %d requests before)",
						ans.Count, len(ans.Grids), ans.Visits, found, before)
				},
			}, nil
		},
	}
}
