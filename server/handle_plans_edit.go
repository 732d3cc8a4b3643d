package server

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// This file holds the routes of a planner's loop over stored plans:
// upload a plan or adopt hand-drawn grids as a draft, edit it (every edit
// a new version, with undo), list its versions, validate and diff plans
// and versions. One file format goes both ways: the grids GeoJSON that
// `wangge partition` writes and GET /api/v1/plans/{id}/grids answers is
// what POST /api/v1/plans/upload takes.

// versionSummary describes one version of a draft.
type versionSummary struct {
	Version int       `json:"version"`
	Base    int       `json:"base"` // the version it was made from (0: none)
	Edit    string    `json:"edit"`
	Created time.Time `json:"created"`
}

func summarizeVersion(v data.PlanVersion) versionSummary {
	return versionSummary{Version: v.Number, Base: v.Base, Edit: v.Edit, Created: v.Created}
}

// editResponse answers an upload, an adoption, an edit and an undo: the
// draft as stored now, its version, and what the change did (diff: blocks
// moved, grids added, removed and changed with their deltas, and the
// plan-wide deltas of max_deviation_pct, mean_polsby_popper,
// mean_hull_ratio and multipart_grids; problems: added, removed and kept;
// errors: how many the plan has now; report: its figures).
type editResponse struct {
	Plan     planSummary             `json:"plan"`
	Version  versionSummary          `json:"version"`
	Diff     partition.PlanDiff      `json:"diff"`
	Problems partition.ProblemChange `json:"problems"`
	Errors   int                     `json:"errors"`
	Report   partition.Report        `json:"report"`
}

func editAnswer(e app.Edited) editResponse {
	o := e.Outcome
	return editResponse{Plan: summarize(e.Plan), Version: summarizeVersion(e.Version), Diff: o.Diff, Problems: o.Problems,
		Errors: o.Errors, Report: o.Report}
}

// planParamNames are the query parameters of an upload and an adoption:
// the plan's name and the parameters of `wangge partition` it was drawn
// with (code_prefix for --code-prefix).
var planParamNames = []string{"name", "weight", "min", "max", "count", "tolerance", "gap", "seed", "dedicated", "within", "code_prefix"}

// parsePlanParams reads the name and partition options of an upload (and,
// with idField, the id_field of an adoption).
func parsePlanParams(c echo.Context, idField *string) (string, partition.Options, error) {
	allowed := planParamNames
	if idField != nil {
		allowed = append(allowed[:len(allowed):len(allowed)], "id_field")
	}
	name := ""
	params := map[string]string{"seed": strconv.FormatUint(partition.DefaultSeed, 10)}
	err := eachParam(c.QueryParams(), allowed, func(k, v string) error {
		switch k {
		case "name":
			name = v
		case "id_field":
			*idField = v
		case "code_prefix":
			params["code-prefix"] = v
		default:
			params[k] = v
		}
		return nil
	})
	if err != nil {
		return "", partition.Options{}, err
	}
	opt, err := partition.OptionsFromParams(params)
	return name, opt, err
}

// draftCreated answers 201 with the new draft's location.
func draftCreated(c echo.Context, id partition.PlanID, body any) error {
	c.Response().Header().Set(echo.HeaderLocation, APIPrefix+"/plans/"+string(id))
	return writeJSON(c, http.StatusCreated, echo.MIMEApplicationJSON, body)
}

// uploadPlan answers POST /api/v1/plans/upload?weight=…&(min=…&max=…|count=…&tolerance=…)[&name=…&dedicated=…&within=…&gap=…&seed=…&code_prefix=…]
// whose body is a grids FeatureCollection: the file `wangge partition`
// (or an edit) writes, or GET /api/v1/plans/{id}/grids answers. Each
// feature's properties need id, kind (basic or dedicated) and blocks (ids
// of stored blocks); parent and locked are kept; the figures, flags and
// geometry are measured again from the stored blocks. The plan is stored
// as a new draft at version 1: 201, Location, and an editResponse whose
// problems.added are all the plan's problems. A feature that cannot be
// read is a 400 naming it and its field.
func (s *Server) uploadPlan(c echo.Context) error {
	name, opt, err := parsePlanParams(c, nil)
	if err != nil {
		return err
	}
	grids, err := partition.ReadGrids(c.Request().Body, "request body")
	if err != nil {
		return err
	}
	e, err := s.app.UploadPlan(c.Request().Context(), principal(c), name, opt, grids)
	if err != nil {
		return err
	}
	return draftCreated(c, e.Plan.ID, editAnswer(e))
}

