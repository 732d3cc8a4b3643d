package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"wangge/internal/demo"
	"wangge/internal/headless"
	"wangge/server/web"
)

// pageLoads is how many times the page case loads the map page.
const pageLoads = 3

// pageCase times the map page's first view: the demo workspace served on
// loopback, the page loaded in headless chromium (one tab, signed in as a
// viewer) from navigation until it says its view is rendered
// (data-ready), pageLoads times. Building the demo and starting the
// browser are not timed.
func pageCase() benchCase {
	return benchCase{
		name: "mappage/first-view", items: pageLoads, unit: "loads",
		skip: func() string {
			if _, err := headless.Path(); err != nil {
				return "no chromium on the PATH"
			}
			return ""
		},
		prepare: preparePage,
	}
}

func preparePage(ctx context.Context, _ benchEnv) (benchRun, error) {
	dir, err := os.MkdirTemp("", "wangge-bench-page-*")
	if err != nil {
		return benchRun{}, err
	}
	var closers []func() error
	closeAll := func() error {
		var errs []error
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i]())
		}
		return errors.Join(append(errs, os.RemoveAll(dir))...)
	}
	run, err := servePage(ctx, dir, &closers)
	if err != nil {
		return benchRun{}, errors.Join(err, closeAll())
	}
	run.close = closeAll
	return run, nil
}

// servePage serves the demo from dir, opens a signed-in tab and returns
// the timed loads; what it opens goes on closers.
func servePage(ctx context.Context, dir string, closers *[]func() error) (benchRun, error) {
	demoSrv, err := demo.ServeLoopback(ctx, dir)
	if err != nil {
		return benchRun{}, err
	}
	*closers = append(*closers, demoSrv.Close)
	url := demoSrv.URL
	b, err := headless.Start(ctx, 1100, 720)
	if err != nil {
		return benchRun{}, err
	}
	*closers = append(*closers, func() error { b.Close(); return nil })
	p, err := b.Open()
	if err != nil {
		return benchRun{}, err
	}
	if err := p.SignIn(url, demoSrv.Tokens.Viewer); err != nil {
		return benchRun{}, err
	}
	var times []string
	return benchRun{
		run: func(context.Context) error {
			for range pageLoads {
				start := time.Now()
				if err := p.Load(url); err != nil {
					return err
				}
				times = append(times, fmt.Sprintf("%.2f", time.Since(start).Seconds()))
			}
			if errs := p.Errors(); len(errs) > 0 {
				return fmt.Errorf("the page logged errors: %s", strings.Join(errs, "; "))
			}
			return nil
		},
		serverCPU: b.CPU,
		server:    "chromium",
		note: func() string {
			return fmt.Sprintf("loads of %s s as a viewer; %s", strings.Join(times, ", "), bundleSize())
		},
	}, nil
}

// bundleSize says how large the page's bundle is, as sent and gzipped.
func bundleSize() string {
	var raw, zipped int
	for _, name := range []string{"dist/app.js", "dist/app.css"} {
		b, err := fs.ReadFile(web.Bundle(), name)
		if err != nil {
			return "bundle: " + err.Error()
		}
		raw += len(b)
		var z bytes.Buffer
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		zipped += z.Len()
	}
	return fmt.Sprintf("bundle %.0f kB JS+CSS (%.0f kB gzipped)", float64(raw)/1000, float64(zipped)/1000)
}
