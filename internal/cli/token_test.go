package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/stores"
	"wangge/internal/config"
	"wangge/server"
)

// oneBlockFC is a valid block upsert body.
const oneBlockFC = `{"type":"FeatureCollection","features":[{"type":"Feature","id":"b1","properties":{"households":40},
 "geometry":{"type":"Polygon","coordinates":[[[117.5,34.8],[117.6,34.8],[117.6,34.9],[117.5,34.8]]]}}]}`

func TestTokenAndServeUsage(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr error
		stderr  string
	}{
		{"token alone", []string{"token"}, ErrUsage, "token create"},
		{"token help", []string{"token", "--help"}, nil, "revoke"},
		{"unknown subcommand", []string{"token", "rotate"}, ErrUsage, `unknown subcommand "rotate"`},
		{"create help", []string{"token", "create", "--help"}, nil, "-role"},
		{"create without role", []string{"token", "create"}, ErrUsage, "--role"},
		{"create with a bad role", []string{"token", "create", "--role", "root"}, ErrUsage, `"root"`},
		{"create with an argument", []string{"token", "create", "--role", "admin", "extra"}, ErrUsage, `unexpected argument "extra"`},
		{"leader without a grid", []string{"token", "create", "--role", "leader", "--worker", "w1"}, ErrUsage, "a leader token needs --grid"},
		{"worker without a worker", []string{"token", "create", "--role", "worker", "--grid", "g1"}, ErrUsage, "a worker token needs --worker"},
		{"list takes no argument", []string{"token", "list", "x.gpkg"}, ErrUsage, `unexpected argument "x.gpkg"`},
		{"revoke without id", []string{"token", "revoke"}, ErrUsage, "want one token ID or secret, got 0"},
		{"revoke two ids", []string{"token", "revoke", "a", "--db", "x.gpkg", "b"}, ErrUsage, "got 2"},
		{"revoke help", []string{"token", "revoke", "--help"}, nil, "-db"},
		{"serve help", []string{"serve", "--help"}, nil, "WANGGE_ADDR"},
		{"serve bad flag", []string{"serve", "--port", "80"}, ErrUsage, "-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCLI(t, tt.args...)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderr)
			}
		})
	}
}

// createToken runs `wangge token create` and returns the printed secret;
// the note on stderr must name the store written: --db, else WANGGE_DB.
func createToken(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, err := runCLI(t, append([]string{"token", "create"}, args...)...)
	if err != nil {
		t.Fatalf("token create: %v (%s)", err, stderr)
	}
	secret := strings.TrimSuffix(stdout, "\n")
	if strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(secret, server.SecretPrefix) {
		t.Fatalf("stdout %q: want the secret alone on one line", stdout)
	}
	db := envOr(envDB, config.DefaultDB)
	if i := slices.Index(args, "--db"); i >= 0 {
		db = args[i+1]
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "only this once") || !strings.Contains(stderr, " in "+redactDSN(db)+";") {
		t.Fatalf("stderr %q: want a one-line note naming the store %s", stderr, redactDSN(db))
	}
	return secret
}

func TestTokenCreateUseRevoke(t *testing.T) {
	stores := []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"gpkg", func(t *testing.T) string { return filepath.Join(t.TempDir(), "w.gpkg") }},
		{"postgis", func(t *testing.T) string { return pgtest.DSN(t) }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { tokenCreateUseRevoke(t, st.db(t)) })
	}
}

