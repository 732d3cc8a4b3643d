package incident

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	mins := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, m := range v {
			out[i] = time.Duration(m) * time.Minute
		}
		return out
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", mins(7), 90, 7 * time.Minute},
		{"median of ten is the 5th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Minute},
		{"p90 of ten is the 9th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Minute},
		{"median of four is the 2nd", mins(1, 2, 3, 4), 50, 2 * time.Minute},
		{"p90 of four is the 4th", mins(1, 2, 3, 4), 90, 4 * time.Minute},
		{"median of five is the 3rd", mins(10, 20, 30, 40, 50), 50, 30 * time.Minute},
		{"p90 of eleven is the 10th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10 * time.Minute},
		{"p100 is the maximum", mins(1, 2, 3), 100, 3 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := percentile(c.sorted, c.p); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
