package server

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/paulmach/orb"

	"wangge/data"
)

// BenchmarkListBlocks times GET /api/v1/blocks over the real Providence
// blocks in the GeoPackage store: authentication, the store query and the
// GeoJSON rendering, without the network.
func BenchmarkListBlocks(b *testing.B) {
	cases := []struct {
		name  string
		query url.Values
	}{
		{"page of 1000", url.Values{"limit": {"1000"}}},
		{"downtown bbox", url.Values{"bbox": {bboxParam(orb.Bound{Min: orb.Point{-71.4150, 41.8200}, Max: orb.Point{-71.4050, 41.8300}})}}},
		{"gcj02 page of 1000", url.Values{"limit": {"1000"}, "crs": {"gcj02"}}},
	}
	st := openGPKG(b)
	s, _ := testServer(b, st, Options{})
	loadProvidence(b, s, st)
	secret := token(b, st, data.RoleViewer)
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			target := "/api/v1/blocks?" + tc.query.Encode()
			for b.Loop() {
				rec := request(b, s, http.MethodGet, target, secret, nil)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				b.SetBytes(int64(rec.Body.Len()))
			}
		})
	}
}
