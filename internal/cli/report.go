package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/internal/config"
	"wangge/internal/window"
	"wangge/partition"
)

// reportCommands are the subcommands of `wangge report`.
func reportCommands() []command {
	return []command{
		{"log", "a worker's daily work log (工作日志)", runReportLog},
		{"assessment", "the monthly assessment sheet (考核表) as XLSX, CSV or JSON, with a chart per worker", runReportAssessment},
		{"load", "the weekly workload of every grid of the plan in force: estimate, measured, overloaded", runReportLoad},
	}
}

func reportUsage(w io.Writer) {
	listCommands(w, "usage: wangge report log|assessment|load [flags]   (wangge report SUBCOMMAND --help for its flags)", "subcommands", reportCommands())
}

// runReport is `wangge report log|assessment|load`.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, reportCommands(), reportUsage, "wangge report: unknown subcommand")
}

// reportFlags are the flags every report takes: the store, the
// configuration file (for the coefficients and targets) and the zone.
type reportFlags struct {
	db, config, tz string
	zone           *time.Location
}

func (o *reportFlags) register(fs *flag.FlagSet) {
	dbFlag(fs, &o.db)
	fs.StringVar(&o.config, "config", "", "TOML `file` whose [workload] and [assessment] tables set the coefficients (defaults without)")
	zoneFlag(fs, &o.tz, "the zone of dates and days")
}

// zoneOf loads --tz once the flags are parsed.
func (o *reportFlags) zoneOf() error {
	z, err := window.LoadZone(o.tz)
	if err != nil {
		return windowFlagError(err)
	}
	o.zone = z
	return nil
}

