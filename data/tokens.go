package data

import (
	"time"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// Role is what an API token may do.
type Role string

// The API roles, from most to least powerful.
const (
	RoleAdmin   Role = "admin"
	RolePlanner Role = "planner"
	RoleLeader  Role = "leader"
	RoleWorker  Role = "worker"
	RoleViewer  Role = "viewer"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RolePlanner, RoleLeader, RoleWorker, RoleViewer:
		return true
	}
	return false
}

// Token is an API bearer token. Only the SHA-256 hash of its secret is
// kept; the secret is shown once when the token is created. Worker and Grid
// scope a worker's or a leader's token.
type Token struct {
	ID      string
	Hash    string
	Role    Role
	Worker  patrol.WorkerID
	Grid    partition.GridID
	Created time.Time
}
