package server

import (
	"net/url"
	"testing"
)

func TestOpen311Page(t *testing.T) {
	for _, tc := range []struct {
		query      string
		n          int
		lo, hi     int
		more, fail bool
	}{
		{"", 250, 0, 100, true, false},
		{"page=3", 250, 200, 250, false, false},
		{"page=4", 250, 250, 250, false, false},
		{"page_size=1000", 40000, 0, 1000, true, false},
		{"page_size=1001", 10, 0, 0, false, true},
		{"page=0", 10, 0, 0, false, true},
		{"page=x", 10, 0, 0, false, true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			lo, hi, more, err := open311Page(q, tc.n)
			if (err != nil) != tc.fail || !tc.fail && (lo != tc.lo || hi != tc.hi || more != tc.more) {
				t.Errorf("open311Page(%s, %d) = %d, %d, %v, %v", tc.query, tc.n, lo, hi, more, err)
			}
		})
	}
}
