package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"wangge/server/etag"
)

// TestFeatureETags checks conditional GETs of features: every feature
// list and feature of /ogc and /api/v1 carries the strong ETag of its
// bytes; the same request with that tag in If-None-Match is 304 with no
// body, and with another tag the full answer again.
func TestFeatureETags(t *testing.T) {
	ws := demoWorkspace(t)
	var plans struct {
		Plans []struct{ ID string } `json:"plans"`
	}
	_, body := get(t, ws.srv.URL+"/api/v1/plans", "Authorization", "Bearer "+ws.viewer)
	if err := json.Unmarshal(body, &plans); err != nil || len(plans.Plans) == 0 {
		t.Fatalf("plans %s: %v", body, err)
	}
	_, body = get(t, ws.srv.URL+"/api/v1/blocks?limit=1", "Authorization", "Bearer "+ws.viewer)
	var blocks struct {
		Features []struct{ ID string } `json:"features"`
	}
	if err := json.Unmarshal(body, &blocks); err != nil || len(blocks.Features) != 1 {
		t.Fatalf("blocks %s: %v", body, err)
	}
	block := blocks.Features[0].ID
	for _, path := range []string{
		"/ogc/collections/blocks/items?limit=50",
		"/ogc/collections/blocks/items/" + block,
		"/ogc/collections/grids/items",
		"/api/v1/blocks?limit=50",
		"/api/v1/blocks/" + block,
		"/api/v1/roads?limit=20",
		"/api/v1/incidents",
		"/api/v1/plans/" + plans.Plans[0].ID + "/grids",
	} {
		auth := []string{"Authorization", "Bearer " + ws.viewer}
		res, first := get(t, ws.srv.URL+path, auth...)
		tag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || tag != etag.Of(first) {
			t.Errorf("%s: %s, ETag %q; want 200 with the tag of the body, %s", path, res.Status, tag, etag.Of(first))
			continue
		}
		res, again := get(t, ws.srv.URL+path, append(auth, "If-None-Match", tag)...)
		if res.StatusCode != http.StatusNotModified || len(again) != 0 || res.Header.Get("ETag") != tag {
			t.Errorf("%s with If-None-Match %s: %s, %d bytes, ETag %q; want 304, no body, the same tag", path, tag, res.Status, len(again), res.Header.Get("ETag"))
		}
		res, full := get(t, ws.srv.URL+path, append(auth, "If-None-Match", etag.Of([]byte("stale")))...)
		if res.StatusCode != http.StatusOK || !bytes.Equal(full, first) {
			t.Errorf("%s with a stale tag: %s, %d bytes; want 200 and the %d bytes again", path, res.Status, len(full), len(first))
		}
	}
}
