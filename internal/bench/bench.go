// Package bench is the benchmark suite of `wangge bench`: each case
// prepares its input, runs once after a GC with the peak-RSS mark reset,
// and reports wall and CPU time, peak memory and rates; the report sets
// the figures beside the DESIGN.md targets and the ratios against PostGIS.
package bench

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"wangge/internal/cputime"
	"wangge/partition"
)

// benchCase is one row of `wangge bench`: a named piece of work over a
// number of items. prepare builds the input outside the measurement and
// returns the work to measure; a case that needs PostGIS is skipped when
// no server is given.
type benchCase struct {
	name      string
	items     int
	unit      string
	needPG    bool
	skip      func() string // why the case cannot run here ("" when it can); nil: it can
	oneThread bool          // measured on one locked OS thread, with that thread's CPU time
	prepare   func(ctx context.Context, env benchEnv) (benchRun, error)
}

// benchEnv is what every case may use: the PostGIS server (empty for
// none).
type benchEnv struct {
	pg string
}

// benchRun is a prepared case: run is measured; close (optional) cleans
// up afterwards; note (optional), asked after close, says something about
// the outcome; serverCPU (optional) returns the CPU time the PostGIS
// server processes of the case have spent so far, and whether it could be
// read; items, when not 0, is the number of items of a case that could
// not know it before preparing.
type benchRun struct {
	items     int
	run       func(context.Context) error
	close     func() error
	serverCPU func() (time.Duration, bool)
	server    string // what serverCPU measures; "PostGIS" when empty
	note      func() string
	// latency (optional), asked after run, is the wall and CPU time of
	// each request of a case that times its requests one by one.
	latency func() (wall, cpu []time.Duration)
}

// benchResult is what one case measured.
type benchResult struct {
	benchCase
	skipped   string // why the case did not run ("" when it did)
	wall, cpu time.Duration
	serverCPU time.Duration // part of cpu spent by PostGIS (or server)
	serverOK  bool          // serverCPU was read
	server    string        // what serverCPU measured
	peakRSS   int64         // bytes, VmHWM of the process during the case (0 if unknown)
	alloc     uint64
	note      string
	// p50 and p99 of the requests' wall time, p99CPU of their CPU time,
	// when the case timed them.
	p50, p99, p99CPU time.Duration
}

// perWall and perCPU are the items per wall and per CPU second.
func (r benchResult) perWall() float64 { return float64(r.items) / math.Max(r.wall.Seconds(), 1e-9) }
func (r benchResult) perCPU() float64  { return float64(r.items) / math.Max(r.cpu.Seconds(), 1e-9) }

// benchCases lists the suite: lookup, ingest, coverage, assessment and
// partition rows.
func benchCases(quick bool) []benchCase {
	cases := lookupCases(quick)
	cases = append(cases, ingestCases(quick)...)
	cases = append(cases, coverageCase(quick))
	cases = append(cases, overdueCases()...)
	cases = append(cases, assessmentCase(quick), pageCase())
	cases = append(cases, partitionCases(quick)...)
	cases = append(cases, tileCases()...)
	return append(cases, featureCases()...)
}

// partitionCases draw grids from Mosaic blocks of each size.
func partitionCases(quick bool) []benchCase {
	sizes := []int{1000, 10000, 100000}
	if quick {
		sizes = sizes[:2]
	}
	var cases []benchCase
	for _, n := range sizes {
		cases = append(cases, benchCase{
			name: "partition/" + sizeName(n), items: n, unit: "blocks",
			prepare: func(context.Context, benchEnv) (benchRun, error) {
				blocks := partition.Mosaic(n, 1)
				return benchRun{run: func(ctx context.Context) error {
					_, err := partition.Draw(ctx, blocks, partition.BenchOptions())
					return err
				}}, nil
			},
		})
	}
	return cases
}

