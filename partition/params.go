package partition

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Params renders the options as the text map a stored Plan keeps
// (Plan.Params), with the flag names of `wangge partition`; zero values
// are left out. OptionsFromParams reads it back.
func (o Options) Params() map[string]string {
	m := map[string]string{"weight": o.Weight, "seed": strconv.FormatUint(o.Seed, 10)}
	set := func(k string, v float64) {
		if v != 0 {
			m[k] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	set("min", o.Min)
	set("max", o.Max)
	set("tolerance", o.Tolerance)
	set("gap", o.Gap)
	if o.Count > 0 {
		m["count"] = strconv.Itoa(o.Count)
	}
	if o.DedicatedField != "" {
		m["dedicated"] = o.DedicatedField + "=" + strings.Join(o.DedicatedValues, ",")
	}
	if o.Within != "" {
		m["within"] = o.Within
	}
	if o.CodePrefix != "" {
		m["code-prefix"] = o.CodePrefix
	}
	return m
}

// OptionsFromParams parses a Params map (from a stored plan or an API
// request) into validated options; an unknown key or a bad number is an
// ErrOptions naming the key.
func OptionsFromParams(m map[string]string) (Options, error) {
	var o Options
	var err error
	for _, k := range sortedKeys(m) {
		v := m[k]
		num := func(dst *float64) {
			if *dst, err = strconv.ParseFloat(v, 64); err != nil {
				err = fmt.Errorf("%w: %s=%q is not a number", ErrOptions, k, v)
			}
		}
		switch k {
		case "weight":
			o.Weight = v
		case "min":
			num(&o.Min)
		case "max":
			num(&o.Max)
		case "tolerance":
			num(&o.Tolerance)
		case "gap":
			num(&o.Gap)
		case "count":
			if o.Count, err = strconv.Atoi(v); err != nil {
				err = fmt.Errorf("%w: count=%q is not a whole number", ErrOptions, v)
			}
		case "seed":
			if o.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				err = fmt.Errorf("%w: seed=%q is not a non-negative whole number", ErrOptions, v)
			}
		case "dedicated":
			o.DedicatedField, o.DedicatedValues, err = ParseDedicated(v)
		case "within":
			o.Within = v
		case "code-prefix":
			o.CodePrefix = v
		default:
			err = fmt.Errorf("%w: unknown parameter %q", ErrOptions, k)
		}
		if err != nil {
			return Options{}, err
		}
	}
	return o, o.Validate()
}

// paramKeys are the keys of a Params map.
var paramKeys = []string{"weight", "min", "max", "tolerance", "gap", "count", "seed", "dedicated", "within", "code-prefix"}

// OptionsOfPlan reads the options a stored plan was drawn with from its
// Params, which may keep other keys beside the partition parameters (the
// source file, its attribution): those are skipped.
func OptionsOfPlan(m map[string]string) (Options, error) {
	own := make(map[string]string, len(m))
	for k, v := range m {
		if slices.Contains(paramKeys, k) {
			own[k] = v
		}
	}
	return OptionsFromParams(own)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Plan wraps the result as a draft Plan drawn with opt, ready to store:
// its grids carry the plan id.
func (r *Result) Plan(id PlanID, name string, opt Options, created time.Time) Plan {
	grids := make([]Grid, len(r.Grids))
	for i, g := range r.Grids {
		g.Plan = id
		grids[i] = g
	}
	return Plan{ID: id, Name: name, Status: PlanDraft, Params: opt.Params(), Created: created, Grids: grids}
}
