package partition

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Result is a drawn plan: its grids, the report of its figures and the
// explanations of anything odd about the input (Report.Notes).
type Result struct {
	Grids  []Grid
	Report Report
}

// draft is a grid before its geometry and figures are computed.
type draft struct {
	kind   GridKind
	parent string
	blocks []int32
	flags  []string
}

// piece is one connected set of basic blocks inside one parent.
type piece struct {
	parent string
	verts  []int32
	weight float64
	k      int
}

// Draw partitions blocks into dedicated and basic grids under opt. Odd
// input (parents below --min, islands, unreachable tolerance) does not
// fail: it gives flagged grids and a note in Report.Notes saying why.
// Requests no plan can meet (more grids than blocks, more separate pieces
// than grids) fail with ErrInfeasible.
func Draw(ctx context.Context, blocks []Block, opt Options) (*Result, error) {
	start := time.Now()
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: no blocks", ErrInput)
	}
	w, err := weights(blocks, opt.Weight)
	if err != nil {
		return nil, err
	}
	e := newEngine(buildGraph(blocks, opt.Gap), w, opt.Seed)
	e.ctx = ctx
	var notes []string
	drafts, basic := dedicatedDrafts(e, blocks, opt)
	if len(drafts) > 0 {
		notes = append(notes, fmt.Sprintf("%d dedicated grids from %d blocks with %s in %v",
			len(drafts), len(blocks)-len(basic), opt.DedicatedField, opt.DedicatedValues))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	small, limit := opt.Min, opt.Max
	if opt.CountMode() {
		mean := e.weightOf(basic) / float64(opt.Count)
		small, limit = mean/2, mean*(1+opt.Tolerance)
	}
	var pieces []piece
	var fixed []draft
	for _, par := range groupByParent(blocks, basic, opt.Within) {
		ps, ds, ns := e.prepareParent(blocks, par.name, par.verts, opt, small, limit)
		pieces, fixed, notes = append(pieces, ps...), append(fixed, ds...), append(notes, ns...)
	}
	drafts = append(drafts, fixed...)
	var fixedW float64
	for _, d := range fixed {
		fixedW += e.weightOf(d.blocks)
	}
	per, target, ns, err := allocate(pieces, opt, len(basic), len(fixed), fixedW)
	if err != nil {
		return nil, err
	}
	notes = append(notes, ns...)
	if opt.CountMode() && wholeWeights(w) && math.Ceil(per.lo) > math.Floor(per.hi) {
		notes = append(notes, fmt.Sprintf("±%g%% of the mean %.2f is [%.2f, %.2f], which holds no whole number: grids of whole %s cannot meet it; the plan comes as close as it can",
			100*opt.Tolerance, target, per.lo, per.hi, opt.Weight))
	}
	report := func(int) {}
	if opt.Progress != nil {
		done, total := 0, 2*len(blocks)
		report = func(n int) {
			done += n
			opt.Progress(done, total)
		}
	}
	report(len(blocks) - len(basic))
	for i := range pieces {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pc := &pieces[i]
		win, t := per, target
		avg := pc.weight / float64(pc.k)
		switch {
		case !opt.CountMode():
			t = avg
		case per.outside(avg) > 0:
			// The piece cannot meet the tolerance around the overall mean
			// (allocate said so): balance its grids around their own mean.
			win, t = window{avg * (1 - opt.Tolerance), avg * (1 + opt.Tolerance)}, avg
		}
		restarts := 3
		if len(pc.verts) > 5000 {
			restarts = 1
		}
		p0, p1 := e.solve(pc.verts, pc.k, win, t, restarts, !opt.CountMode())
		for _, m := range e.members(pc.verts, p0, p1) {
			if len(m) > 0 {
				drafts = append(drafts, draft{kind: Basic, parent: pc.parent, blocks: m})
			}
		}
		report(len(pc.verts))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report(len(basic) - sumLen(pieces))
	res := finish(e, blocks, drafts, opt, per, report)
	res.Report.Notes = append(notes, toleranceNotes(res, opt, per)...)
	if opt.CountMode() && res.Report.Basic != opt.Count {
		res.Report.Notes = append(res.Report.Notes, fmt.Sprintf("%d basic grids drawn, not --count %d: some pieces have too few blocks that can be cut apart for their share of grids",
			res.Report.Basic, opt.Count))
	}
	if opt.CodePrefix != "" && len(res.Grids) > 999 {
		res.Report.Notes = append(res.Report.Notes, fmt.Sprintf(
			"%d grids do not fit the 3-digit sequence of a 15-digit code: codes past %s999 are longer; draw one community at a time",
			len(res.Grids), opt.CodePrefix))
	}
	res.Report.Seconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	return res, nil
}

// wholeWeights reports whether every weight is a whole number (counts of
// households or people), so every grid weight is one too.
func wholeWeights(w []float64) bool {
	for _, x := range w {
		if x != math.Trunc(x) {
			return false
		}
	}
	return true
}

func sumLen(pieces []piece) int {
	n := 0
	for _, pc := range pieces {
		n += len(pc.verts)
	}
	return n
}

type parentSet struct {
	name  string
	verts []int32
}

// groupByParent splits the basic blocks by the value of the --within
// field (all in one parent when it is empty), parents in sorted order.
func groupByParent(blocks []Block, basic []int32, within string) []parentSet {
	idx := map[string]int{}
	var out []parentSet
	for _, v := range basic {
		name := ""
		if within != "" {
			name = blocks[v].attr(within)
		}
		i, ok := idx[name]
		if !ok {
			i = len(out)
			idx[name] = i
			out = append(out, parentSet{name: name})
		}
		out[i].verts = append(out[i].verts, v)
	}
	slices.SortFunc(out, func(a, b parentSet) int { return cmp.Compare(a.name, b.name) })
	return out
}

// allocate fixes the weight window of basic grids and the number of grids
// of every piece. Bounds mode: the window is [Min, Max] and each piece
// gets the count nearest its weight over the middle of the window that
// the window allows. Count mode: the window is the mean ± Tolerance and
// the Count grids, less the nFixed ones already drawn (oversize blocks,
// weighing fixedW in all), are shared among the pieces by largest
// remainder.
func allocate(pieces []piece, opt Options, nBasic, nFixed int, fixedW float64) (window, float64, []string, error) {
	var notes []string
	if !opt.CountMode() {
		per := window{opt.Min, opt.Max}
		mid := (opt.Min + opt.Max) / 2
		for i := range pieces {
			pc := &pieces[i]
			lo := int(math.Ceil(pc.weight / opt.Max))
			hi := int(math.Floor(pc.weight / opt.Min))
			k := max(1, int(math.Round(pc.weight/mid)))
			switch {
			case lo > hi:
				k = max(1, lo)
				notes = append(notes, fmt.Sprintf("parent %q: a piece of %d blocks totals %g, which no number of grids splits into [%g, %g]; %d grids, some out of bounds",
					pc.parent, len(pc.verts), pc.weight, opt.Min, opt.Max, k))
			case k < lo:
				k = lo
			case k > hi:
				k = hi
			}
			pc.k = min(k, len(pc.verts))
		}
		return per, mid, notes, nil
	}
	if opt.Count > nBasic {
		return window{}, 0, nil, fmt.Errorf("%w: --count %d is more than the %d basic blocks", ErrInfeasible, opt.Count, nBasic)
	}
	count := opt.Count - nFixed
	if len(pieces) > count {
		return window{}, 0, nil, fmt.Errorf("%w: --count %d but the basic blocks fall into %d separate pieces (parents and islands) besides %d oversize blocks; use a larger --count or --gap",
			ErrInfeasible, opt.Count, len(pieces), nFixed)
	}
	var total float64
	for _, pc := range pieces {
		total += pc.weight
	}
	mean := (total + fixedW) / float64(opt.Count)
	per := window{mean * (1 - opt.Tolerance), mean * (1 + opt.Tolerance)}
	// The pieces share their grids by weight: with oversize blocks out,
	// they average less than the mean.
	share := total / float64(count)
	left := count - len(pieces)
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	for i := range pieces {
		pc := &pieces[i]
		pc.k = 1
		more := pc.weight/share - 1
		if more > 0 {
			extra := min(int(more), left, len(pc.verts)-1)
			pc.k += extra
			left -= extra
			rems = append(rems, rem{i, more - float64(extra)})
		}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for j := 0; left > 0 && len(rems) > 0; j = (j + 1) % len(rems) {
		if pc := &pieces[rems[j].i]; pc.k < len(pc.verts) {
			pc.k++
			left--
		}
	}
	for _, pc := range pieces {
		if avg := pc.weight / float64(pc.k); per.outside(avg) > 0 {
			notes = append(notes, fmt.Sprintf("parent %q: a piece of %d blocks totals %g for %d grids (%.1f each), %.2f%% from the mean %g: ±%g%% cannot hold there",
				pc.parent, len(pc.verts), pc.weight, pc.k, avg, 100*(avg-mean)/mean, mean, 100*opt.Tolerance))
		}
	}
	return per, mean, notes, nil
}

// DefaultSeed is the seed of a partition whose caller names none (the
// --seed default of wangge partition and of POST /api/v1/plans).
const DefaultSeed = 1

// Options are the parameters of a partition. Either Min and Max (bounds
// mode) or Count and Tolerance (count mode) are set.
type Options struct {
	Weight string // block property holding the weight (households, population)

	Min, Max float64 // bounds mode: every basic grid's weight in [Min, Max]

	Count     int     // count mode: this many basic grids …
	Tolerance float64 // … each within ±Tolerance (a fraction) of the mean

	DedicatedField  string   // block property marking institutions
	DedicatedValues []string // values of DedicatedField that make a dedicated grid
	Within          string   // block property of the parent area grids never cross
	Gap             float64  // blocks this many metres apart count as neighbours
	Seed            uint64   // seed of the random generator
	CodePrefix      string   // 12-digit district+street+community code, or empty

	// Progress, when set, is told how far Draw is: done of total steps
	// (a step is one block partitioned or one block's part of the output
	// geometry), for a progress bar.
	Progress func(done, total int) `json:"-"`
}

// CountMode reports whether the options ask for a number of grids rather
// than weight bounds.
func (o Options) CountMode() bool { return o.Count > 0 }

// Validate checks that the options make a well-formed request.
func (o Options) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrOptions, fmt.Sprintf(format, a...))
	}
	switch {
	case o.Weight == "":
		return bad("--weight is required")
	case o.Count > 0 && (o.Min != 0 || o.Max != 0):
		return bad("give either --min/--max or --count/--tolerance, not both")
	case o.Count < 0:
		return bad("--count %d is negative", o.Count)
	case o.Count > 0 && (o.Tolerance <= 0 || o.Tolerance >= 1 || math.IsNaN(o.Tolerance)):
		return bad("--tolerance %g must be a fraction between 0 and 1 (0.02 for ±2%%)", o.Tolerance)
	case o.Count == 0 && !(o.Min > 0 && o.Max >= o.Min):
		return bad("bounds mode needs 0 < --min <= --max (got %g, %g)", o.Min, o.Max)
	case o.Gap < 0 || math.IsNaN(o.Gap):
		return bad("--gap %g must be >= 0 metres", o.Gap)
	case o.DedicatedField != "" && len(o.DedicatedValues) == 0:
		return bad("--dedicated %s= lists no values", o.DedicatedField)
	}
	if o.CodePrefix != "" {
		if len(o.CodePrefix) != 12 || strings.Trim(o.CodePrefix, "0123456789") != "" {
			return bad("--code-prefix %q must be 12 digits (district 6 + street 3 + community 3)", o.CodePrefix)
		}
	}
	return nil
}

// ParseDedicated reads a --dedicated value FIELD=V1,V2,… into the field
// and its values.
func ParseDedicated(s string) (string, []string, error) {
	field, vals, ok := strings.Cut(s, "=")
	if !ok || field == "" || vals == "" {
		return "", nil, fmt.Errorf("%w: --dedicated %q: want FIELD=V1,V2", ErrOptions, s)
	}
	return field, strings.Split(vals, ","), nil
}