// adoptResponse answers an adoption: the editResponse of the new draft,
// the blocks a boundary cuts (block, the grid it went to, its shares
// largest first: {grid, share}, grid "" for the part in no grid) and the
// blocks most of whose area lies in no grid (left out of the plan).
type adoptResponse struct {
	editResponse
	Cut        []partition.CutBlock `json:"cut"`
	Unassigned []partition.BlockID  `json:"unassigned"`
}

// adoptPlan answers POST /api/v1/plans/import-grids?weight=…&(min=…&max=…|count=…&tolerance=…)[&id_field=id&name=…]
// whose body is hand-drawn grids: a FeatureCollection of Polygon or
// MultiPolygon features, the grid id in property id_field ("id"), kind
// ("basic" when absent) and parent. Each stored block goes to the grid
// holding most of its area (partition.Adopt); the draft is stored at
// version 1: 201 and an adoptResponse. Op fix (POST …/edits) then clears
// the plan's errors moving as few blocks as it can.
func (s *Server) adoptPlan(c echo.Context) error {
	var idField string
	name, opt, err := parsePlanParams(c, &idField)
	if err != nil {
		return err
	}
	bounds, err := partition.ReadBoundaries(c.Request().Body, "request body", idField)
	if err != nil {
		return err
	}
	ad, err := s.app.AdoptPlan(c.Request().Context(), principal(c), name, opt, bounds)
	if err != nil {
		return err
	}
	return draftCreated(c, ad.Plan.ID, adoptResponse{editResponse: editAnswer(ad.Edited), Cut: ad.Adoption.Cut, Unassigned: ad.Adoption.Unassigned})
}

// editRequest is the body of POST /api/v1/plans/{id}/edits: op and the
// fields it takes, and optionally the version the edit was made on (the
// edit is refused with 409 when the draft has moved past it).
//
//	{"op": "move", "block": "B", "to": "G002"}
//	{"op": "lock", "grids": ["G001"]}     {"op": "unlock", "grids": ["G001"]}
//	{"op": "merge", "grid": "G003", "into": "G002"}
//	{"op": "split", "grid": "G002", "k": 2}
//	{"op": "redraw", "grids": ["G001", "G002"]}
//	{"op": "fix"}
type editRequest struct {
	Op      string             `json:"op"`
	Block   partition.BlockID  `json:"block"`
	To      partition.GridID   `json:"to"`
	Into    partition.GridID   `json:"into"`
	Grid    partition.GridID   `json:"grid"`
	Grids   []partition.GridID `json:"grids"`
	K       int                `json:"k"`
	Version int                `json:"version"`
}

// decodeEdit reads the body of an edit; a field its op does not take is
// refused, naming it.
func decodeEdit(r io.Reader) (app.PlanEdit, int, error) {
	var req editRequest
	if err := decodeBody(r, &req); err != nil {
		return app.PlanEdit{}, 0, err
	}
	takes := map[string][]string{
		app.OpMove: {"block", "to"}, app.OpLock: {"grids"}, app.OpUnlock: {"grids"}, app.OpRedraw: {"grids"},
		app.OpMerge: {"grid", "into"}, app.OpSplit: {"grid", "k"}, app.OpFix: nil,
	}
	given := map[string]bool{"block": req.Block != "", "to": req.To != "", "into": req.Into != "", "grid": req.Grid != "",
		"grids": req.Grids != nil, "k": req.K != 0}
	if fields, ok := takes[req.Op]; ok {
		for _, f := range []string{"block", "to", "into", "grid", "grids", "k"} {
			if given[f] && !slices.Contains(fields, f) {
				return app.PlanEdit{}, 0, &BodyError{Field: f, Reason: "op " + req.Op + " does not take it"}
			}
		}
	}
	if req.Version < 0 {
		return app.PlanEdit{}, 0, &BodyError{Field: "version", Reason: "a version counts from 1 (0 or absent: the latest)"}
	}
	return app.PlanEdit{Op: req.Op, Block: req.Block, To: req.To, Into: req.Into, Grid: req.Grid, Grids: req.Grids, K: req.K}, req.Version, nil
}

// editPlan answers POST /api/v1/plans/{id}/edits with an editRequest
// body: the edit is made on the draft over the stored blocks and stored
// as its next version; 200 and an editResponse. A plan that is not a
// draft, a version that is not the latest, or a locked grid is 409; a
// block or grid the plan lacks is 400 naming the field.
func (s *Server) editPlan(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	edit, base, err := decodeEdit(c.Request().Body)
	if err != nil {
		return err
	}
	e, err := s.app.EditPlan(c.Request().Context(), principal(c), partition.PlanID(id), base, edit)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, editAnswer(e))
}

