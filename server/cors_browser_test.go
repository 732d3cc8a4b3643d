package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wangge/server"
)

// gridsPage is a web page that fetches the grids of the plan in force
// from the API named by its ?api= with the ?token= and writes into its
// title how many it got, or the browser's error.
const gridsPage = `<!doctype html><html><head><title>loading</title></head><body><script>
const q = new URLSearchParams(location.search);
fetch(q.get("api") + "/api/v1/plans/" + q.get("plan") + "/grids", {headers: {Authorization: "Bearer " + q.get("token")}})
  .then(r => r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)))
  .then(fc => { document.title = "grids:" + fc.features.length; })
  .catch(e => { document.title = "error:" + e.message; });
</script></body></html>`

// TestBrowserLoadsGridsFromAnotherOrigin runs headless Chromium on a page
// served from another origin than the API: with that origin configured
// (CORS), the page's authenticated fetch — preflight included — loads the
// grids of the plan in force; an API configured for another origin leaves
// the browser with "Failed to fetch".
func TestBrowserLoadsGridsFromAnotherOrigin(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed; .ci/setup.sh installs it")
	}
	ws := demoWorkspace(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, gridsPage)
	}))
	defer page.Close()
	api := func(origins ...string) *httptest.Server {
		s, err := server.New(server.Options{Store: ws.store, CORSOrigins: origins, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.Record(s))
		t.Cleanup(srv.Close)
		return srv
	}
	allowed, other := api(page.URL), api("https://map.example.gov.cn")

	var plans struct {
		Plans []struct{ ID, Status string } `json:"plans"`
	}
	_, body := get(t, allowed.URL+"/api/v1/plans", "Authorization", "Bearer "+ws.viewer)
	if err := json.Unmarshal(body, &plans); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(plans.Plans, func(p struct{ ID, Status string }) bool { return p.Status == "published" })
	if i < 0 {
		t.Fatalf("no published plan in %s", body)
	}
	plan := plans.Plans[i].ID
	var grids struct {
		Features []json.RawMessage `json:"features"`
	}
	_, body = get(t, allowed.URL+"/api/v1/plans/"+plan+"/grids", "Authorization", "Bearer "+ws.viewer)
	if err := json.Unmarshal(body, &grids); err != nil || len(grids.Features) == 0 {
		t.Fatalf("grids %.200s: %v", body, err)
	}

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]), chromedp.ExecPath(chromium), chromedp.Flag("headless", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Run(bctx); err != nil { // starts the browser, which lives as long as bctx
		t.Fatalf("start %s: %v", chromium, err)
	}
	for _, tc := range []struct {
		name string
		api  *httptest.Server
		want string
	}{
		{"configured origin", allowed, fmt.Sprintf("grids:%d", len(grids.Features))},
		{"origin not configured", other, "error:Failed to fetch"},
	} {
		tab, closeTab := chromedp.NewContext(bctx)
		ctx, cancel := context.WithTimeout(tab, 30*time.Second)
		target := page.URL + "/?" + url.Values{"api": {tc.api.URL}, "plan": {plan}, "token": {ws.viewer}}.Encode()
		var title string
		err := chromedp.Run(ctx, chromedp.Navigate(target),
			chromedp.Poll(`document.title !== "loading"`, nil, chromedp.WithPollingInterval(20*time.Millisecond)),
			chromedp.Title(&title))
		cancel()
		closeTab()
		if err != nil {
			t.Fatalf("%s: chromium: %v", tc.name, err)
		}
		if !strings.EqualFold(title, tc.want) {
			t.Errorf("%s: the page says %q, want %q", tc.name, title, tc.want)
		}
	}
}