// withApp opens the store and runs fn on an App with the configuration's
// coefficients and targets.
func (o *reportFlags) withApp(ctx context.Context, fn func(*app.App) error) error {
	cfg := config.Default()
	if o.config != "" {
		var err error
		if cfg, err = config.Load(o.config); err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	return withStore(ctx, o.db, func(s data.Store) error {
		a, err := app.New(app.Options{Store: s, Zone: o.zone, Workload: &cfg.Workload, Targets: &cfg.Assessment})
		if err != nil {
			return err
		}
		return fn(a)
	})
}

// reportLogOptions is the parsed command line of `wangge report log`.
type reportLogOptions struct {
	reportFlags
	worker string
	day    window.Window
	asJSON bool
}

func parseReportLog(args []string, stderr io.Writer) (reportLogOptions, error) {
	var o reportLogOptions
	var date string
	fs := newFlags("report log", stderr, "usage: wangge report log --worker ID --date YYYY-MM-DD [--json] [--db …]")
	fs.StringVar(&o.worker, "worker", "", "the worker `ID` (required)")
	fs.StringVar(&date, "date", "", "the day, YYYY-MM-DD in --tz (required)")
	fs.BoolVar(&o.asJSON, "json", false, "print the log as JSON")
	o.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if o.worker == "" || date == "" {
		return o, badUsage(fs, "--worker and --date are required")
	}
	if err := o.zoneOf(); err != nil {
		return o, err
	}
	var err error
	if o.day, err = window.Day(date, o.zone); err != nil {
		return o, windowFlagError(err)
	}
	return o, nil
}

func runReportLog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseReportLog(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return o.withApp(ctx, func(a *app.App) error {
		l, err := a.WorkLog(ctx, access.Operator, patrol.WorkerID(o.worker), o.day)
		if err != nil {
			return err
		}
		if o.asJSON {
			return writeJSON(stdout, l)
		}
		printLog(stdout, l)
		return nil
	})
}

func printLog(w io.Writer, l workload.DayLog) {
	fmt.Fprintf(w, "工作日志 work log of %s, %s (grids %s)\n", l.Worker, l.Date, strings.Join(idStrings(l.Grids), ","))
	fmt.Fprintf(w, "  patrol: %.2f km in %.2f h, %.2f h inside own grids, %d stops, %.1f%% of own grids covered (%d fixes)\n",
		l.DistanceM/1000, time.Duration(l.PatrolS).Hours(), time.Duration(l.InsideS).Hours(), l.Stops, 100*l.Coverage, l.Fixes)
	fmt.Fprintf(w, "  key places: %d visited %v, %d overdue at the end of the day\n", len(l.KeyPlacesVisited), l.KeyPlacesVisited, len(l.KeyPlacesOverdue))
	fmt.Fprintf(w, "  incidents: %d discovered, %d reported, %d handled, %d escalated; %d base-information updates\n",
		len(l.Discovered), len(l.Reported), len(l.Handled), len(l.Escalated), len(l.BaseInfo))
}

func idStrings[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// reportAssessmentOptions is the parsed command line of `wangge report
// assessment`.
type reportAssessmentOptions struct {
	reportFlags
	month, grid, out string
	lang             workload.Lang
}

func parseReportAssessment(args []string, stderr io.Writer) (reportAssessmentOptions, error) {
	var o reportAssessmentOptions
	var lang string
	fs := newFlags("report assessment", stderr,
		"usage: wangge report assessment --month YYYY-MM [--grid G] [--out FILE.xlsx|.csv|.json] [--lang zh|en] [--db …]",
		"Writes the sheet (default assessment-YYYY-MM.xlsx) and a chart per worker beside it (FILE-WORKER.svg).")
	fs.StringVar(&o.month, "month", "", "the month, YYYY-MM in --tz (required)")
	fs.StringVar(&o.grid, "grid", "", "only the workers of this grid `ID`")
	fs.StringVar(&o.out, "out", "", "the sheet `file`: .xlsx, .csv or .json (default assessment-YYYY-MM.xlsx)")
	fs.StringVar(&lang, "lang", "zh", "headers in Chinese (zh) or English (en)")
	o.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if o.month == "" {
		return o, badUsage(fs, "--month is required")
	}
	if o.lang = workload.Lang(lang); o.lang != workload.Zh && o.lang != workload.En {
		return o, badUsage(fs, "--lang %q: want zh or en", lang)
	}
	if o.out == "" {
		o.out = "assessment-" + o.month + ".xlsx"
	}
	switch filepath.Ext(o.out) {
	case ".xlsx", ".csv", ".json":
	default:
		return o, badUsage(fs, "--out %q: want a .xlsx, .csv or .json file", o.out)
	}
	if err := o.zoneOf(); err != nil {
		return o, err
	}
	if _, err := window.Month(o.month, o.zone); err != nil {
		return o, windowFlagError(err)
	}
	return o, nil
}

func runReportAssessment(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseReportAssessment(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return o.withApp(ctx, func(a *app.App) error {
		s, err := a.Assessment(ctx, access.Operator, o.month, partition.GridID(o.grid))
		if err != nil {
			return err
		}
		return writeSheet(s, o.out, o.lang, stdout)
	})
}

// writeSheet writes the sheet to out in the format its extension names
// and the chart of each worker beside it, and prints the scores.
func writeSheet(s workload.Sheet, out string, lang workload.Lang, stdout io.Writer) error {
	err := writeFile(out, func(w io.Writer) error {
		switch filepath.Ext(out) {
		case ".csv":
			return s.WriteCSV(w, lang)
		case ".json":
			return writeJSON(w, s)
		}
		return s.WriteXLSX(w, lang)
	})
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(out, filepath.Ext(out))
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "考核表 assessment %s: %d workers → %s\n", s.Month, len(s.Workers), out)
	fmt.Fprintln(tw, "worker\tgrids\tbase info\tpatrol h\tkey places\tprompt\tsettled\tscore\tchart")
	for _, ws := range s.Workers {
		chart := base + "-" + string(ws.Worker) + ".svg"
		if err := writeFile(chart, func(w io.Writer) error { return ws.WriteSVG(w, s, lang) }); err != nil {
			return err
		}
		v := func(i int) float64 { return ws.Items[i].Value }
		fmt.Fprintf(tw, "%s\t%s\t%g\t%.1f\t%.0f%%\t%g\t%.0f%%\t%.1f/%g\t%s\n", ws.Worker, strings.Join(idStrings(ws.Grids), ","),
			v(0), v(1), 100*v(2), v(3), 100*v(4), ws.Score, s.MaxScore, chart)
	}
	return tw.Flush()
}

// reportLoadOptions is the parsed command line of `wangge report load`.
type reportLoadOptions struct {
	reportFlags
	win       window.Window
	out       string
	rebalance float64 // > 0: rebalance by workload within this fraction
	gridsOut  string
}

func parseReportLoad(args []string, stderr io.Writer) (reportLoadOptions, error) {
	var o reportLoadOptions
	var from, to string
	fs := newFlags("report load", stderr, "usage: wangge report load [--from D --to D] [--out load.json] [--config F] [--db …]",
		"The window measures incidents and hours; by default the 4 weeks up to today's midnight.")
	fs.StringVar(&from, "from", "", "start of the window (a date in --tz or RFC 3339)")
	fs.StringVar(&to, "to", "", "end of the window, excluded")
	fs.StringVar(&o.out, "out", "", "write the report as JSON to this `file`")
	fs.Float64Var(&o.rebalance, "rebalance", 0, "also move the fewest boundary blocks to bring every basic grid within this `fraction` of the mean load, and report before and after (nothing is stored)")
	fs.StringVar(&o.gridsOut, "grids-out", "", "with --rebalance: write the rebalanced grids as GeoJSON to this `file`")
	o.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if !(o.rebalance >= 0 && o.rebalance < 1) {
		return o, badUsage(fs, "--rebalance %g: want a fraction in (0, 1)", o.rebalance)
	}
	if o.gridsOut != "" && o.rebalance == 0 {
		return o, badUsage(fs, "--grids-out needs --rebalance")
	}
	if err := o.zoneOf(); err != nil {
		return o, err
	}
	var err error
	if o.win, err = window.Parse(from, to, o.zone); err != nil {
		return o, windowFlagError(err)
	}
	if o.win.To.IsZero() {
		y, m, d := time.Now().In(o.zone).Date()
		o.win.To = time.Date(y, m, d, 0, 0, 0, 0, o.zone)
	}
	if o.win.From.IsZero() {
		o.win.From = o.win.To.AddDate(0, 0, -28)
	}
	return o, nil
}

func runReportLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseReportLoad(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return o.withApp(ctx, func(a *app.App) error {
		if o.rebalance > 0 {
			return rebalanceLoads(ctx, a, o, stdout)
		}
		r, err := a.Loads(ctx, o.win)
		if err != nil {
			return err
		}
		if o.out != "" {
			if err := writeFile(o.out, func(w io.Writer) error { return writeJSON(w, r) }); err != nil {
				return err
			}
		}
		printLoads(stdout, r)
		return nil
	})
}

// rebalanceLoads prints the load report before and after rebalancing
// the plan in force by workload, and the blocks moved.
func rebalanceLoads(ctx context.Context, a *app.App, o reportLoadOptions, stdout io.Writer) error {
	r, err := a.RebalanceLoads(ctx, o.win, o.rebalance)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := writeFile(o.out, func(w io.Writer) error { return writeJSON(w, r) }); err != nil {
			return err
		}
	}
	if o.gridsOut != "" {
		if err := writeFile(o.gridsOut, func(w io.Writer) error { return partition.WriteGrids(w, r.Grids) }); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "before:")
	printLoads(stdout, r.Before)
	fmt.Fprintln(stdout, "moves:")
	for _, m := range r.Moves {
		fmt.Fprintf(stdout, "  move %s: %s → %s\n", m.Block, m.From, m.To)
	}
	fmt.Fprintln(stdout, "after:")
	printLoads(stdout, r.After)
	fmt.Fprintf(stdout, "rebalance within %g%% of the mean: %d moves, %d blocks changed grid; basic grids within ±%.0f%% %d → %d of %d, max deviation %.1f%% → %.1f%%, overloaded %d → %d\n",
		100*o.rebalance, len(r.Moves), len(r.Changed), 100*r.Before.Coefficients.OverloadTolerance, r.Before.Within, r.After.Within, r.After.Basic,
		r.Before.MaxDeviationPct, r.After.MaxDeviationPct, r.Before.Overloaded, r.After.Overloaded)
	return nil
}

// printLoads prints the load report as a table.
func printLoads(w io.Writer, r workload.LoadReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "grid\tkind\tworkers\thouseholds\tkey places\tincidents/month\tstreets km\testimate h/wk\tmeasured h/wk\tdeviation\tflags\t")
	for _, g := range r.Grids {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.1f\t%.2f\t%.1f\t%.1f\t%+.1f%%\t%s\t\n", g.Grid, g.Kind, g.Workers, g.Households, g.KeyPlaces,
			g.Incidents, g.StreetM/1000, g.Estimate.Total, g.Measured, g.DeviationPct, strings.Join(g.Flags, ","))
	}
	tw.Flush()
	fmt.Fprintf(w, "basic grids: mean %.1f h a week, %d of %d within ±%.0f%%, max deviation %.1f%%; %d grids overloaded (over %g h a worker, or %.0f%% above the mean); measured over %.2f weeks\n",
		r.Mean, r.Within, r.Basic, 100*r.Coefficients.OverloadTolerance, r.MaxDeviationPct, r.Overloaded, r.Coefficients.HoursPerWeek,
		100*r.Coefficients.OverloadTolerance, r.Weeks)
}
