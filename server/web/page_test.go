package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/geo"
	"wangge/internal/demo"
	"wangge/internal/headless"
)

// ScreenshotsEnv names a folder the browser tests write their
// screenshots to; without it they go to the test's t.TempDir().
const ScreenshotsEnv = "WANGGE_SCREENSHOTS"

// fixture is the demo workspace served on a port, its tokens and one
// browser shared by every test of the package.
type fixture struct {
	url                     string
	store                   data.Store
	focus                   patrol.WorkerID // the worker the demo's leader token follows
	viewer, leader, planner string
	browser                 *headless.Browser
}

var shared *fixture

// TestMain builds the demo workspace once, serves it and starts one
// chromium for all the browser tests (each takes a few seconds).
func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "wangge-page-*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	served, err := demo.ServeLoopback(ctx, dir)
	if err != nil {
		return 0, err
	}
	defer served.Close()
	f := &fixture{url: served.URL, store: served.Store, focus: served.Workspace.Focus().ID, viewer: served.Tokens.Viewer, leader: served.Tokens.Leader, planner: served.Tokens.Planner}
	f.browser, err = headless.Start(ctx, 1100, 720)
	switch {
	case errors.Is(err, headless.ErrNoChromium):
		fmt.Fprintln(os.Stderr, "browser tests skip:", err)
	case err != nil:
		return 0, err
	default:
		defer f.browser.Close()
		shared = f
	}
	return m.Run(), nil
}

// page opens a tab signed in with token (none: the public view), fails
// the test on any console error when it ends, and saves a screenshot of
// the view under name.
func page(t *testing.T, token, name string) *headless.Page {
	t.Helper()
	return pageAt(t, shared.url, token, name)
}

// pageAt is page on the service at base.
func pageAt(t *testing.T, base, token, name string) *headless.Page {
	t.Helper()
	if shared == nil {
		t.Skip("no chromium on the PATH (.ci/setup.sh installs it)")
	}
	p, err := shared.browser.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		shot(t, p, name)
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
		}
		p.Close()
	})
	if token != "" {
		if err := p.SignIn(base, token); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Load(base); err != nil {
		t.Fatal(err)
	}
	return p
}

// shot saves a screenshot of the page as name.png in the folder
// ScreenshotsEnv names, or else in the test's temporary folder.
func shot(t *testing.T, p *headless.Page, name string) {
	t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if err := p.Screenshot(path); err != nil {
		t.Error(err)
	}
	t.Logf("screenshot %s", path)
}

func eval[T any](t *testing.T, p *headless.Page, expr string) T {
	t.Helper()
	var out T
	if err := p.Eval(expr, &out); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return out
}

// apiGet reads an API route with token into out.
func apiGet(t *testing.T, token, path string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, shared.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func TestPublicPageLoads(t *testing.T) {
	p := page(t, "", "public")
	n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['public-requests']}).length`)
	if n == 0 {
		t.Error("the public view shows no Open311 request")
	}
	if lang := eval[string](t, p, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("lang %q, want Chinese by default", lang)
	}
}

// The grids the viewer's map renders are exactly the published grids that
// reach into the view.
func TestViewerSeesThePublishedGridsInView(t *testing.T) {
	p := page(t, shared.viewer, "viewer")
	rendered := eval[[]string](t, p, `[...new Set(wanggeMap.queryRenderedFeatures({layers: ['grids-fill']}).map(f => f.properties.id))].sort()`)
	b := eval[[4]float64](t, p, `wanggeMap.getBounds().toArray().flat()`)
	view := orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
	var plans struct {
		Plans []struct{ ID, Status string }
	}
	apiGet(t, shared.viewer, "/api/v1/plans", &plans)
	i := slices.IndexFunc(plans.Plans, func(p struct{ ID, Status string }) bool { return p.Status == "published" })
	if i < 0 {
		t.Fatal("no published plan")
	}
	var grids geojson.FeatureCollection
	apiGet(t, shared.viewer, "/api/v1/plans/"+plans.Plans[i].ID+"/grids", &grids)
	var want []string
	for _, g := range grids.Features {
		if c := clip.Geometry(view, g.Geometry); c != nil && planar.Area(c) > 0 {
			want = append(want, fmt.Sprint(g.ID))
		}
	}
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(rendered, want) {
		t.Errorf("rendered grids %v\nwant the published grids in view %v", rendered, want)
	}
	t.Logf("%d grids rendered, %d published grids in view %v", len(rendered), len(want), view)
	// A viewer asks for no worker data and the page shows none.
	for _, u := range p.Requests() {
		for _, personal := range []string{"/workers", "/positions", "/trajectory", "/visits", "/coverage"} {
			if strings.Contains(u, personal) {
				t.Errorf("the viewer's page requested %s", u)
			}
		}
	}
	if n := eval[int](t, p, `['trace-line', 'live', 'overdue', 'cov-heat'].filter(l => wanggeMap.getLayer(l)).length`); n != 0 {
		t.Errorf("the viewer's map has %d worker layers", n)
	}
}

// The switch turns the interface to English and back to Chinese.
func TestLanguageSwitch(t *testing.T) {
	p := page(t, shared.viewer, "viewer-en")
	title := `document.querySelector('#bar h1').textContent`
	if got := eval[string](t, p, title); got != "网格 · 一图" {
		t.Errorf("title %q, want the Chinese one by default", got)
	}
	eval[bool](t, p, `document.getElementById('lang').click(), true`)
	if err := p.Wait(headless.WaitReady()); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, p, title); got != "wangge · one map" {
		t.Errorf("title %q after the switch, want English", got)
	}
	if got := eval[string](t, p, `document.querySelector('#panel h2').textContent`); got != "Grids" {
		t.Errorf("panel heading %q, want English", got)
	}
}

// Anyone reports an incident by clicking the map: the Open311 request is
// stored where it was clicked, in the category chosen.
func TestPublicReportsAnIncident(t *testing.T) {
	p := page(t, "", "report")
	eval[bool](t, p, `document.getElementById('report').click(), true`)
	xy := eval[[2]float64](t, p, `(() => { const r = wanggeMap.getContainer().getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	want := eval[[2]float64](t, p, `wanggeMap.unproject([wanggeMap.getContainer().clientWidth / 2, wanggeMap.getContainer().clientHeight / 2]).toArray()`)
	if err := chromedp.Run(p.Ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatal(err)
	}
	eval[bool](t, p, `document.getElementById('report-service').value = 'safety', document.getElementById('report-text').value = 'blocked fire exit (browser test)', document.querySelector('#report-form button').click(), true`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var status string
	for !strings.Contains(status, "inc-") {
		if ctx.Err() != nil {
			t.Fatalf("report status %q", status)
		}
		time.Sleep(50 * time.Millisecond)
		status = eval[string](t, p, `document.getElementById('report-status').textContent`)
	}
	id := status[strings.Index(status, "inc-"):]
	var got []struct {
		Code        string  `json:"service_code"`
		Description string  `json:"description"`
		Lat         float64 `json:"lat"`
		Long        float64 `json:"long"`
	}
	apiGet(t, "", "/open311/v2/requests/"+id+".json", &got)
	if len(got) != 1 || got[0].Code != "safety" || got[0].Description != "blocked fire exit (browser test)" ||
		geo.Distance(orb.Point{got[0].Long, got[0].Lat}, orb.Point(want)) > 5 {
		t.Errorf("request %s: %+v, want safety at %v", id, got, want)
	}
}
