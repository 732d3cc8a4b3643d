// Package headless drives Debian's chromium, headless, through the Chrome
// DevTools protocol (github.com/chromedp/chromedp), for the map page's
// browser tests and its benchmark row: WebGL goes through SwiftShader, so
// MapLibre renders with no GPU; each page records the console errors and
// the requests it makes.
package headless

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium means no chromium binary is on the PATH.
var ErrNoChromium = errors.New("headless: no chromium on the PATH (apt-get install chromium)")

// ReadyTimeout bounds how long a page may take to render its first view.
const ReadyTimeout = 30 * time.Second

// Path is the chromium binary on the PATH, or ErrNoChromium.
func Path() (string, error) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		return "", ErrNoChromium
	}
	return path, nil
}

// Browser is one running chromium; tabs share it.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Start runs chromium headless at the given window size, WebGL through
// SwiftShader, without the sandbox when run as root (as in CI).
func Start(ctx context.Context, width, height int) (*Browser, error) {
	path, err := Path()
	if err != nil {
		return nil, err
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("ignore-gpu-blocklist", true),
		chromedp.WindowSize(width, height),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Run(bctx); err != nil {
		bcancel()
		acancel()
		return nil, fmt.Errorf("headless: start %s: %w", path, err)
	}
	return &Browser{ctx: bctx, cancel: func() { bcancel(); acancel() }}, nil
}

// CPU is the CPU time (user and system) the browser's processes (the
// browser, its renderers, GPU and utility processes) have used so far,
// read from /proc (Linux); ok is false where it cannot be read.
func (b *Browser) CPU() (cpu time.Duration, ok bool) {
	c := chromedp.FromContext(b.ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0, false
	}
	root := c.Browser.Process().Pid
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	parent := map[int]int{}
	ticks := map[int]int64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone since the listing
		}
		// The fields after the command name, which is in parentheses.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		parent[pid], _ = strconv.Atoi(f[1])
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		ticks[pid] = utime + stime
	}
	var total int64
	for pid, t := range ticks {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				total += t
				break
			}
		}
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(total) * time.Second / clockTicks, true
}

// Close stops the browser.
func (b *Browser) Close() { b.cancel() }

// Page is one tab.
type Page struct {
	Ctx      context.Context
	cancel   context.CancelFunc
	mu       sync.Mutex
	errs     []string
	requests []string
}

// Open opens a new tab.
func (b *Browser) Open() (*Page, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{Ctx: ctx, cancel: cancel}
	chromedp.ListenTarget(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				p.errs = append(p.errs, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			p.errs = append(p.errs, "exception: "+e.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				p.errs = append(p.errs, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			p.requests = append(p.requests, e.Request.URL)
		}
	})
	// A tab in the background gets no animation frames, and MapLibre
	// draws in them: bring it to the front.
	if err := chromedp.Run(ctx, log.Enable(), network.Enable(), page.BringToFront()); err != nil {
		cancel()
		return nil, fmt.Errorf("headless: open a tab: %w", err)
	}
	return p, nil
}

// Close closes the tab.
func (p *Page) Close() { p.cancel() }

// Errors are the console errors, uncaught exceptions and failed loads so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.errs)
}

// Requests are the URLs the tab has requested so far.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.requests)
}

// SignIn signs the tab in to the service at base ("http://host:port")
// with token as a user who typed it into the page's sign-in field: it
// goes to the origin's sessionStorage (the tab opens /healthz for that,
// so that the page's next load is its first).
func (p *Page) SignIn(base, token string) error {
	ctx, cancel := context.WithTimeout(p.Ctx, ReadyTimeout)
	defer cancel()
	err := chromedp.Run(ctx, chromedp.Navigate(base+"/healthz"),
		chromedp.Evaluate(fmt.Sprintf("sessionStorage.setItem('wangge.token', %q)", token), nil))
	if err != nil {
		return fmt.Errorf("headless: sign in at %s: %w", base, err)
	}
	return nil
}

// Load opens the map page at base and waits until the page says its
// first view is rendered.
func (p *Page) Load(base string) error {
	ctx, cancel := context.WithTimeout(p.Ctx, ReadyTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/"), WaitReady()); err != nil {
		return fmt.Errorf("headless: load %s: %w (errors on the page: %v)", base, err, p.Errors())
	}
	return nil
}

// Wait runs a waiting action (WaitReady) on the tab, at most ReadyTimeout.
func (p *Page) Wait(a chromedp.Action) error {
	ctx, cancel := context.WithTimeout(p.Ctx, ReadyTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// WaitReady waits for document.documentElement.dataset.ready == "1",
// which the page sets once its view has rendered.
func WaitReady() chromedp.Action {
	return chromedp.Poll(`document.documentElement.dataset.ready === "1"`, nil, chromedp.WithPollingInterval(20*time.Millisecond))
}

// Eval evaluates a JavaScript expression (awaiting a promise) into out.
func (p *Page) Eval(expr string, out any) error {
	return chromedp.Run(p.Ctx, chromedp.Evaluate(expr, out, func(ep *runtime.EvaluateParams) *runtime.EvaluateParams {
		return ep.WithAwaitPromise(true)
	}))
}

// Screenshot writes a PNG of the viewport to path.
func (p *Page) Screenshot(path string) error {
	var buf []byte
	if err := chromedp.Run(p.Ctx, chromedp.CaptureScreenshot(&buf)); err != nil {
		return fmt.Errorf("headless: screenshot: %w", err)
	}
	return os.WriteFile(path, buf, 0o644)
}