// tokenCreateUseRevoke makes tokens with the CLI, uses them on a server
// over the same store, and revokes one.
func tokenCreateUseRevoke(t *testing.T, db string) {
	secret := createToken(t, "--role", "planner", "--db", db)
	t.Setenv(envDB, db) // the viewer's token comes from the environment's store
	viewer := createToken(t, "--role", "viewer")

	ctx := context.Background()
	store, err := stores.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, err := server.New(server.Options{Store: store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	post := func(secret string) int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/blocks", strings.NewReader(oneBlockFC))
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post(secret); code != http.StatusOK {
		t.Fatalf("planner token from the CLI: status %d", code)
	}
	if code := post(viewer); code != http.StatusForbidden {
		t.Fatalf("viewer token from the CLI: status %d", code)
	}
	sum := sha256.Sum256([]byte(secret))
	tok, err := store.TokenByHash(ctx, hex.EncodeToString(sum[:]))
	if err != nil || tok.Role != data.RolePlanner {
		t.Fatalf("stored token %+v, %v", tok, err)
	}
	if _, stderr, err := runCLI(t, "token", "revoke", tok.ID, "--db", db); err != nil {
		t.Fatalf("token revoke: %v (%s)", err, stderr)
	}
	if code := post(secret); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: status %d", code)
	}
	if _, _, err := runCLI(t, "token", "revoke", "--db", db, tok.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("revoking twice: %v, want ErrNotFound", err)
	}

	// The viewer's token is revoked by its secret, in the environment's store.
	_, stderr, err := runCLI(t, "token", "revoke", viewer)
	if err != nil || !strings.Contains(stderr, "in "+redactDSN(db)) || strings.Contains(stderr, viewer) {
		t.Fatalf("token revoke SECRET: %v, stderr %q: want a note naming the store and not the secret", err, stderr)
	}
	if code := post(viewer); code != http.StatusUnauthorized {
		t.Fatalf("token revoked by its secret: status %d", code)
	}
	_, _, err = runCLI(t, "token", "revoke", viewer)
	if !errors.Is(err, data.ErrNotFound) || strings.Contains(err.Error(), viewer) {
		t.Fatalf("revoking a secret twice: %v, want ErrNotFound without the secret", err)
	}
}

// wangge serve reads the example configuration, takes the address from
// the environment over it and the store from --db over both, says so, and
// serves with the file's settings (its CORS origin among them).
func TestServeCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.gpkg")
	secret := createToken(t, "--role", "admin", "--db", db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.Setenv("WANGGE_ADDR", "127.0.0.1:0") // the example's port may be taken
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--config", exampleConfig, "--db", db}, outW, io.Discard)
		outW.Close()
	}()
	out := bufio.NewReader(outR)
	said, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the config line: %v", err)
	}
	if !containsAll(said, "config "+exampleConfig, "WANGGE_ADDR", "zone Asia/Shanghai") {
		t.Fatalf("config line %q", said)
	}
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL line: %v", err)
	}
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "http://127.0.0.1:") {
		t.Fatalf("start line %q does not give the URL", line)
	}
	url := fields[2]
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/blocks", strings.NewReader(oneBlockFC))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Origin", "https://map.example.gov.cn")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST through `wangge serve`: status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://map.example.gov.cn" {
		t.Fatalf("Access-Control-Allow-Origin %q: the example's CORS origin did not reach the server", got)
	}
	cancel()
	go io.Copy(io.Discard, out)
	if err := <-done; err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
}

func TestTokenList(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.gpkg")
	store, err := stores.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	created := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	tokens := []data.Token{
		{ID: "a1", Hash: "hash-of-a1", Role: data.RoleAdmin, Created: created},
		{ID: "b2", Hash: "hash-of-b2", Role: data.RoleLeader, Worker: "w1", Grid: "g1", Created: created.Add(time.Hour)},
	}
	for _, tok := range tokens {
		if err := store.PutToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, err := runCLI(t, "token", "list", "--db", db)
	if err != nil {
		t.Fatalf("token list: %v (%s)", err, stderr)
	}
	const want = "ID  ROLE    WORKER  GRID  CREATED\n" +
		"a1  admin   -       -     2026-03-01T08:00:00Z\n" +
		"b2  leader  w1      g1    2026-03-01T09:00:00Z\n"
	if stdout != want || stderr != "wangge: 2 tokens in "+db+"\n" {
		t.Errorf("stdout %q, stderr %q; want %q and a count naming the store", stdout, stderr, want)
	}
	for _, tok := range tokens {
		if strings.Contains(stdout, tok.Hash) {
			t.Errorf("the list shows the hash of %s", tok.ID)
		}
	}
}
