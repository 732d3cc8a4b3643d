package partition_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"wangge/partition"
)

func TestParamsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		opt  partition.Options
	}{
		{"count mode", partition.Options{Weight: "population", Count: 15, Tolerance: 0.02, Seed: 9, Gap: 12.5}},
		{"bounds mode", partition.Options{Weight: "households", Min: 150, Max: 500, DedicatedField: "kind",
			DedicatedValues: []string{"school", "hospital"}, Within: "community", CodePrefix: "110105001002"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			back, err := partition.OptionsFromParams(tc.opt.Params())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.opt) {
				t.Errorf("round trip gave %+v, want %+v", back, tc.opt)
			}
		})
	}
}

func TestOptionsFromBadParams(t *testing.T) {
	for name, m := range map[string]map[string]string{
		"unknown key": {"weight": "hh", "count": "3", "tolerance": "0.1", "colour": "red"},
		"bad number":  {"weight": "hh", "min": "lots", "max": "9"},
		"no mode":     {"weight": "hh"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := partition.OptionsFromParams(m); !errors.Is(err, partition.ErrOptions) {
				t.Errorf("error %v, want ErrOptions", err)
			}
		})
	}
}

func TestResultPlan(t *testing.T) {
	opt := partition.Options{Weight: "hh", Count: 2, Tolerance: 0.1, Seed: 1}
	res := draw(t, mosaic(4, 1, hh(5)), opt)
	p := res.Plan("p1", "east", opt, time.Unix(0, 0))
	if p.Status != partition.PlanDraft || p.Params["count"] != "2" || len(p.Grids) != 2 || p.Grids[0].Plan != "p1" {
		t.Errorf("plan %+v", p)
	}
}

// TestOptionsOfPlan reads the options of a plan whose Params keep its
// provenance beside them, as the demo's plan does, and still refuses a
// bad value of a partition parameter.
func TestOptionsOfPlan(t *testing.T) {
	o, err := partition.OptionsOfPlan(map[string]string{"weight": "households", "min": "150", "max": "500", "source": "monaco.osm.pbf", "seed": "7"})
	if err != nil || o.Weight != "households" || o.Min != 150 || o.Max != 500 || o.Seed != 7 {
		t.Fatalf("options %+v, %v", o, err)
	}
	if _, err := partition.OptionsOfPlan(map[string]string{"weight": "households", "min": "x", "max": "500"}); !errors.Is(err, partition.ErrOptions) {
		t.Fatalf("min=x: %v, want ErrOptions", err)
	}
}
