package access

import "errors"

// ErrForbidden is wrapped by every *Denied: the principal may call the
// route but the resource is outside its scope (HTTP 403).
var ErrForbidden = errors.New("access: forbidden")

// Denied says that a principal may not take an action on a resource, and
// why.
type Denied struct {
	Principal Principal
	Action    Action
	Resource  Resource
	Reason    string
}

// Error names the token and gives the reason.
func (e *Denied) Error() string {
	return "access: token " + e.Principal.TokenID + ": " + e.Reason
}

// Unwrap returns ErrForbidden.
func (e *Denied) Unwrap() error { return ErrForbidden }
