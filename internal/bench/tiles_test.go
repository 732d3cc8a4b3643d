package bench

import (
	"strings"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if p50, p99, p100 := quantile(ds, 0.5), quantile(ds, 0.99), quantile(ds, 1); p50 != 50*time.Millisecond || p99 != 99*time.Millisecond || p100 != 100*time.Millisecond {
		t.Errorf("p50 %v, p99 %v, p100 %v of 1..100 ms", p50, p99, p100)
	}
	if quantile(nil, 0.99) != 0 {
		t.Error("quantile of nothing is not 0")
	}
}

// TestTileTarget judges the worst p99 of the tile rows.
func TestTileTarget(t *testing.T) {
	rows := []benchResult{
		{benchCase: benchCase{name: "tiles/monaco"}, p50: time.Millisecond, p99: 12 * time.Millisecond, p99CPU: 5 * time.Millisecond},
		{benchCase: benchCase{name: "tiles/providence"}, p50: time.Millisecond, p99: 25 * time.Millisecond, p99CPU: 8 * time.Millisecond},
		{benchCase: benchCase{name: "features/api-roads"}, p99: time.Second},
	}
	tt := tileTarget(rows)
	if tt.status(false) != "NOT MET on wall time; met on CPU time" || tt.value != 25 || tt.cpuValue != 8 || !strings.Contains(tt.figure, "providence p99 25.00 ms (p50 1.00; p99 on CPU 8.00)") {
		t.Errorf("target %+v: %s", tt, tt.status(false))
	}
	rows[1].p99CPU = 21 * time.Millisecond
	if tt := tileTarget(rows); tt.status(false) != "NOT MET" {
		t.Errorf("p99 21 ms on CPU: %s", tt.status(false))
	}
	if tt := tileTarget(rows[:1]); tt.status(false) != "met" {
		t.Errorf("12 ms: %s", tt.status(false))
	}
	if tt := tileTarget(rows[2:]); !strings.HasPrefix(tt.status(false), "not measured") {
		t.Errorf("no tile rows: %s", tt.status(false))
	}
}
