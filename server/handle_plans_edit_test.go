package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// A planner's edit of a plan (a block given to another grid, a grid
// locked) is stored as a new draft whose grids hold the blocks as sent,
// with weights recomputed from the stored blocks; the plan edited is
// unchanged, and input that loses or doubles a block is refused.
func TestSaveEdit(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, logs := testServer(t, st, Options{})
		blocks := putMosaic(t, st, 60)
		households := map[partition.BlockID]int{}
		for _, b := range blocks {
			households[b.ID] = b.Households
		}
		planner, tok, err := app.CreateToken(context.Background(), st, data.RolePlanner, "", "")
		if err != nil {
			t.Fatal(err)
		}
		base := postPlan(t, s, planner, `{"weight":"households","min":150,"max":500,"seed":1}`)
		orig, err := st.Plan(context.Background(), base.Plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		type grid struct {
			ID     partition.GridID    `json:"id"`
			Blocks []partition.BlockID `json:"blocks"`
			Locked bool                `json:"locked"`
		}
		edit := make([]grid, len(orig.Grids))
		for i, g := range orig.Grids {
			edit[i] = grid{ID: g.ID, Blocks: slices.Clone(g.Blocks)}
		}
		moved := edit[0].Blocks[0]
		edit[0].Blocks = edit[0].Blocks[1:]
		edit[1].Blocks = append(edit[1].Blocks, moved)
		edit[1].Locked = true
		post := func(grids []grid) *httptest.ResponseRecorder {
			body, err := json.Marshal(map[string]any{"name": "edited", "grids": grids})
			if err != nil {
				t.Fatal(err)
			}
			return request(t, s, http.MethodPost, "/api/v1/plans/"+string(base.Plan.ID)+"/edits", planner, strings.NewReader(string(body)))
		}
		rec := post(edit)
		wantStatus(t, rec, http.StatusCreated)
		var sum planSummary
		if err := json.Unmarshal(rec.Body.Bytes(), &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Status != partition.PlanDraft || sum.Name != "edited" || sum.ID == base.Plan.ID || rec.Header().Get("Location") != "/api/v1/plans/"+string(sum.ID) {
			t.Fatalf("answer %+v (Location %q), want a new draft", sum, rec.Header().Get("Location"))
		}
		saved, err := st.Plan(context.Background(), sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range saved.Grids {
			var want *grid
			for i := range edit {
				if edit[i].ID == g.ID {
					want = &edit[i]
				}
			}
			var w float64
			for _, b := range g.Blocks {
				w += float64(households[b])
			}
			switch {
			case want == nil:
				t.Errorf("grid %s is not one sent", g.ID)
			case !slices.Equal(g.Blocks, slices.Sorted(slices.Values(want.Blocks))) || g.Locked != want.Locked || g.Weight != w || g.Plan != sum.ID:
				t.Errorf("grid %s: blocks %v locked %v weight %v plan %s; sent %v locked %v, households %v", g.ID, g.Blocks, g.Locked, g.Weight, g.Plan, want.Blocks, want.Locked, w)
			}
		}
		if again, err := st.Plan(context.Background(), base.Plan.ID); err != nil || !slices.Equal(again.Grids[0].Blocks, orig.Grids[0].Blocks) {
			t.Errorf("the plan edited changed: %v, %v", again.Grids[0].Blocks, err)
		}
		if !containsAll(logs.String(), `"action":"edit"`, `"from":"`+string(base.Plan.ID)+`"`, `"token":"`+tok.ID+`"`) {
			t.Error("no audit line for the edit")
		}

		lost := slices.Clone(edit)
		lost[0].Blocks = lost[0].Blocks[1:]
		twice := slices.Clone(edit)
		twice[2].Blocks = append(slices.Clone(twice[2].Blocks), twice[3].Blocks[0])
		unknown := append(slices.Clone(edit), grid{ID: "G999", Blocks: []partition.BlockID{"nope"}})
		for name, c := range map[string]struct {
			grids []grid
			want  string
		}{
			"a block lost":    {lost, "is in no grid"},
			"a block twice":   {twice, "is in grids"},
			"an unknown grid": {unknown, "is not a grid of the plan edited"},
		} {
			t.Run(name, func(t *testing.T) {
				p := decodeProblem(t, post(c.grids), http.StatusBadRequest)
				if !strings.Contains(p.Detail, c.want) {
					t.Errorf("detail %q, want it to say %q", p.Detail, c.want)
				}
			})
		}
		viewer := token(t, st, data.RoleViewer)
		decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/plans/"+string(base.Plan.ID)+"/edits", viewer, strings.NewReader(`{"grids":[]}`)), http.StatusForbidden)
		decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/plans/nope/edits", planner, strings.NewReader(`{"grids":[]}`)), http.StatusNotFound)
	})
}
