package server

import (
	"errors"
	"fmt"
	"strings"

	"wangge/data"
)

// Sentinels for the kinds of failure a client can act on. Each typed error
// below wraps one of them, so callers branch with errors.Is and read the
// details with errors.As.
var (
	// ErrInvalid marks a request whose parameters or body are wrong (400).
	ErrInvalid = errors.New("server: invalid request")
	// ErrUnauthenticated marks a request without a usable token (401).
	ErrUnauthenticated = errors.New("server: not authenticated")
	// ErrForbidden marks a token whose role may not do this (403).
	ErrForbidden = errors.New("server: forbidden")
	// ErrConflict marks a request the resource's state refuses (409).
	ErrConflict = errors.New("server: conflict")
	// ErrUnavailable marks a store that does not answer (503).
	ErrUnavailable = errors.New("server: store unavailable")
	// ErrOptions marks Options that New cannot work with.
	ErrOptions = errors.New("server: bad options")
	// ErrOrigin marks a CORS origin CheckOrigin refuses.
	ErrOrigin = errors.New("server: bad CORS origin")
	// ErrShutdownTimeout is returned by Serve when in-flight requests did
	// not finish within Options.ShutdownTimeout.
	ErrShutdownTimeout = errors.New("server: in-flight requests outlived the shutdown timeout")
)

// ParamError reports a query or path parameter that cannot be used.
type ParamError struct {
	Param  string // the parameter's name, e.g. "bbox"
	Value  string // what the client sent
	Reason string // what is wrong and what is expected
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("server: parameter %s=%q: %s", e.Param, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ParamError) Unwrap() error { return ErrInvalid }

// AuthError reports a request that could not be authenticated. Code is the
// RFC 6750 error code sent in WWW-Authenticate: empty when no credentials
// were sent at all, "invalid_request" for a malformed header and
// "invalid_token" for a token that is unknown or revoked.
type AuthError struct {
	Code   string
	Reason string
}

func (e *AuthError) Error() string { return "server: " + e.Reason }

// Unwrap makes errors.Is(err, ErrUnauthenticated) hold.
func (e *AuthError) Unwrap() error { return ErrUnauthenticated }

// RoleError reports an authenticated token whose role is not allowed on a
// route.
type RoleError struct {
	Role    data.Role
	Allowed []data.Role
	Route   string // "METHOD /path"
}

func (e *RoleError) Error() string {
	return fmt.Sprintf("server: role %s may not call %s (allowed: %s)", e.Role, e.Route, roleList(e.Allowed))
}

// roleList names roles for a message: "admin, planner".
func roleList(roles []data.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Unwrap makes errors.Is(err, ErrForbidden) hold.
func (e *RoleError) Unwrap() error { return ErrForbidden }

// ScopeError reports a token whose role may call a route but whose scope
// does not cover the resource: a worker's token and another worker's track,
// a leader's token and a grid that is not the leader's.
type ScopeError struct {
	TokenID string
	Reason  string // what the token may not reach and why, for the client
}

func (e *ScopeError) Error() string { return "server: token " + e.TokenID + ": " + e.Reason }

// Unwrap makes errors.Is(err, ErrForbidden) hold.
func (e *ScopeError) Unwrap() error { return ErrForbidden }

// BodyError reports a request body that cannot be used: Field names where
// in it (a JSON path such as "points[3].lat", or empty for the body as a
// whole) and Reason what is wrong and what is expected. Nothing of such a
// body is stored.
type BodyError struct {
	Field  string
	Reason string
}

func (e *BodyError) Error() string { return "server: " + e.Detail() }

// Detail is the message for the client: where in the body, and what is
// wrong.
func (e *BodyError) Detail() string {
	if e.Field == "" {
		return "request body: " + e.Reason
	}
	return "request body: " + e.Field + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *BodyError) Unwrap() error { return ErrInvalid }

// DeviceError reports a position from a device id that no worker carries,
// or with a secret that is not the device's: the two are one error, so
// that the answers do not tell which devices exist. It wraps
// data.ErrNotFound: the ingest routes answer 404 as Traccar does.
type DeviceError struct {
	Device string
}

func (e *DeviceError) Error() string {
	return fmt.Sprintf("server: device %q is not registered, or the secret is not its secret", e.Device)
}

// Unwrap makes errors.Is(err, data.ErrNotFound) hold.
func (e *DeviceError) Unwrap() error { return data.ErrNotFound }

// ConflictError reports a request that the current state of a resource
// does not allow, such as deleting the plan in force (409).
type ConflictError struct {
	Reason string // what stands in the way and what to do first
}

func (e *ConflictError) Error() string { return "server: conflict: " + e.Reason }

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }
