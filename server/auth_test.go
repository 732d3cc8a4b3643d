package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wangge/data"
	"wangge/internal/app"
)

// oneBlock is a valid FeatureCollection with one small block.
const oneBlock = `{"type":"FeatureCollection","features":[{"type":"Feature","id":"b1",
 "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]},
 "properties":{"kind":"residential","households":12,"population":30,"ward":"3"}}]}`

func TestAuth(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		viewer := token(t, st, data.RoleViewer)
		planner := token(t, st, data.RolePlanner)
		unknown := SecretPrefix + strings.Repeat("A", app.SecretLen-len(SecretPrefix))
		cases := []struct {
			name, method, auth string
			status             int
			challenge          string // a substring of WWW-Authenticate
		}{
			{"no token", http.MethodGet, "", http.StatusUnauthorized, `Bearer realm="wangge"`},
			{"basic scheme", http.MethodGet, "Basic dXNlcjpwYXNz", http.StatusUnauthorized, `error="invalid_request"`},
			{"malformed token", http.MethodGet, "Bearer wg_short", http.StatusUnauthorized, `error="invalid_token"`},
			{"not base64url", http.MethodGet, "Bearer " + SecretPrefix + strings.Repeat("*", app.SecretLen-len(SecretPrefix)), http.StatusUnauthorized, `error="invalid_token"`},
			{"unknown token", http.MethodGet, "Bearer " + unknown, http.StatusUnauthorized, `error="invalid_token"`},
			{"viewer reads", http.MethodGet, "Bearer " + viewer, http.StatusOK, ""},
			{"lower-case scheme", http.MethodGet, "bearer " + viewer, http.StatusOK, ""},
			{"viewer writes", http.MethodPost, "Bearer " + viewer, http.StatusForbidden, `error="insufficient_scope"`},
			{"planner writes", http.MethodPost, "Bearer " + planner, http.StatusOK, ""},
			{"no token writes", http.MethodPost, "", http.StatusUnauthorized, `Bearer realm="wangge"`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest(tc.method, "/api/v1/blocks", strings.NewReader(oneBlock))
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				rec := serve(s, req)
				if tc.status != http.StatusOK {
					decodeProblem(t, rec, tc.status)
				} else {
					wantStatus(t, rec, tc.status)
				}
				if got := rec.Header().Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) ||
					(tc.challenge == "") != (got == "") {
					t.Errorf("WWW-Authenticate %q, want it to contain %q", got, tc.challenge)
				}
			})
		}
	})
}

func TestCreateTokenStoresOnlyTheHash(t *testing.T) {
	st := openGPKG(t)
	ctx := context.Background()
	secret, tok, err := app.CreateToken(ctx, st, data.RoleWorker, "w7", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != app.SecretLen || !strings.HasPrefix(secret, SecretPrefix) {
		t.Fatalf("secret %q: want %q and %d characters", secret, SecretPrefix, app.SecretLen)
	}
	sum := sha256.Sum256([]byte(secret))
	got, err := st.TokenByHash(ctx, hex.EncodeToString(sum[:]))
	if err != nil {
		t.Fatalf("token not found by the SHA-256 of its secret: %v", err)
	}
	if got.ID != tok.ID || got.Role != data.RoleWorker || got.Worker != "w7" || got.Grid != "g1" {
		t.Errorf("stored %+v, created %+v", got, tok)
	}
	if strings.Contains(got.Hash, secret[len(SecretPrefix):]) || got.Hash == secret {
		t.Errorf("the store holds the secret itself: %+v", got)
	}
	again, _, err := app.CreateToken(ctx, st, data.RoleWorker, "w7", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if again == secret {
		t.Error("two tokens got the same secret")
	}
	if _, _, err := app.CreateToken(ctx, st, data.Role("root"), "", ""); !errors.Is(err, app.ErrInvalid) {
		t.Errorf("role root: err %v, want ErrInvalid", err)
	}
}

func TestRevokedTokenIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		secret, tok, err := app.CreateToken(context.Background(), st, data.RoleAdmin, "", "")
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, request(t, s, http.MethodGet, "/api/v1/blocks", secret, nil), http.StatusOK)
		if err := st.DeleteToken(context.Background(), tok.ID); err != nil {
			t.Fatal(err)
		}
		decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/blocks", secret, nil), http.StatusUnauthorized)
	})
}

// TestPolicyCoversEveryAPIRoute guards the one-table rule: every route
// under the API prefix is in the policy, so none is left without a role
// check.
func TestPolicyCoversEveryAPIRoute(t *testing.T) {
	s, _ := testServer(t, openGPKG(t), Options{})
	listed := map[string]bool{}
	for _, r := range s.policy() {
		listed[r.method+" "+APIPrefix+r.path] = true
		if len(r.roles) == 0 {
			t.Errorf("%s %s allows no role", r.method, r.path)
		}
		write := r.method != http.MethodGet && r.method != http.MethodHead
		for _, role := range r.roles {
			if write && role == data.RoleViewer {
				t.Errorf("%s %s lets a viewer write", r.method, r.path)
			}
		}
	}
	for _, r := range s.deviceRoutes() {
		listed[r.method+" "+APIPrefix+r.path] = true // authenticated by a registered device id
	}
	for _, r := range s.echo.Routes() {
		if !strings.HasPrefix(r.Path, APIPrefix+"/") || r.Path == APIPrefix+"/*" {
			continue // the group's catch-all answers 404 after authentication
		}
		if !listed[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the policy table", r.Method, r.Path)
		}
	}
}

// FuzzBearerSecret checks that any Authorization header either fails with
// an *AuthError or yields a secret of the one well-formed shape.
func FuzzBearerSecret(f *testing.F) {
	good := SecretPrefix + strings.Repeat("A", app.SecretLen-len(SecretPrefix))
	for _, s := range []string{"", "Bearer " + good, "bearer  " + good + " ", "Basic abc", "Bearer", "Bearer wg_",
		"Bearer " + good + "=", "Bearer\t" + good, "Bearer " + strings.Repeat("\xff", app.SecretLen)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		secret, err := bearerSecret(header)
		if err != nil {
			if _, ok := err.(*AuthError); !ok {
				t.Fatalf("error %T is not an *AuthError", err)
			}
			return
		}
		if len(secret) != app.SecretLen || !strings.HasPrefix(secret, SecretPrefix) {
			t.Fatalf("header %q gave the secret %q", header, secret)
		}
	})
}