func sizeName(n int) string {
	if n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// Options choose what Run measures.
type Options struct {
	// Quick runs small sizes in about a minute; targets are not judged.
	Quick bool
	// Only runs the cases whose name starts with it.
	Only string
	// PG is the PostGIS server (a postgres:// URL) of the PostGIS rows;
	// they are skipped without one.
	PG string
}

// Run runs the suite and prints a table of wall and CPU seconds, peak
// resident memory, bytes allocated and items per second, then the ratios
// and the DESIGN.md targets against the figures of this run.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	env := benchEnv{pg: o.PG}
	load0 := loadAverage()
	var results []benchResult
	for _, c := range benchCases(o.Quick) {
		if !strings.HasPrefix(c.name, o.Only) {
			continue
		}
		r, err := measure(ctx, c, env)
		if err != nil {
			return fmt.Errorf("bench %s: %w", c.name, err)
		}
		results = append(results, r)
	}
	if o.Quick {
		fmt.Fprintln(stdout, "quick run: small sizes, targets not judged")
	}
	printBench(stdout, results)
	printRatios(stdout, results)
	printTargets(stdout, results, o.Quick, load0, loadAverage())
	return nil
}

// measure runs one case once, after a GC that returns free memory to the
// system and with the peak-RSS mark of the process reset (Linux
// clear_refs 5), so the peak is the case's own (its prepared input
// included).
func measure(ctx context.Context, c benchCase, env benchEnv) (benchResult, error) {
	r := benchResult{benchCase: c}
	if c.needPG && env.pg == "" {
		r.skipped = "skipped: no --pg"
		return r, nil
	}
	if c.skip != nil {
		if why := c.skip(); why != "" {
			r.skipped = "skipped: " + why
			return r, nil
		}
	}
	prep, err := c.prepare(ctx, env)
	if err != nil {
		return r, err
	}
	if prep.items > 0 {
		r.items = prep.items
	}
	closed := false
	defer func() {
		if !closed && prep.close != nil {
			_ = prep.close() // the case failed; its error is the one to report
		}
	}()
	debug.FreeOSMemory() // collect, and hand the earlier cases' heap back, so that it is not resident
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var srv0 time.Duration
	if prep.serverCPU != nil {
		srv0, r.serverOK = prep.serverCPU()
	}
	if c.oneThread {
		err = onOneThread(func() error { return timed(ctx, &r, prep.run, cputime.Thread) })
	} else {
		err = timed(ctx, &r, prep.run, cputime.Self)
	}
	if err != nil {
		return r, err
	}
	if r.serverOK {
		srv1, ok := prep.serverCPU()
		r.serverOK = ok
		r.serverCPU = srv1 - srv0
		r.cpu += r.serverCPU
		r.server = cmp.Or(prep.server, "PostGIS")
	}
	runtime.ReadMemStats(&after)
	r.alloc = after.TotalAlloc - before.TotalAlloc
	if prep.latency != nil {
		wall, cpu := prep.latency()
		r.p50, r.p99, r.p99CPU = quantile(wall, 0.5), quantile(wall, 0.99), quantile(cpu, 0.99)
	}
	r.peakRSS = vmHWM()
	closed = true
	if prep.close != nil {
		if err := prep.close(); err != nil {
			return r, err
		}
	}
	if prep.note != nil {
		r.note = prep.note()
	}
	return r, nil
}

// quantile is the q-quantile of ds (nearest rank); 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	return s[int(math.Ceil(q*float64(len(s))))-1]
}

// timed runs work, setting r's wall time and the CPU time clock counts.
func timed(ctx context.Context, r *benchResult, work func(context.Context) error, clock func() time.Duration) error {
	cpu0 := clock()
	start := time.Now()
	if err := work(ctx); err != nil {
		return err
	}
	r.wall = time.Since(start)
	r.cpu = clock() - cpu0
	return nil
}

// onOneThread runs fn in a goroutine locked to its OS thread, so that the
// thread's CPU time is the work's (GOMAXPROCS is left alone: the garbage
// collector's own threads are not counted).
func onOneThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- fn()
	}()
	return <-done
}

// loadAverage is the one-minute load average from /proc/loadavg ("?"
// where there is no such file).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// vmHWM reads the peak resident set size from /proc/self/status (0 where
// there is no such file).
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}
