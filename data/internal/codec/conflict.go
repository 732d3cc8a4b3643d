package codec

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
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
	return data.Refuse(data.ErrConflict, "incident %q was changed meanwhile (it has %d events, the update was made on %d): read it again and retry", id, stored, version)
}

// SecondPublished is the error of a put of plan id as published while
// plan other is published.
func SecondPublished(id, other partition.PlanID) error {
	return data.Refuse(data.ErrConflict, "plan %q cannot be stored as published while plan %q is: one plan is published at a time; publish it with PublishPlan, which returns the other to draft", id, other)
}

// DeletePublished is the error of a delete of plan id, the published plan.
func DeletePublished(id partition.PlanID) error {
	return data.Refuse(data.ErrConflict, "plan %q is the plan in force: publish another plan before deleting it", id)
}

// CheckPublish checks the time a plan is published at.
func CheckPublish(id partition.PlanID, at time.Time) error {
	if at.IsZero() {
		return &data.ItemError{Kind: "plan", ID: string(id), Err: Invalid("no publication time")}
	}
	return nil
}

// Holder is a device and the worker carrying it.
type Holder struct {
	Device string
	Worker patrol.WorkerID
}

// SharedDevicesSQL lists, as (device_id, id) rows ordered by device and
// worker, the workers whose device another worker carries too.
const SharedDevicesSQL = `SELECT device_id, id FROM workers WHERE device_id IN
	(SELECT device_id FROM workers WHERE device_id <> '' GROUP BY device_id HAVING count(*) > 1)
	ORDER BY device_id, id`

// SharedDevices is the error of a store whose workers share devices (rows
// of SharedDevicesSQL), or nil when shared is empty: a store of an older
// release may hold such workers, and only a person can tell who keeps the
// device.
func SharedDevices(shared []Holder) error {
	if len(shared) == 0 {
		return nil
	}
	var groups []string
	for i := 0; i < len(shared); {
		d := shared[i].Device
		var workers []string
		for ; i < len(shared) && shared[i].Device == d; i++ {
			workers = append(workers, strconv.Quote(string(shared[i].Worker)))
		}
		groups = append(groups, fmt.Sprintf("device %q is held by workers %s", d, strings.Join(workers, ", ")))
	}
	return data.Refuse(data.ErrConflict, "%s, but a device belongs to one worker: clear device_id of all but one of them in the workers table, then open the store again", strings.Join(groups, "; "))
}

// CheckDevices checks that a batch of workers gives no device to two
// workers: two of the batch, or one of the batch and one outside it. held
// are the stored holders of the batch's devices; what a worker of the
// batch holds now does not count, as the batch replaces it. The first
// worker refused is named by an *ItemError wrapping data.ErrConflict.
func CheckDevices(workers []patrol.Worker, held []Holder) error {
	inBatch := make(map[patrol.WorkerID]bool, len(workers))
	for _, w := range workers {
		inBatch[w.ID] = true
	}
	stored := map[string]patrol.WorkerID{}
	for _, h := range held {
		if !inBatch[h.Worker] {
			stored[h.Device] = h.Worker
		}
	}
	given := map[string]patrol.WorkerID{}
	for i, w := range workers {
		if w.DeviceID == "" {
			continue
		}
		var reason string
		if other, ok := stored[w.DeviceID]; ok {
			reason = fmt.Sprintf("device %q is held by worker %q: take it from %q first", w.DeviceID, other, other)
		} else if other, ok := given[w.DeviceID]; ok && other != w.ID {
			reason = fmt.Sprintf("device %q is given to worker %q too in this batch", w.DeviceID, other)
		}
		if reason != "" {
			return &data.ItemError{Kind: "worker", Index: i, ID: string(w.ID),
				Err: data.Refuse(data.ErrConflict, "%s; a device belongs to one worker", reason)}
		}
		given[w.DeviceID] = w.ID
	}
	return nil
}

// Devices lists the devices of a batch of workers, without the empty one.
func Devices(workers []patrol.Worker) []string {
	var ds []string
	for _, w := range workers {
		if w.DeviceID != "" {
			ds = append(ds, w.DeviceID)
		}
	}
	return ds
}
