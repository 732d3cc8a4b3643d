package partition

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Report holds the figures of a plan, as written to report.json. The
// balance and shape figures are over basic grids (all grids when there
// are none): deviation is from their mean weight.
type Report struct {
	Blocks           int     `json:"blocks"`
	Grids            int     `json:"grids"`
	Basic            int     `json:"basic"`
	Dedicated        int     `json:"dedicated"`
	WeightTotal      float64 `json:"weight_total"`
	Target           float64 `json:"target"`
	Min              float64 `json:"min"`
	Max              float64 `json:"max"`
	BasicInBounds    int     `json:"basic_in_bounds"`
	MaxDeviationPct  float64 `json:"max_deviation_pct"`
	MeanPolsbyPopper float64 `json:"mean_polsby_popper"`
	MinPolsbyPopper  float64 `json:"min_polsby_popper"`
	MeanHullRatio    float64 `json:"mean_hull_ratio"`
	UnassignedBlocks int     `json:"unassigned_blocks"`
	// Multipart names the grids whose geometry is a MultiPolygon (blocks
	// with exclaves, islands): flagged in grids.geojson, named here.
	Multipart []GridID `json:"multipart,omitempty"`
	Seconds   float64  `json:"seconds"`
	Notes     []string `json:"notes,omitempty"`
	// Compare holds the same figures for an existing plan on the same
	// blocks (wangge partition --compare FIELD).
	Compare *Report `json:"compare,omitempty"`
}

// Summarize computes the report figures of grids drawn from nBlocks
// blocks with basic weights bounded by [lo, hi]. Target is the mean
// basic weight; Seconds is left at zero.
func Summarize(grids []Grid, nBlocks int, lo, hi float64) Report {
	r := Report{Blocks: nBlocks, Grids: len(grids), Min: lo, Max: hi}
	var set []Grid
	assigned := 0
	for _, g := range grids {
		assigned += len(g.Blocks)
		r.WeightTotal += g.Weight
		if len(g.Geometry) > 1 {
			r.Multipart = append(r.Multipart, g.ID)
		}
		if g.Kind == Dedicated {
			r.Dedicated++
			continue
		}
		r.Basic++
		set = append(set, g)
		if g.Weight >= lo && g.Weight <= hi {
			r.BasicInBounds++
		}
	}
	if len(set) == 0 {
		set = grids
	}
	r.UnassignedBlocks = max(0, nBlocks-assigned)
	if len(set) == 0 {
		return r
	}
	var sum float64
	for _, g := range set {
		sum += g.Weight
	}
	r.Target = sum / float64(len(set))
	r.MinPolsbyPopper = math.Inf(1)
	for _, g := range set {
		if r.Target > 0 {
			r.MaxDeviationPct = math.Max(r.MaxDeviationPct, 100*math.Abs(g.Weight-r.Target)/r.Target)
		}
		r.MeanPolsbyPopper += g.PolsbyPopper / float64(len(set))
		r.MeanHullRatio += g.HullRatio / float64(len(set))
		r.MinPolsbyPopper = math.Min(r.MinPolsbyPopper, g.PolsbyPopper)
	}
	return r
}

// toleranceNotes explains basic grids left outside the window, naming
// them (the first ten): in count mode how far the worst one is beyond the
// tolerance, oversize blocks included, after the bounded repair.
func toleranceNotes(res *Result, opt Options, per window) []string {
	var ids []string
	worst, worstID := 0.0, GridID("")
	for _, g := range res.Grids {
		out := slices.Contains(g.Flags, FlagOutOfBounds) || (opt.CountMode() && slices.Contains(g.Flags, FlagOversizeBlock))
		if g.Kind != Basic || !out {
			continue
		}
		ids = append(ids, string(g.ID))
		if d := per.outside(g.Weight); d > worst {
			worst, worstID = d, g.ID
		}
	}
	if len(ids) == 0 {
		return nil
	}
	n := len(ids)
	if n > 10 {
		ids = append(ids[:10], "…")
	}
	list := strings.Join(ids, " ")
	if opt.CountMode() {
		mean := res.Report.Target
		return []string{fmt.Sprintf("tolerance ±%g%% not reached (best plan of a bounded search): %d of %d basic grids outside [%s]; worst %s is %.2f%% from the mean %.1f, %.2f points beyond the tolerance",
			100*opt.Tolerance, n, res.Report.Basic, list, worstID, res.Report.MaxDeviationPct, mean, 100*worst/mean)}
	}
	return []string{fmt.Sprintf("%d basic grid(s) outside [%g, %g] [%s]; worst %s by %g %s", n, opt.Min, opt.Max, list, worstID, worst, opt.Weight)}
}

// PlanFromField groups blocks into grids by the value of a field (an
// existing plan such as council wards), measured like a drawn plan, so
// that the two can be compared; each grid's id is the field value. Blocks
// without the field are left out.
func PlanFromField(blocks []Block, field, weight string) ([]Grid, error) {
	w, err := weights(blocks, weight)
	if err != nil {
		return nil, err
	}
	e := newEngine(buildGraph(blocks, 0), w, 0)
	idx := map[string]int{}
	var drafts []draft
	for i, b := range blocks {
		v, ok := b.Attr(field)
		if !ok {
			continue
		}
		j, ok := idx[v]
		if !ok {
			j = len(drafts)
			idx[v] = j
			drafts = append(drafts, draft{kind: Basic, parent: v})
		}
		drafts[j].blocks = append(drafts[j].blocks, int32(i))
	}
	if len(drafts) == 0 {
		return nil, fmt.Errorf("%w: no block has the field %q", ErrInput, field)
	}
	res := finish(e, blocks, drafts, Options{}, window{math.Inf(-1), math.Inf(1)}, nil)
	for i := range res.Grids {
		res.Grids[i].ID, res.Grids[i].Parent = GridID(res.Grids[i].Parent), ""
	}
	return res.Grids, nil
}
