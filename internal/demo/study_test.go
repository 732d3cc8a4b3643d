package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"wangge/coverage/workload"
	"wangge/coverage/workload/workloadtest"
	"wangge/data/stores"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/internal/window"
	"wangge/partition"
)

// TestStudyMonth builds the study's community for November 2026 (8
// basic grids with a full-time worker each, 5 dedicated grids, key
// places by category, a month of patrols and incidents) and checks its
// assessment sheet and load report: the sheet's patrol hours are the sum
// of the work logs of the month, its XLSX reads back equal to its JSON,
// and the load report covers every grid with hours measured from the
// tracks.
func TestStudyMonth(t *testing.T) {
	ctx := context.Background()
	s, err := stores.Open(ctx, filepath.Join(t.TempDir(), "y.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	zone, err := window.LoadZone(window.DefaultZone)
	if err != nil {
		t.Fatal(err)
	}
	month, err := window.Month("2026-11", zone)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ws, err := Study(ctx, s, month.From)
	if err != nil {
		t.Fatal(err)
	}
	basic, dedicated := 0, 0
	for _, g := range ws.Plan.Grids {
		if g.Kind == partition.Basic {
			basic++
		} else {
			dedicated++
		}
	}
	if basic != 8 || dedicated != 5 || len(ws.Workers) != 8 || len(ws.KeyPlaces) != 97 {
		t.Fatalf("%d basic and %d dedicated grids, %d workers, %d key places; want 8, 5, 8, 97", basic, dedicated, len(ws.Workers), len(ws.KeyPlaces))
	}
	t.Logf("built in %v: %d fixes, %d incidents", time.Since(start).Round(time.Millisecond), ws.Fixes, len(ws.Incidents))
	a, err := app.New(app.Options{Store: s, Zone: zone})
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := a.Assessment(ctx, access.Operator, "2026-11", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Workers) != 8 {
		t.Fatalf("%d workers on the sheet", len(sheet.Workers))
	}
	for _, w := range sheet.Workers {
		if w.Score <= 0 || w.Score > sheet.MaxScore || w.Items[1].Value < 21*4 {
			t.Errorf("%s: score %.1f, patrol %.1f h (21 working days of 6 h, most inside)", w.Worker, w.Score, w.Items[1].Value)
		}
		t.Logf("%s %v: base info %g, patrol %.1f h, key places %.0f%%, prompt %g, settled %.0f%%: %.1f", w.Worker, w.Grids,
			w.Items[0].Value, w.Items[1].Value, 100*w.Items[2].Value, w.Items[3].Value, 100*w.Items[4].Value, w.Score)
	}
	// Each day of the sheet is the work log of that day: the first week
	// of the first worker, log by log.
	first := sheet.Workers[0]
	for i, d := range workload.Days(month.From, month.To, zone)[:7] {
		l, err := a.WorkLog(ctx, access.Operator, first.Worker, window.Window{From: d[0], To: d[1]})
		if err != nil {
			t.Fatal(err)
		}
		day := first.Days[i]
		if l.Date != day.Date || time.Duration(l.InsideS).Hours() != day.InsideH || l.DistanceM != day.DistanceM ||
			len(l.Reported) != day.Reported || len(l.KeyPlacesVisited) != day.Visits {
			t.Errorf("log of %s: %s %.3f h inside, %.0f m, %d reported, %d visits; sheet: %+v", first.Worker, l.Date,
				time.Duration(l.InsideS).Hours(), l.DistanceM, len(l.Reported), len(l.KeyPlacesVisited), day)
		}
	}
	workloadtest.CheckXLSX(t, sheet)

	loads, err := a.Loads(ctx, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(loads.Grids) != 13 || loads.Basic != 8 {
		t.Fatalf("load report of %d grids, %d basic", len(loads.Grids), loads.Basic)
	}
	for _, g := range loads.Grids {
		if g.Kind == partition.Basic && (g.Workers != 1 || g.Measured <= 0 || g.Estimate.Total <= 0) {
			t.Errorf("grid %s: %d workers, estimate %.1f h, measured %.1f h a week", g.Grid, g.Workers, g.Estimate.Total, g.Measured)
		}
		t.Logf("%s %-9s %4d households %2d key places %5.1f incidents/month: estimate %5.1f h, measured %5.1f h a week, %+6.1f%% %v",
			g.Grid, g.Kind, g.Households, g.KeyPlaces, g.Incidents, g.Estimate.Total, g.Measured, g.DeviationPct, g.Flags)
	}
}
