package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/data"
	"wangge/data/stores"
	"wangge/internal/app"
	"wangge/internal/demo"
	"wangge/partition"
	"wangge/server"
)

// TestDemoPlannerLoop is the planner's loop over HTTP on the demo
// workspace. The blocks and the published plan downloaded from the API
// validate with `wangge partition validate` (exit 0); the same grids
// uploaded make a draft with no error; a move of a block to a
// neighbouring grid answers the block moved, the weight deltas and no new
// error; validate and diff over the API agree; a move that cuts a grid
// apart makes publishing refuse the draft (409, the errors listed); undo
// takes it back; the draft publishes and the demo's plan says
// superseded.
func TestDemoPlannerLoop(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := stores.Open(ctx, filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := demo.Build(ctx, s, demo.Options{Min: 150, Max: 500, Day: demo.Day(time.Now())}, nil); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	planner, _, err := app.CreateToken(ctx, s, data.RolePlanner, "", "")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string, body []byte, want int, v any) []byte {
		t.Helper()
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+planner)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("%s %s: %d, want %d\n%s", method, path, rec.Code, want, rec.Body)
		}
		if v != nil {
			if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return rec.Body.Bytes()
	}
	api := server.APIPrefix
	var demoPlan struct {
		Plan struct {
			Params map[string]string `json:"params"`
		} `json:"plan"`
	}
	call(http.MethodGet, api+"/plans/"+string(demo.PlanID), nil, http.StatusOK, &demoPlan)
	dedicated := demoPlan.Plan.Params["dedicated"]

	// The published plan, downloaded, validates on the command line.
	blocksFile, gridsFile := filepath.Join(dir, "blocks.geojson"), filepath.Join(dir, "grids.geojson")
	grids := call(http.MethodGet, api+"/plans/"+string(demo.PlanID)+"/grids", nil, http.StatusOK, nil)
	if err := errors.Join(os.WriteFile(blocksFile, call(http.MethodGet, api+"/blocks?limit=10000", nil, http.StatusOK, nil), 0o644),
		os.WriteFile(gridsFile, grids, 0o644)); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runCLI(t, "partition", "validate", "--blocks", blocksFile, "--plan", gridsFile,
		"--weight", "households", "--min", "150", "--max", "500", "--dedicated", dedicated)
	if err != nil || !strings.Contains(out, "no error") {
		t.Fatalf("partition validate on the demo's published plan: %v\n%s%s", err, out, stderr)
	}
	t.Logf("wangge partition validate on the demo's published plan: %s", strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]))

	// Upload: the same grids make a draft at version 1 with no error.
	type answer struct {
		Plan struct {
			ID     partition.PlanID     `json:"id"`
			Status partition.PlanStatus `json:"status"`
		} `json:"plan"`
		Version struct {
			Version int `json:"version"`
			Base    int `json:"base"`
		} `json:"version"`
		Diff     partition.PlanDiff      `json:"diff"`
		Problems partition.ProblemChange `json:"problems"`
		Errors   int                     `json:"errors"`
		Report   partition.Report        `json:"report"`
	}
	q := url.Values{"weight": {"households"}, "min": {"150"}, "max": {"500"}, "dedicated": {dedicated}, "name": {"edited demo"}}
	var up answer
	call(http.MethodPost, api+"/plans/upload?"+q.Encode(), grids, http.StatusCreated, &up)
	published := readFile(t, gridsFile, func(f *os.File) ([]partition.Grid, error) { return partition.ReadGrids(f, gridsFile) })
	if up.Plan.Status != partition.PlanDraft || up.Version.Version != 1 || up.Errors != 0 || up.Report.Grids != len(published) || up.Report.UnassignedBlocks != 0 {
		t.Fatalf("upload: %+v", up)
	}
	id := up.Plan.ID

	// Move: a block to a neighbouring basic grid that keeps the plan free
	// of errors, found with the engine over the downloaded blocks.
	blocks := readFile(t, blocksFile, func(f *os.File) ([]partition.Block, error) { return partition.ReadBlocks(f, blocksFile, "id") })
	plan := readFile(t, gridsFile, func(f *os.File) ([]partition.Grid, error) { return partition.ReadGrids(f, gridsFile) })
	opt := partition.Options{Weight: "households", Min: 150, Max: 500}
	opt.DedicatedField, opt.DedicatedValues, _ = partition.ParseDedicated(dedicated)
	ed, err := partition.NewEditor(blocks, plan, opt)
	if err != nil {
		t.Fatal(err)
	}
	good := findMove(t, ed, blocks, false)
	if err := ed.Move(good.Block, good.To); err != nil {
		t.Fatal(err)
	}
	bad := findMove(t, ed, blocks, true)
	var moved answer
	call(http.MethodPost, api+"/plans/"+string(id)+"/edits", mustJSON(map[string]any{"op": "move", "block": good.Block, "to": good.To, "version": 1}), http.StatusOK, &moved)
	if m := moved.Diff.Moved; len(m) != 1 || m[0] != good || moved.Version.Version != 2 || moved.Version.Base != 1 || moved.Errors != 0 || len(moved.Diff.Changed) != 2 {
		t.Fatalf("move %+v: %+v", good, moved)
	}
	if d := moved.Diff.Changed; d[0].Weight != -d[1].Weight || d[0].Weight == 0 {
		t.Errorf("move: weight deltas %+v, want opposite and non-zero", d)
	}

	// Bad requests name what is wrong; unknown plans and versions are 404.
	var bad400 server.Problem
	call(http.MethodPost, api+"/plans/"+string(id)+"/edits", []byte(`{"op":"move","block":"`+string(good.Block)+`","k":2}`), http.StatusBadRequest, &bad400)
	if !strings.Contains(bad400.Detail, "k: op move does not take it") {
		t.Errorf("a move with k: %s", bad400.Detail)
	}
	call(http.MethodPost, api+"/plans/"+string(id)+"/edits", []byte(`{"op":"move","block":"nope","to":"G001"}`), http.StatusBadRequest, &bad400)
	if !strings.HasPrefix(bad400.Detail, "block: ") {
		t.Errorf("a move of an unknown block: %s", bad400.Detail)
	}
	call(http.MethodPost, api+"/plans/"+string(id)+"/edits", mustJSON(map[string]any{"op": "fix", "version": 1}), http.StatusConflict, nil)
	call(http.MethodGet, api+"/plans/"+string(id)+"/validate?version=9", nil, http.StatusNotFound, nil)
	call(http.MethodPost, api+"/plans/nope/edits", mustJSON(map[string]any{"op": "fix"}), http.StatusNotFound, nil)

	// Validate and diff agree with the edit's answer.
	var val struct {
		Valid    bool                `json:"valid"`
		Errors   int                 `json:"errors"`
		Problems []partition.Problem `json:"problems"`
	}
	call(http.MethodGet, api+"/plans/"+string(id)+"/validate", nil, http.StatusOK, &val)
	if !val.Valid || val.Errors != 0 || len(val.Problems) != len(moved.Problems.Added)+len(moved.Problems.Kept) {
		t.Fatalf("validate after the move: %+v; the move answered %d added and %d kept", val, len(moved.Problems.Added), len(moved.Problems.Kept))
	}
	var diff answer
	call(http.MethodGet, api+"/plans/"+string(id)+"/diff?version=1&to_version=2", nil, http.StatusOK, &diff)
	if len(diff.Diff.Moved) != 1 || diff.Diff.Moved[0] != good || diff.Diff.MaxDeviationPct != moved.Diff.MaxDeviationPct {
		t.Fatalf("diff of versions 1 and 2: %+v, want the move %+v", diff.Diff, good)
	}
	call(http.MethodGet, api+"/plans/"+string(demo.PlanID)+"/diff?to="+string(id), nil, http.StatusOK, &diff)
	if len(diff.Diff.Moved) != 1 || diff.Diff.Moved[0] != good {
		t.Fatalf("diff of the demo plan and the draft: %+v", diff.Diff)
	}

	// A move that cuts a grid apart: publishing refuses the draft until
	// undone.
	var broken answer
	call(http.MethodPost, api+"/plans/"+string(id)+"/edits", mustJSON(map[string]any{"op": "move", "block": bad.Block, "to": bad.To}), http.StatusOK, &broken)
	if broken.Errors == 0 || len(broken.Problems.Added) == 0 || broken.Version.Version != 3 {
		t.Fatalf("disconnecting move %+v: %+v", bad, broken)
	}
	var refused server.Problem
	call(http.MethodPost, api+"/plans/"+string(id)+"/publish", nil, http.StatusConflict, &refused)
	if partition.Errors(refused.Problems) != broken.Errors {
		t.Fatalf("publish refused with %d errors listed, the move made %d: %+v", partition.Errors(refused.Problems), broken.Errors, refused)
	}
	var undone answer
	call(http.MethodPost, api+"/plans/"+string(id)+"/undo", nil, http.StatusOK, &undone)
	if undone.Errors != 0 || undone.Version.Version != 4 || undone.Version.Base != 1 || len(undone.Diff.Moved) != 1 || undone.Diff.Moved[0].To != bad.From {
		t.Fatalf("undo: %+v", undone)
	}

	// Publish: the draft is in force, the demo's plan superseded and no
	// longer editable.
	var pub struct {
		Plan struct {
			Status partition.PlanStatus `json:"status"`
		} `json:"plan"`
		Superseded []partition.PlanID `json:"superseded"`
	}
	call(http.MethodPost, api+"/plans/"+string(id)+"/publish", nil, http.StatusOK, &pub)
	if pub.Plan.Status != partition.PlanPublished || len(pub.Superseded) != 1 || pub.Superseded[0] != demo.PlanID {
		t.Fatalf("publish: %+v", pub)
	}
	var old struct {
		Plan struct {
			Status partition.PlanStatus `json:"status"`
		} `json:"plan"`
	}
	call(http.MethodGet, api+"/plans/"+string(demo.PlanID), nil, http.StatusOK, &old)
	if old.Plan.Status != partition.PlanSuperseded {
		t.Fatalf("the demo's plan after the publication is %s, want superseded", old.Plan.Status)
	}
	call(http.MethodPost, api+"/plans/"+string(demo.PlanID)+"/edits", mustJSON(map[string]any{"op": "fix"}), http.StatusConflict, nil)
}

