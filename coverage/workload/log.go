package workload

import (
	"slices"
	"strings"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// DayLog is a worker's daily work log (工作日志), computed from the fixes,
// key places and incidents the service holds.
type DayLog struct {
	Worker    patrol.WorkerID    `json:"worker"`
	Date      string             `json:"date"` // YYYY-MM-DD in the zone of the day
	From      time.Time          `json:"from"`
	To        time.Time          `json:"to"`
	Grids     []partition.GridID `json:"grids"`
	Fixes     int                `json:"fixes"`
	DistanceM float64            `json:"distance_m"`
	// PatrolS is the time on patrol: moving and stopped, signal gaps left
	// out; InsideS the part of it inside the worker's grids.
	PatrolS  patrol.Seconds `json:"patrol_s"`
	InsideS  patrol.Seconds `json:"inside_grids_s"`
	Stops    int            `json:"stops"`
	Coverage float64        `json:"coverage"` // share of the H3 cells of the worker's grids covered this day
	// KeyPlacesVisited are the key places of the worker's grids its stops
	// of the day visited; KeyPlacesOverdue those past their interval at
	// the end of the day.
	KeyPlacesVisited []patrol.KeyPlaceID `json:"key_places_visited"`
	KeyPlacesOverdue []patrol.KeyPlaceID `json:"key_places_overdue"`
	// Incidents by what the worker did to them this day: created
	// (discovered), moved to or created as reported, resolved (handled),
	// escalated; BaseInfo are the reports the worker created in a
	// base-information category (the terminal's 信息采集).
	Discovered []incident.ID `json:"discovered"`
	Reported   []incident.ID `json:"reported"`
	Handled    []incident.ID `json:"handled"`
	Escalated  []incident.ID `json:"escalated"`
	BaseInfo   []incident.ID `json:"base_info_updates"`
}

// LogInput is what Log reads for one worker and day.
type LogInput struct {
	Worker   patrol.Worker
	From, To time.Time // the day: [From, To)
	Zone     *time.Location
	// Trajectory is the worker's day (patrol.Trajectory with its grids).
	Trajectory patrol.TrajectoryReport
	// Coverage is the covered share of the worker's grids this day.
	Coverage float64
	// KeyPlaces are the key places of the worker's grids, LastVisited as
	// the store holds it; Stops are the worker's stops from far enough
	// back to know each place's last visit at the end of the day (the
	// longest visit interval), the day's included.
	KeyPlaces []patrol.KeyPlace
	Stops     []patrol.Stop
	// Incidents are those with any event in the day.
	Incidents []incident.Incident
	// BaseInfoCategories are the incident categories that record a
	// base-information update.
	BaseInfoCategories []string
}

// Log computes the work log of in's worker and day. A place is visited
// by a stop within patrol.DefaultVisitRadius (patrol.Visits); its last
// visit at the end of the day is the latest of those stops ending before
// To and of its stored LastVisited when that is before To.
func Log(in LogInput) DayLog {
	tr := in.Trajectory
	d := DayLog{Worker: in.Worker.ID, Date: in.From.In(in.Zone).Format(time.DateOnly), From: in.From, To: in.To,
		Grids: slices.Clone(in.Worker.Grids), Fixes: tr.Fixes, DistanceM: tr.Distance,
		PatrolS: tr.Moving + tr.Stopped, InsideS: tr.Inside, Stops: len(tr.Stops), Coverage: in.Coverage,
		KeyPlacesVisited: []patrol.KeyPlaceID{}, KeyPlacesOverdue: []patrol.KeyPlaceID{}}
	if d.Grids == nil {
		d.Grids = []partition.GridID{}
	}
	before := slices.DeleteFunc(slices.Clone(in.Stops), func(s patrol.Stop) bool { return !s.End.Before(in.To) })
	places := make([]patrol.KeyPlace, len(in.KeyPlaces))
	for i, k := range in.KeyPlaces {
		if !k.LastVisited.Before(in.To) {
			k.LastVisited = time.Time{}
		}
		places[i] = k
	}
	places = patrol.Visits(places, before, patrol.DefaultVisitRadius)
	for _, k := range places {
		if !k.LastVisited.Before(in.From) {
			d.KeyPlacesVisited = append(d.KeyPlacesVisited, k.ID)
		}
	}
	for _, g := range patrol.Overdue(places, in.To) {
		for _, k := range g.Places {
			d.KeyPlacesOverdue = append(d.KeyPlacesOverdue, k.ID)
		}
	}
	slices.Sort(d.KeyPlacesVisited)
	slices.Sort(d.KeyPlacesOverdue)
	d.Discovered, d.Reported, d.Handled, d.Escalated, d.BaseInfo = []incident.ID{}, []incident.ID{}, []incident.ID{}, []incident.ID{}, []incident.ID{}
	for _, inc := range in.Incidents {
		for i, e := range inc.Events {
			if e.Time.Before(in.From) || !e.Time.Before(in.To) || !ActedBy(e, in.Worker.ID) {
				continue
			}
			if i == 0 {
				d.Discovered = appendOnce(d.Discovered, inc.ID)
				if slices.Contains(in.BaseInfoCategories, inc.Category) {
					d.BaseInfo = appendOnce(d.BaseInfo, inc.ID)
				}
			}
			switch e.To {
			case incident.StatusReported:
				d.Reported = appendOnce(d.Reported, inc.ID)
			case incident.StatusResolved:
				d.Handled = appendOnce(d.Handled, inc.ID)
			case incident.StatusEscalated:
				d.Escalated = appendOnce(d.Escalated, inc.ID)
			}
		}
	}
	return d
}

// ActedBy reports whether event e was made by worker w, in any role
// (incident.Actor.String ends with ":" and the worker's id).
func ActedBy(e incident.Event, w patrol.WorkerID) bool {
	return w != "" && strings.HasSuffix(e.Actor, ":"+string(w))
}

func appendOnce(ids []incident.ID, id incident.ID) []incident.ID {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}
