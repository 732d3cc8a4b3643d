package patrol

import (
	"time"

	"github.com/paulmach/orb"

	"wangge/partition"
)

// WorkerID identifies a grid worker.
type WorkerID string

// WorkerRole is the part a person plays in grid work.
type WorkerRole string

// The roles of DOMAIN.md.
const (
	RoleLeader       WorkerRole = "leader"        // 网格长
	RoleFullTime     WorkerRole = "full-time"     // 专职网格员
	RoleInstructor   WorkerRole = "instructor"    // 网格指导员
	RoleProfessional WorkerRole = "professional"  // 专业网格员
	RoleVolunteer    WorkerRole = "volunteer"     // 志愿网格员
	RoleBuildingHead WorkerRole = "building-head" // 楼长
)

// Valid reports whether r is one of the known roles.
func (r WorkerRole) Valid() bool {
	switch r {
	case RoleLeader, RoleFullTime, RoleInstructor, RoleProfessional, RoleVolunteer, RoleBuildingHead:
		return true
	}
	return false
}

// Worker is a person doing grid work. DeviceID links the positions a phone
// or handheld terminal sends to the worker.
type Worker struct {
	ID       WorkerID
	Name     string
	Role     WorkerRole
	DeviceID string
	Grids    []partition.GridID
}

// TrackPoint is one GPS fix of a worker, in WGS-84. Speed is in m/s,
// Bearing in degrees clockwise from north, Altitude and Accuracy in metres,
// Battery in percent; a zero value means "not reported".
type TrackPoint struct {
	Worker   WorkerID
	Time     time.Time
	Point    orb.Point // lon, lat
	Accuracy float64
	Speed    float64
	Bearing  float64
	Altitude float64
	Battery  float64
}

// KeyPlaceID identifies a key place.
type KeyPlaceID string

// KeyPlace is a place to visit regularly: the home of a key household
// (elderly living alone, the disabled, …). It holds no personal names, only
// a category, a location and how often it must be visited.
type KeyPlace struct {
	ID            KeyPlaceID
	Category      string
	Location      orb.Point
	VisitInterval time.Duration
	Grid          partition.GridID
	LastVisited   time.Time // zero when never visited
	Added         time.Time // when it was first registered; zero when not known (older stores)
}
