package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"wangge/data/gpkg"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/internal/demo"
)

// overdueCase is the row of DESIGN.md's "overdue visits, all grids of the
// demo": the demo workspace (Monaco, a simulated patrol day, 162 key
// places) is built in a temporary GeoPackage, then an admin asks for the
// overdue places of every grid over the default week, visits brought up
// to date first (app.OverdueVisits), as GET /api/v1/visits/overdue does.
// The first answer, which also stores the visits it finds, is made while
// preparing and noted; the measured one is the next.
func overdueCase() benchCase {
	return benchCase{
		name: "overdue/demo-all-grids", unit: "places",
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
			start := time.Now()
			first, err := a.OverdueVisits(ctx, access.Operator, "", 7)
			if err != nil {
				return fail("overdue visits", err)
			}
			firstTook := time.Since(start)
			var ans app.Overdue
			return benchRun{
				items: first.Count,
				run: func(ctx context.Context) (err error) {
					ans, err = a.OverdueVisits(ctx, access.Operator, "", 7)
					return err
				},
				close: closeAll,
				note: func() string {
					return fmt.Sprintf("%d overdue in %d grids; the first answer, storing %d visits, took %s",
						ans.Count, len(ans.Grids), first.Visits, firstTook.Round(time.Millisecond))
				},
			}, nil
		},
	}
}
