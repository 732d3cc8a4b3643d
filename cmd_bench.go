package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"wangge/partition"
)

// benchCase is one row of `wangge bench`: a named piece of work over a
// number of items. prepare builds the input outside the measurement and
// returns the work to measure.
type benchCase struct {
	name    string
	items   int
	unit    string
	prepare func() (func(context.Context) error, error)
}

// benchResult is what one case measured.
type benchResult struct {
	benchCase
	wall, cpu time.Duration
	peakRSS   int64 // bytes, VmHWM of the process during the case (0 if unknown)
	alloc     uint64
}

// benchCases lists the suite. Rows of other parts (stores, coverage) join
// here as further cases.
func benchCases(quick bool) []benchCase {
	sizes := []int{1000, 10000, 100000}
	if quick {
		sizes = sizes[:2]
	}
	var cases []benchCase
	for _, n := range sizes {
		cases = append(cases, benchCase{
			name: "partition/" + sizeName(n), items: n, unit: "blocks",
			prepare: func() (func(context.Context) error, error) {
				blocks := partition.Mosaic(n, 1)
				return func(ctx context.Context) error {
					_, err := partition.Draw(ctx, blocks, partition.BenchOptions())
					return err
				}, nil
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

// runBench is `wangge bench`: runs the suite and prints a table of wall
// and CPU seconds, peak resident memory, bytes allocated and items per
// second, then how partition time grows against n log n.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "small sizes only (1k and 10k blocks)")
	only := fs.String("only", "", "run only the cases whose name starts with this")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge bench [--quick] [--only PREFIX]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpOK(errOr(err))
	}
	var results []benchResult
	for _, c := range benchCases(*quick) {
		if !strings.HasPrefix(c.name, *only) {
			continue
		}
		r, err := measure(ctx, c)
		if err != nil {
			return fmt.Errorf("bench %s: %w", c.name, err)
		}
		results = append(results, r)
	}
	printBench(stdout, results)
	return nil
}

func errOr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

// measure runs one case once, after a GC and with the peak-RSS mark of
// the process reset (Linux clear_refs 5), so the peak is the case's own.
func measure(ctx context.Context, c benchCase) (benchResult, error) {
	r := benchResult{benchCase: c}
	work, err := c.prepare()
	if err != nil {
		return r, err
	}
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	start := time.Now()
	if err := work(ctx); err != nil {
		return r, err
	}
	r.wall = time.Since(start)
	r.cpu = cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	r.alloc = after.TotalAlloc - before.TotalAlloc
	r.peakRSS = vmHWM()
	return r, nil
}

// cpuTime is the user+system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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

func printBench(w io.Writer, results []benchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\titems\twall s\tCPU s\tpeak RSS MB\talloc MB\titems/s (CPU)\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d %s\t%.3f\t%.3f\t%.0f\t%.0f\t%.0f\t\n", r.name, r.items, r.unit,
			r.wall.Seconds(), r.cpu.Seconds(), float64(r.peakRSS)/(1<<20), float64(r.alloc)/(1<<20),
			float64(r.items)/math.Max(r.cpu.Seconds(), 1e-9))
	}
	tw.Flush()
	var prev *benchResult
	for i := range results {
		r := &results[i]
		if !strings.HasPrefix(r.name, "partition/") {
			continue
		}
		if prev != nil {
			n0, n1 := float64(prev.items), float64(r.items)
			fmt.Fprintf(w, "%s / %s: CPU time ×%.1f for ×%.0f blocks (n log n predicts ×%.1f)\n", r.name, prev.name,
				r.cpu.Seconds()/prev.cpu.Seconds(), n1/n0, n1*math.Log(n1)/(n0*math.Log(n0)))
		}
		prev = r
	}
}
