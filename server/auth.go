package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// SecretPrefix starts every token secret, so that a leaked one is easy to
// recognise (and to search for in logs and repositories).
const SecretPrefix = "wg_"

// secretBytes is the entropy of a secret.
const secretBytes = 32

// secretLen is the length of a well-formed secret: the prefix and 32 bytes
// in unpadded base64url (6 bits a character).
const secretLen = len(SecretPrefix) + (secretBytes*8+5)/6

// tokenKey is the echo context key of the authenticated data.Token.
const tokenKey = "wangge.token"

// CreateToken makes a token with the given role and scope, stores the
// SHA-256 of its secret and returns the secret, which is not kept anywhere
// and must be shown to the user once. worker scopes a worker's token and
// grid a leader's; both may be empty.
func CreateToken(ctx context.Context, store data.Store, role data.Role, worker patrol.WorkerID, grid partition.GridID) (string, data.Token, error) {
	if !role.Valid() {
		return "", data.Token{}, fmt.Errorf("%w: role %q is not one of admin, planner, leader, worker, viewer", ErrInvalid, role)
	}
	var raw [secretBytes]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	secret := SecretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	var id [8]byte
	_, _ = rand.Read(id[:])
	tok := data.Token{
		ID:      hex.EncodeToString(id[:]),
		Hash:    hashSecret(secret),
		Role:    role,
		Worker:  worker,
		Grid:    grid,
		Created: time.Now().UTC().Truncate(time.Second),
	}
	if err := store.PutToken(ctx, tok); err != nil {
		return "", data.Token{}, fmt.Errorf("server: store token: %w", err)
	}
	return secret, tok, nil
}

// hashSecret is what the store keeps of a secret: its SHA-256 in hex.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenFrom returns the token that authenticated the request, if any.
func TokenFrom(c echo.Context) (data.Token, bool) {
	t, ok := c.Get(tokenKey).(data.Token)
	return t, ok
}

// authenticate requires a known bearer token and puts it in the context.
// The store is asked for the hash of the secret, never the secret itself.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		secret, err := bearerSecret(c.Request().Header.Get(echo.HeaderAuthorization))
		if err != nil {
			return err
		}
		tok, err := s.store.TokenByHash(c.Request().Context(), hashSecret(secret))
		if errors.Is(err, data.ErrNotFound) {
			return &AuthError{Code: "invalid_token",
				Reason: "the bearer token is unknown or was revoked; create a new one with `wangge token create`"}
		}
		if err != nil {
			return fmt.Errorf("server: look up token: %w", err)
		}
		c.Set(tokenKey, tok)
		return next(c)
	}
}

// bearerSecret takes the secret out of an Authorization header value.
func bearerSecret(header string) (string, error) {
	if header == "" {
		return "", &AuthError{Reason: "this route needs a bearer token: send `Authorization: Bearer wg_…` " +
			"(an administrator creates tokens with `wangge token create`)"}
	}
	scheme, secret, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", &AuthError{Code: "invalid_request",
			Reason: "the Authorization header must read `Bearer wg_…`; other schemes are not accepted"}
	}
	secret = strings.TrimSpace(secret)
	if len(secret) != secretLen || !strings.HasPrefix(secret, SecretPrefix) {
		return "", &AuthError{Code: "invalid_token", Reason: fmt.Sprintf(
			"the bearer token is malformed: a token is %q followed by %d base64url characters", SecretPrefix, secretLen-len(SecretPrefix))}
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret[len(SecretPrefix):]); err != nil {
		return "", &AuthError{Code: "invalid_token", Reason: "the bearer token is malformed: it is not base64url after " + SecretPrefix}
	}
	return secret, nil
}

// authorize lets through the tokens whose role is in allowed; it runs after
// authenticate.
func authorize(route string, allowed []data.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tok, ok := TokenFrom(c)
			if !ok {
				return &AuthError{Reason: "this route needs a bearer token"}
			}
			if !slices.Contains(allowed, tok.Role) {
				return &RoleError{Role: tok.Role, Allowed: allowed, Route: route}
			}
			return next(c)
		}
	}
}
