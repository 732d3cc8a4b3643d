package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// SecretPrefix starts every token secret, so that a leaked one is easy to
// recognise (and to search for in logs and repositories).
const SecretPrefix = "wg_"

// secretBytes is the entropy of a secret.
const secretBytes = 32

// SecretLen is the length of a well-formed secret: the prefix and 32
// bytes in unpadded base64url (6 bits a character).
const SecretLen = len(SecretPrefix) + (secretBytes*8+5)/6

// ErrUnknownToken means a well-formed secret that no stored token has:
// unknown or revoked.
var ErrUnknownToken = errors.New("app: unknown or revoked token")

// CreateToken makes a token with the given role and scope, stores the
// SHA-256 of its secret and returns the secret, which is not kept anywhere
// and must be shown to the user once. worker scopes a worker's token and
// grid a leader's; both may be empty.
func CreateToken(ctx context.Context, store data.TokenStore, role data.Role, worker patrol.WorkerID, grid partition.GridID) (string, data.Token, error) {
	if !role.Valid() {
		return "", data.Token{}, &FieldError{Field: "role", Reason: fmt.Sprintf("%q is not one of admin, planner, leader, worker, viewer", role)}
	}
	var raw [secretBytes]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	secret := SecretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	var id [8]byte
	_, _ = rand.Read(id[:])
	tok := data.Token{
		ID:      hex.EncodeToString(id[:]),
		Hash:    HashSecret(secret),
		Role:    role,
		Worker:  worker,
		Grid:    grid,
		Created: time.Now().UTC().Truncate(time.Second),
	}
	if err := store.PutToken(ctx, tok); err != nil {
		return "", data.Token{}, fmt.Errorf("app: store token: %w", err)
	}
	return secret, tok, nil
}

// HashSecret is what the store keeps of a secret: its SHA-256 in hex.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether secret has the shape of a token secret:
// the prefix and 43 base64url characters.
func WellFormed(secret string) bool {
	if len(secret) != SecretLen || !strings.HasPrefix(secret, SecretPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(secret[len(SecretPrefix):])
	return err == nil
}

// Authenticate finds the token of a secret; the store is asked for the
// hash of the secret, never the secret itself. An unknown or revoked
// token wraps ErrUnknownToken.
func (a *App) Authenticate(ctx context.Context, secret string) (data.Token, error) {
	tok, err := a.tokenByHash(ctx, HashSecret(secret))
	if errors.Is(err, data.ErrNotFound) {
		return tok, fmt.Errorf("%w: %w", ErrUnknownToken, err)
	}
	if err != nil {
		return tok, fmt.Errorf("app: look up token: %w", err)
	}
	return tok, nil
}
