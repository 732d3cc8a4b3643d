package web_test

import (
	"context"
	"testing"
	"time"

	"wangge/data"
	"wangge/internal/app"
)

// A leader loads a worker's day: the trace is drawn, and playing it moves
// the marker along the line while the clock advances.
func TestLeaderTracePlays(t *testing.T) {
	p := page(t, shared.leader, "leader")
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['trace-line']}).length`); n == 0 {
		t.Fatal("no trace drawn")
	}
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['cov-heat']}).length`); n == 0 {
		t.Error("no coverage heat drawn")
	}
	where := `(() => { const m = document.querySelector('.walker').getBoundingClientRect(); return [m.x, m.y, Number(document.getElementById('slider').value)]; })()`
	before := eval[[3]float64](t, p, where)
	eval[bool](t, p, `document.getElementById('speed').value = '3600', document.getElementById('play').click(), true`)
	time.Sleep(1500 * time.Millisecond)
	after := eval[[3]float64](t, p, where)
	eval[bool](t, p, `document.getElementById('play').click(), true`) // pause for the screenshot
	if after[2] <= before[2] {
		t.Errorf("the clock stayed at %v", before[2])
	}
	if after[0] == before[0] && after[1] == before[1] {
		t.Errorf("the marker stayed at %v while the clock ran %v s", before[:2], (after[2]-before[2])/1000)
	}
	t.Logf("in 1.5 s at 3600×, the clock ran %.0f s of the day and the marker moved from %v to %v; %s", (after[2]-before[2])/1000,
		before[:2], after[:2], eval[string](t, p, `document.querySelector('#trace > p').innerText`))
}

// A worker sees its own day and position, and no grid coverage or key
// places (the access policy keeps them to leaders).
func TestWorkerSeesItsOwnDay(t *testing.T) {
	if shared == nil {
		t.Skip("no chromium on the PATH (.ci/setup.sh installs it)")
	}
	secret, _, err := app.CreateToken(context.Background(), shared.store, data.RoleWorker, shared.focus, "")
	if err != nil {
		t.Fatal(err)
	}
	p := page(t, secret, "worker")
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['trace-line']}).length`); n == 0 {
		t.Error("no trace drawn")
	}
	if got := eval[[]string](t, p, `[...document.querySelectorAll('#worker option')].map(o => o.value)`); len(got) != 1 || got[0] != string(shared.focus) {
		t.Errorf("the worker may pick %v, want only itself", got)
	}
	if n := eval[int](t, p, `['cov-heat', 'cov-gaps', 'overdue'].filter(l => wanggeMap.getLayer(l)).length`); n != 0 {
		t.Errorf("the worker's map has %d leader layers", n)
	}
}
