// Package headless drives Debian's chromium, headless, through the Chrome
// DevTools protocol (github.com/chromedp/chromedp), for the map page's
// browser tests and its benchmark row: WebGL goes through SwiftShader, so
// MapLibre renders with no GPU; each page records the console errors and
// the requests it makes.
package headless

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
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

// Browser is one running chromium; tabs share it.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Start runs chromium headless at the given window size, WebGL through
// SwiftShader, without the sandbox when run as root (as in CI).
func Start(ctx context.Context, width, height int) (*Browser, error) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		return nil, ErrNoChromium
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

// Load opens the map page at base ("http://host:port") signed in with
// token (none: the public view), as a user who typed it into the sign-in
// field (it goes to sessionStorage), and waits until the page says its
// first view is rendered.
func (p *Page) Load(base, token string) error {
	tasks := chromedp.Tasks{chromedp.Navigate(base + "/")}
	if token != "" {
		tasks = append(tasks, chromedp.Evaluate(fmt.Sprintf("sessionStorage.setItem('wangge.token', %q)", token), nil), chromedp.Reload())
	}
	tasks = append(tasks, WaitReady())
	ctx, cancel := context.WithTimeout(p.Ctx, ReadyTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, tasks); err != nil {
		return fmt.Errorf("headless: load %s: %w (errors on the page: %v)", base, err, p.Errors())
	}
	return nil
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
