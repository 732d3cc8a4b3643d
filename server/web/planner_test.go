package web_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"wangge/internal/headless"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb/geojson"
)

// A planner clicks a block and gives it to a neighbouring grid: the
// figures of both grids change by the block's households; the move is
// an edit of a draft uploaded from the published plan, whose diff, metric
// deltas and problems the page shows, and it publishes the draft.
func TestPlannerMovesABlockSavesAndPublishes(t *testing.T) {
	p := page(t, shared.planner, "planner")
	cands := blockPixels(t, p)
	var block, to string
	for _, c := range cands[:min(len(cands), 40)] {
		if err := chromedp.Run(p.Ctx, chromedp.MouseClickXY(c.X, c.Y)); err != nil {
			t.Fatal(err)
		}
		to = eval[string](t, p, `(document.querySelector('.move:not([disabled])') || {dataset: {}}).dataset.to || ''`)
		if to != "" {
			block = c.ID
			break
		}
	}
	if block == "" {
		t.Fatalf("none of %d blocks clicked offers a neighbouring grid", len(cands))
	}
	eval[bool](t, p, `document.querySelector('.move:not([disabled])').click(), true`)
	// The move uploads a draft and edits it: wait for the server's answer.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var rows [][]string
	for ctx.Err() == nil {
		if rows = eval[[][]string](t, p, `[...document.querySelectorAll('#metrics tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))`); len(rows) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(rows) != 4 {
		t.Fatalf("metrics rows %v, want the two grids before and after", rows)
	}
	households := func(r []string) float64 { v, _ := strconv.ParseFloat(r[1], 64); return v }
	from := rows[0][0]
	moved := households(rows[0]) - households(rows[2])
	if rows[1][0] != to || moved <= 0 || households(rows[3])-households(rows[1]) != moved || rows[0][2] == rows[2][2] {
		t.Errorf("block %s from %s to %s: metrics %v; want %s to lose the block's households to %s and its deviation to change", block, from, to, rows, from, to)
	}
	t.Logf("moved %s (%v households) from %s to %s: %v; problems added %q, removed %q", block, moved, from, to, rows,
		eval[string](t, p, `document.getElementById('added').textContent`), eval[string](t, p, `document.getElementById('removed').textContent`))

	// The move went to a draft uploaded from the published plan's grids
	// (POST /api/v1/plans/upload), as a version of it (…/edits).
	id := eval[string](t, p, `(document.getElementById('draft') || {}).textContent || ''`)
	if !strings.HasPrefix(id, "plan-") {
		t.Fatalf("no draft named after the move: %q", id)
	}
	if d := eval[string](t, p, `(document.getElementById('deltas') || {}).textContent || ''`); d == "" {
		t.Errorf("no metric deltas shown after the move")
	}
	var versions struct {
		Versions []struct{ Version int }
	}
	apiGet(t, shared.planner, "/api/v1/plans/"+id+"/versions", &versions)
	if len(versions.Versions) != 2 {
		t.Errorf("draft %s has versions %+v, want the upload and the move", id, versions.Versions)
	}

	// The diff against the published plan (GET …/diff) outlines the block
	// moved, and only it.
	eval[bool](t, p, `document.getElementById('diff').click(), true`)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var changed []string
	for ctx.Err() == nil {
		changed = eval[[]string](t, p, `wanggeMap.querySourceFeatures('plan-blocks').filter(f => wanggeMap.getFeatureState({source: 'plan-blocks', id: f.id}).changed).map(f => String(f.id)).filter((v, i, a) => a.indexOf(v) === i)`)
		if len(changed) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(changed) != 1 || changed[0] != block {
		t.Errorf("the diff outlines %v, want the block moved, %s", changed, block)
	}
	shot(t, p, "planner-move")
	waitText(t, p, "save", id+" v2")
	var grids geojson.FeatureCollection
	apiGet(t, shared.planner, "/api/v1/plans/"+id+"/grids", &grids)
	holder := ""
	for _, g := range grids.Features {
		if slices.Contains(blockIDs(g), block) {
			holder = fmt.Sprint(g.ID)
		}
	}
	if holder != to {
		t.Errorf("the draft %s has block %s in grid %q, want %s", id, block, holder, to)
	}
	// Publishing refuses a plan with errors; the page then offers to force it.
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.Eval(`document.getElementById('publish').click(), true`, new(bool)); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil {
		s := eval[string](t, p, `document.getElementById('status').textContent + (document.getElementById('force') ? ' force' : '')`)
		if strings.Contains(s, "已发布: "+id) {
			break
		}
		if strings.HasSuffix(s, " force") {
			t.Logf("publication refused: %s", s)
			waitText(t, p, "force", "已发布: "+id)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var plans struct {
		Plans []struct{ ID, Status string }
	}
	apiGet(t, shared.planner, "/api/v1/plans", &plans)
	for _, pl := range plans.Plans {
		if (pl.ID == id) != (pl.Status == "published") {
			t.Errorf("plan %s is %s after publishing %s", pl.ID, pl.Status, id)
		}
	}
}

// waitText clicks the button with id button and waits until #status
// holds want; it returns the status text.
func waitText(t *testing.T, p interface{ Eval(string, any) error }, button, want string) string {
	t.Helper()
	if err := p.Eval(`document.getElementById('`+button+`').click(), true`, new(bool)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		var s string
		if err := p.Eval(`(document.getElementById('status') || {}).textContent || ''`, &s); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(s, want) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("after %s the status never said %q", button, want)
	return ""
}

func blockIDs(g *geojson.Feature) []string {
	var out []string
	if bs, ok := g.Properties["blocks"].([]any); ok {
		for _, b := range bs {
			out = append(out, fmt.Sprint(b))
		}
	}
	return out
}

// A planner draws a plan in count mode from the page: the API stores a
// draft with those parameters and the page lists it.
func TestPlannerDrawsAPlan(t *testing.T) {
	p := page(t, shared.planner, "planner-draw")
	before := eval[int](t, p, `document.querySelectorAll('#plans li').length`)
	eval[bool](t, p, `document.getElementById('p-count').value = '20', document.getElementById('p-tol').value = '0.3', document.getElementById('p-draw').click(), true`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for eval[int](t, p, `document.querySelectorAll('#plans li').length`) == before {
		if ctx.Err() != nil {
			t.Fatalf("the plan list still has %d plans", before)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var plans struct {
		Plans []struct {
			Status string
			Params map[string]string
		}
	}
	apiGet(t, shared.planner, "/api/v1/plans", &plans)
	last := plans.Plans[len(plans.Plans)-1]
	if len(plans.Plans) != before+1 || last.Status != "draft" || last.Params["count"] != "20" || last.Params["tolerance"] != "0.3" || last.Params["min"] != "" {
		t.Errorf("%d plans, the last %+v; want a new count-mode draft", len(plans.Plans), last)
	}
}

// A planner selects a block and merges its grid into a neighbouring grid
// of the same kind, then undoes it: the draft the merge went to
// (uploaded from the published plan) has one grid fewer, the page shows
// the grid removed, and the undo brings the count back.
func TestPlannerMergesTwoGridsAndUndoes(t *testing.T) {
	p := page(t, shared.planner, "planner-merge")
	cands := blockPixels(t, p)
	var grid, into string
	for _, c := range cands[:min(len(cands), 40)] {
		if err := chromedp.Run(p.Ctx, chromedp.MouseClickXY(c.X, c.Y)); err != nil {
			t.Fatal(err)
		}
		b := eval[[]string](t, p, `(b => b ? [b.dataset.grid, b.dataset.into] : [])(document.querySelector('.merge:not([disabled])'))`)
		if len(b) == 2 {
			grid, into = b[0], b[1]
			break
		}
	}
	if grid == "" {
		t.Fatalf("none of %d blocks clicked offers a merge", len(cands))
	}
	count := func(id string) int {
		var fc geojson.FeatureCollection
		apiGet(t, shared.planner, "/api/v1/plans/"+id+"/grids", &fc)
		return len(fc.Features)
	}
	wait := func(js, what string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for ctx.Err() == nil {
			if s := eval[string](t, p, js); s != "" {
				return s
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("never saw %s", what)
		return ""
	}
	eval[bool](t, p, `document.querySelector('.merge:not([disabled])').click(), true`)
	removed := wait(`(document.getElementById('g-removed') || {}).textContent || ''`, "the grids the merge removed")
	if removed != grid {
		t.Errorf("merging %s into %s: the page says grids removed %q", grid, into, removed)
	}
	if d := eval[string](t, p, `(document.getElementById('deltas') || {}).textContent || ''`); d == "" {
		t.Errorf("no metric deltas shown after the merge")
	}
	id := eval[string](t, p, `(document.getElementById('draft') || {}).textContent || ''`)
	if !strings.HasPrefix(id, "plan-") {
		t.Fatalf("no draft named after the merge: %q", id)
	}
	var versions struct {
		Versions []struct{ Version int }
	}
	apiGet(t, shared.planner, "/api/v1/plans/"+id+"/versions", &versions)
	if len(versions.Versions) != 2 {
		t.Fatalf("draft %s has versions %+v, want the upload and the merge", id, versions.Versions)
	}
	merged := count(id)
	var plans struct {
		Plans []struct{ ID, Status string }
	}
	apiGet(t, shared.planner, "/api/v1/plans", &plans)
	for _, pl := range plans.Plans {
		if pl.Status == "published" {
			if n := count(pl.ID); merged != n-1 {
				t.Errorf("draft %s has %d grids after the merge, the published plan %s %d; want one fewer", id, merged, pl.ID, n)
			}
		}
	}
	// The undo goes back to version 1, as uploaded.
	eval[bool](t, p, `document.getElementById('undo').click(), true`)
	wait(`document.getElementById('g-removed') ? '' : 'gone'`, "the merge's answer go after the undo")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	back := count(id)
	for back != merged+1 && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		back = count(id)
	}
	if back != merged+1 {
		t.Errorf("draft %s has %d grids after the merge and %d after the undo, want one more", id, merged, back)
	}
	t.Logf("merged %s into %s in draft %s: %d grids, %d after the undo", grid, into, id, merged, back)
}

// candidate is a pixel inside a block, in page coordinates.
type candidate struct {
	ID   string
	X, Y float64
}

// blockPixels finds one pixel inside each rendered block with households.
func blockPixels(t *testing.T, p *headless.Page) []candidate {
	t.Helper()
	return eval[[]candidate](t, p, `(() => {
		const r = wanggeMap.getContainer().getBoundingClientRect(), seen = new Set(), out = [];
		for (let y = 40; y < r.height - 40; y += 15) for (let x = 40; x < r.width - 40; x += 15) {
			const f = wanggeMap.queryRenderedFeatures([x, y], {layers: ['plan-blocks']})[0];
			if (f && f.properties.households > 0 && !seen.has(f.id)) { seen.add(f.id); out.push({ID: String(f.id), X: r.left + x, Y: r.top + y}); }
		}
		return out; })()`)
}
