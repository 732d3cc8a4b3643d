package server

import (
	"net/url"
	"testing"
)

func TestOpen311Page(t *testing.T) {
	for _, tc := range []struct {
		query      string
		skip, size int
		fail       bool
	}{
		{"", 0, 100, false},
		{"page=3", 200, 100, false},
		{"page=4&page_size=50", 150, 50, false},
		{"page_size=1000", 0, 1000, false},
		{"page_size=1001", 0, 0, true},
		{"page=0", 0, 0, true},
		{"page=x", 0, 0, true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			skip, size, err := open311Page(q)
			if (err != nil) != tc.fail || !tc.fail && (skip != tc.skip || size != tc.size) {
				t.Errorf("open311Page(%s) = %d, %d, %v", tc.query, skip, size, err)
			}
		})
	}
}
