package incident

import (
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// ID identifies an incident.
type ID string

// Status is a state of the incident loop
// discover → report → handle → feedback.
type Status string

// The states an incident passes through.
const (
	StatusDiscovered Status = "discovered"
	StatusReported   Status = "reported"
	StatusAccepted   Status = "accepted"
	StatusHandling   Status = "handling"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
	StatusEscalated  Status = "escalated"
	StatusReturned   Status = "returned"
	StatusRejected   Status = "rejected"
	StatusDuplicate  Status = "duplicate"
)

// Level is who holds an incident: it goes up grid → community → street →
// city when it cannot be settled below.
type Level string

// The levels an incident escalates through.
const (
	LevelGrid      Level = "grid"
	LevelCommunity Level = "community"
	LevelStreet    Level = "street"
	LevelCity      Level = "city"
)

// Incident is one problem found in a grid.
type Incident struct {
	ID          ID
	Category    string
	Description string
	Address     string
	MediaURL    string
	Location    orb.Point
	Status      Status
	Level       Level
	Reporter    patrol.WorkerID
	Grid        partition.GridID // the grid at report time, kept if plans change
	Reported    time.Time
	Updated     time.Time
	Satisfied   *bool // the resident's feedback once closed
	Score       int   // 1–5, 0 when none
	Events      []Event
	DuplicateOf ID       // the original, when Status is duplicate
	Flags       []string // FlagOutsideGrids, FlagNoLocation
}

// Event is one transition of an incident; events are appended and
// never rewritten.
type Event struct {
	Time  time.Time
	Actor string
	From  Status
	To    Status
	Level Level
	Note  string
}
