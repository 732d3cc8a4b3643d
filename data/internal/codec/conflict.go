package codec

import (
	"fmt"
	"time"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/partition"
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

// SecondPublished is the error of a put of plan id as published while
// plan other is published.
func SecondPublished(id, other partition.PlanID) error {
	return fmt.Errorf("%w: plan %q cannot be stored as published while plan %q is: one plan is published at a time; publish it with PublishPlan, which returns the other to draft",
		data.ErrConflict, id, other)
}

// DeletePublished is the error of a delete of plan id, the published plan.
func DeletePublished(id partition.PlanID) error {
	return fmt.Errorf("%w: plan %q is the plan in force: publish another plan before deleting it", data.ErrConflict, id)
}

// CheckPublish checks the time a plan is published at.
func CheckPublish(id partition.PlanID, at time.Time) error {
	if at.IsZero() {
		return &data.ItemError{Kind: "plan", ID: string(id), Err: Invalid("no publication time")}
	}
	return nil
}