// versionParam reads the optional query parameter name, a version
// number (0 when absent), refusing any other parameter but others.
func versionParam(c echo.Context, name string, others ...string) (map[string]string, int, error) {
	vals := map[string]string{}
	n := 0
	err := eachParam(c.QueryParams(), append(others, name), func(k, v string) error {
		if k != name {
			vals[k] = v
			return nil
		}
		var err error
		n, err = parseVersion(k, v)
		return err
	})
	return vals, n, err
}

// parseVersion reads the value v of query parameter k, a version number.
func parseVersion(k, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &ParamError{Param: k, Value: v, Reason: "a version number, from 1"}
	}
	return n, nil
}

// undoPlan answers POST /api/v1/plans/{id}/undo[?version=N]: the draft
// goes back to the version its latest was made from, stored as a new
// version (undos in a row walk back to version 1); 200 and an
// editResponse. With version, the undo is refused (409) when the draft
// has moved past it; with nothing to undo, 409.
func (s *Server) undoPlan(c echo.Context) error {
	_, base, err := versionParam(c, "version")
	if err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.app.UndoPlan(c.Request().Context(), principal(c), partition.PlanID(id), base)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, editAnswer(e))
}

// listVersions answers GET /api/v1/plans/{id}/versions:
// {"plan": id, "versions": [versionSummary…]}, oldest first.
func (s *Server) listVersions(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	vs, err := pathItem(c, "plan", s.app.PlanVersions)
	if err != nil {
		return err
	}
	out := struct {
		Plan     string           `json:"plan"`
		Versions []versionSummary `json:"versions"`
	}{Plan: c.Param("id"), Versions: make([]versionSummary, len(vs))}
	for i, v := range vs {
		out.Versions[i] = summarizeVersion(v)
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}

// validatePlan answers GET /api/v1/plans/{id}/validate[?version=N]: the
// plan (or that version of it) validated over the stored blocks:
// {"plan", "version" (0: as stored), "valid" (no error), "errors",
// "notes", "problems": [{grid, block, rule, severity, detail}…] errors
// first, "report"}. Errors make a plan wrong (publishing refuses it);
// notes say what the data imposes.
func (s *Server) validatePlan(c echo.Context) error {
	_, n, err := versionParam(c, "version")
	if err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.app.ValidatePlan(c.Request().Context(), app.PlanRef{Plan: partition.PlanID(id), Version: n})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, struct {
		Plan    string `json:"plan"`
		Version int    `json:"version"`
		Valid   bool   `json:"valid"`
		app.Validation
	}{id, n, v.Errors == 0, v})
}

// diffPlans answers GET /api/v1/plans/{id}/diff?[version=N][&to=OTHER][&to_version=M]:
// from plan id (at version N; as stored when absent) to plan OTHER (id
// when absent) at version M (as stored when absent): {"from": {plan,
// version}, "to": {plan, version}, "diff", "problems" (those of to that
// from lacks, added; that from had, removed; kept), "errors" (of to),
// "report" (of to)}.
func (s *Server) diffPlans(c echo.Context) error {
	q, n, err := versionParam(c, "version", "to", "to_version")
	if err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	from := app.PlanRef{Plan: partition.PlanID(id), Version: n}
	to := app.PlanRef{Plan: from.Plan}
	if v, ok := q["to"]; ok {
		to.Plan = partition.PlanID(v)
	}
	if v, ok := q["to_version"]; ok {
		if to.Version, err = parseVersion("to_version", v); err != nil {
			return err
		}
	}
	o, err := s.app.DiffPlans(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	type ref struct {
		Plan    partition.PlanID `json:"plan"`
		Version int              `json:"version"`
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, struct {
		From     ref                     `json:"from"`
		To       ref                     `json:"to"`
		Diff     partition.PlanDiff      `json:"diff"`
		Problems partition.ProblemChange `json:"problems"`
		Errors   int                     `json:"errors"`
		Report   partition.Report        `json:"report"`
	}{ref(from), ref(to), o.Diff, o.Problems, o.Errors, o.Report})
}

// onlyBool reads the optional boolean query parameter name (false when
// absent), refusing any other parameter.
func onlyBool(c echo.Context, name string) (bool, error) {
	b := false
	err := eachParam(c.QueryParams(), []string{name}, func(k, v string) error {
		var err error
		if b, err = strconv.ParseBool(v); err != nil {
			return &ParamError{Param: k, Value: v, Reason: "true or false"}
		}
		return nil
	})
	return b, err
}
