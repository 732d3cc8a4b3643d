package codec

import (
	"fmt"

	"wangge/coverage/incident"
	"wangge/data"
)

// This file holds what both stores share about writes that several
// processes may race on: the checks before them and the errors, wrapping
// data.ErrConflict, of those that lost.

// CheckUpdate checks an incident given to UpdateIncident with the number
// of events it was read with; a refusal is an *ItemError wrapping
// data.ErrInvalid.
func CheckUpdate(inc incident.Incident, version int) error {
	err := CheckIncident(inc)
	if err == nil && (version < 0 || version > len(inc.Events)) {
		err = Invalid("read with %d events, but it has %d: the version must count the events it was read with", version, len(inc.Events))
	}
	if err != nil {
		return &data.ItemError{Kind: "incident", ID: string(inc.ID), Err: err}
	}
	return nil
}

// Stale is the error of an update of incident id made on version events
// while the store holds stored events.
func Stale(id incident.ID, version, stored int) error {
	return fmt.Errorf("%w: incident %q was changed meanwhile (it has %d events, the update was made on %d): read it again and retry",
		data.ErrConflict, id, stored, version)
}
