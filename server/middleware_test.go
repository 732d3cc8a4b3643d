package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wangge/data"
)

// CORS: a listed origin gets its preflight answered before authentication
// and Access-Control-Allow-Origin on the answers; any other origin gets no
// Access-Control-Allow-Origin; without origins no CORS header is sent.
func TestCORS(t *testing.T) {
	st := openGPKG(t)
	const page = "https://map.example.gov.cn"
	withCORS, _ := testServer(t, st, Options{CORSOrigins: []string{page, "http://localhost:5173"}})
	without, _ := testServer(t, st, Options{})
	anyOrigin, _ := testServer(t, st, Options{CORSOrigins: []string{"*"}})
	viewer := token(t, st, data.RoleViewer)
	preflight := func(origin string) *http.Request {
		req := httptest.NewRequest(http.MethodOptions, "/api/v1/plans", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		return req
	}
	get := func(origin string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/plans", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Authorization", "Bearer "+viewer)
		return req
	}
	tests := []struct {
		name       string
		s          *Server
		req        *http.Request
		status     int
		allowed    string // Access-Control-Allow-Origin; "" for none
		allowHeads string // Access-Control-Allow-Headers must contain it
	}{
		{"preflight of a listed origin, no token", withCORS, preflight(page), http.StatusNoContent, page, "Authorization"},
		{"preflight of another listed origin", withCORS, preflight("http://localhost:5173"), http.StatusNoContent, "http://localhost:5173", "Content-Type"},
		{"preflight of an unknown origin", withCORS, preflight("https://evil.example.com"), http.StatusNoContent, "", ""},
		{"preflight of a subdomain is not the origin", withCORS, preflight("https://x.map.example.gov.cn"), http.StatusNoContent, "", ""},
		{"GET from a listed origin", withCORS, get(page), http.StatusOK, page, ""},
		{"GET from an unknown origin is served without CORS", withCORS, get("https://evil.example.com"), http.StatusOK, "", ""},
		{"GET without a token from a listed origin", withCORS, func() *http.Request {
			r := get(page)
			r.Header.Del("Authorization")
			return r
		}(), http.StatusUnauthorized, page, ""},
		{"any origin", anyOrigin, preflight("https://anywhere.example"), http.StatusNoContent, "https://anywhere.example", "Authorization"},
		{"no origins configured: no CORS on GET", without, get(page), http.StatusOK, "", ""},
		{"no origins configured: no CORS on preflight", without, preflight(page), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(tt.s, tt.req)
			if tt.status != 0 && rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body.String())
			}
			h := rec.Header()
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.allowed {
				t.Fatalf("Access-Control-Allow-Origin %q, want %q", got, tt.allowed)
			}
			if !strings.Contains(h.Get("Access-Control-Allow-Headers"), tt.allowHeads) {
				t.Fatalf("Access-Control-Allow-Headers %q, want %s", h.Get("Access-Control-Allow-Headers"), tt.allowHeads)
			}
			if tt.allowed == "" && h.Get("Access-Control-Allow-Methods") != "" {
				t.Fatalf("Access-Control-Allow-Methods %q sent to an origin not allowed", h.Get("Access-Control-Allow-Methods"))
			}
			if tt.allowed != "" && tt.req.Method == http.MethodGet && !strings.Contains(h.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
				t.Fatalf("Access-Control-Expose-Headers %q, want X-Request-Id", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func TestCheckOrigin(t *testing.T) {
	tests := []struct {
		origin string
		ok     bool
	}{
		{"*", true},
		{"https://map.example.gov.cn", true},
		{"http://localhost:5173", true},
		{"https://map.example.gov.cn/", false},
		{"https://map.example.gov.cn/app", false},
		{"https://Map.example.gov.cn", false},
		{"map.example.gov.cn", false},
		{"ftp://map.example.gov.cn", false},
		{"https://user@map.example.gov.cn", false},
		{"https://map.example.gov.cn?x=1", false},
		{"https://*.example.gov.cn", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			err := CheckOrigin(tt.origin)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrOrigin)) {
				t.Fatalf("CheckOrigin(%q) = %v", tt.origin, err)
			}
		})
	}
}
