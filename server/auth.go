package server

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
)

// SecretPrefix starts every token secret (app.SecretPrefix).
const SecretPrefix = app.SecretPrefix

// tokenKey is the echo context key of the authenticated data.Token.
const tokenKey = "wangge.token"

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
		tok, err := s.app.Authenticate(c.Request().Context(), secret)
		if errors.Is(err, app.ErrUnknownToken) {
			return &AuthError{Code: "invalid_token",
				Reason: "the bearer token is unknown or was revoked; create a new one with `wangge token create`"}
		}
		if err != nil {
			return err
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
	if !app.WellFormed(secret) {
		return "", &AuthError{Code: "invalid_token", Reason: fmt.Sprintf(
			"the bearer token is malformed: a token is %q followed by %d base64url characters", SecretPrefix, app.SecretLen-len(SecretPrefix))}
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

// principal is who the request acts as in the scope policy: the role and
// scope of its token (the zero principal, allowed nothing, without one).
func principal(c echo.Context) access.Principal {
	tok, _ := TokenFrom(c)
	return access.Of(tok)
}