// findMove finds, over the plan ed holds, a move of a block to another
// basic grid near it: one that leaves the plan without error and in as
// many pieces (broken false), or one that makes an error (broken true).
// ed is left as it was.
func findMove(t *testing.T, ed *partition.Editor, blocks []partition.Block, broken bool) partition.BlockMove {
	t.Helper()
	bound := map[partition.BlockID]orb.Bound{}
	for _, b := range blocks {
		bound[b.ID] = b.Geometry.Bound()
	}
	grids := ed.Grids()
	for _, g := range grids {
		if g.Kind != partition.Basic || len(g.Blocks) < 3 {
			continue
		}
		for _, b := range slices.Clone(g.Blocks) {
			for _, to := range grids {
				if to.Kind != partition.Basic || to.ID == g.ID || !to.Geometry.Bound().Intersects(bound[b]) {
					continue
				}
				out, err := ed.Apply(func(ed *partition.Editor) error { return ed.Move(b, to.ID) })
				if err == nil {
					err = ed.Move(b, g.ID)
				}
				if err != nil {
					t.Fatal(err)
				}
				if broken == (out.Errors > 0) && (broken || out.Diff.MultipartGrids == 0) {
					return partition.BlockMove{Block: b, From: g.ID, To: to.ID}
				}
			}
		}
	}
	t.Fatalf("no block move found (broken %v)", broken)
	return partition.BlockMove{}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
