package data

import (
	"context"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// Store keeps the territory, plans, workers, tracks, incidents, key places
// and API tokens: the small interfaces below, one per concern, composed.
// Two implementations pass one conformance suite (data/storetest): the
// embedded GeoPackage (data/gpkg, the default, no server) and PostGIS
// (data/postgis).
//
// Every Put* method is an upsert of a batch and is atomic: when one item is
// rejected, nothing of the batch is stored. Get-by-id methods return an
// error wrapping ErrNotFound when there is no such item.
type Store interface {
	// Ping reports whether the store can be reached.
	Ping(ctx context.Context) error
	// CheckWrite reports whether the store takes a write: it rewrites one
	// row of a table of its own and commits (a full disk, a read-only
	// file or database, a lock held too long are errors).
	CheckWrite(ctx context.Context) error
	// Close releases the store; acknowledged writes are durable.
	Close() error

	TerritoryStore
	PlanStore
	PatrolStore
	IncidentStore
	TokenStore
}

// TerritoryStore keeps the areas, blocks, buildings and roads.
type TerritoryStore interface {
	PutAreas(ctx context.Context, areas []partition.Area) error
	Area(ctx context.Context, id partition.AreaID) (partition.Area, error)
	Areas(ctx context.Context) ([]partition.Area, error)
	DeleteArea(ctx context.Context, id partition.AreaID) error

	PutBlocks(ctx context.Context, blocks []partition.Block) error
	Block(ctx context.Context, id partition.BlockID) (partition.Block, error)
	// Blocks lists blocks ordered by id, filtered by q.
	Blocks(ctx context.Context, q BlockQuery) ([]partition.Block, error)
	DeleteBlock(ctx context.Context, id partition.BlockID) error
	// ReplaceBlocks deletes the blocks remove names, with the buildings
	// that stand in them, and upserts blocks, in one transaction: a
	// re-import replacing the blocks of its area. Ids of remove that are
	// not stored are skipped; a bad block refuses the whole change.
	ReplaceBlocks(ctx context.Context, remove []partition.BlockID, blocks []partition.Block) error

	PutBuildings(ctx context.Context, buildings []partition.Building) error
	Building(ctx context.Context, id partition.BuildingID) (partition.Building, error)
	Buildings(ctx context.Context, q BBoxQuery) ([]partition.Building, error)
	DeleteBuilding(ctx context.Context, id partition.BuildingID) error

	PutRoads(ctx context.Context, roads []partition.Road) error
	Road(ctx context.Context, id partition.RoadID) (partition.Road, error)
	// Roads lists roads ordered by id, filtered by q.
	Roads(ctx context.Context, q BBoxQuery) ([]partition.Road, error)
	DeleteRoad(ctx context.Context, id partition.RoadID) error
}

// PlanStore keeps grid plans with their grids. At most one plan is
// published (the plan in force): the store keeps that rule itself, with a
// unique index, so that several processes cannot break it.
type PlanStore interface {
	// PutPlan stores a plan with all its grids, replacing any earlier
	// version of the same plan. A plan put as published while another
	// plan is published is refused with an error wrapping ErrConflict
	// (PublishPlan hands over).
	PutPlan(ctx context.Context, p partition.Plan) error
	Plan(ctx context.Context, id partition.PlanID) (partition.Plan, error)
	// Plans lists the plans ordered by creation time, without their grids.
	Plans(ctx context.Context) ([]partition.Plan, error)
	// PublishPlan puts plan id in force from at, in one transaction: the
	// plans published before become superseded (their Published time
	// kept) and are returned ordered by id, and id becomes published
	// with Published = at. Publishing the published plan changes nothing
	// and returns none. An unknown id wraps ErrNotFound, a zero at
	// ErrInvalid.
	PublishPlan(ctx context.Context, id partition.PlanID, at time.Time) (superseded []partition.PlanID, err error)
	// DeletePlan deletes a plan, its grids and its versions. The
	// published plan is refused with an error wrapping ErrConflict:
	// publish another first.
	DeletePlan(ctx context.Context, id partition.PlanID) error

	// PutPlanVersion stores draft p with its grids (as PutPlan) and
	// records them as version v of the plan, in one transaction. v.Number
	// must follow the plan's latest version (1 for a plan without any)
	// and a stored plan of that id must be a draft; otherwise nothing
	// changes and the error wraps ErrConflict (another edit came first,
	// or the plan was published). A plan that is not a draft, or a
	// version of another plan, wraps ErrInvalid.
	PutPlanVersion(ctx context.Context, p partition.Plan, v PlanVersion) error
	// PlanVersions lists the versions of plan id, oldest first, without
	// their grids (none for a plan stored by PutPlan alone). An unknown
	// plan wraps ErrNotFound.
	PlanVersions(ctx context.Context, id partition.PlanID) ([]PlanVersion, error)
	// PlanVersion reads version n of plan id with its grids; an unknown
	// plan or version wraps ErrNotFound.
	PlanVersion(ctx context.Context, id partition.PlanID, n int) (PlanVersion, error)

	// Publications lists when plans were in force, by From then plan:
	// one closed interval for each time PublishPlan superseded a plan
	// (From its Published time, To the publish that superseded it), and
	// the published plan's open interval (From its Published time, zero
	// To). A plan published again has an interval for each time. Deleting
	// a plan deletes its intervals. Superseded plans of a store made
	// before this history was kept get theirs from the Published times:
	// each until the next plan's.
	Publications(ctx context.Context) ([]Publication, error)
}

// Publication is an interval [From, To) in which Plan was in force; a
// zero To means it still is.
type Publication struct {
	Plan     partition.PlanID
	From, To time.Time
}

// PlanVersion is one state of a draft plan. Number counts from 1 (the plan
// as drawn, uploaded or adopted); every edit and every undo adds one.
// Base is the version the state was made from (0 for the first): an undo
// restores the grids of the latest version's Base as a new version whose
// Base is that version's own, so undos in a row walk back. Grids keep
// their blocks, flags and figures but no geometry (the blocks make it);
// Plans lists versions without them.
type PlanVersion struct {
	Plan    partition.PlanID
	Number  int
	Base    int
	Edit    string // what made it: "upload", "move block b to G002", "undo: back to version 2"
	Created time.Time
	Grids   []partition.Grid
}

// PatrolStore keeps the workers, their GPS fixes and the key places they
// visit.
type PatrolStore interface {
	// PutWorkers upserts workers. A device belongs to one worker, a rule
	// the store keeps with a unique index: a batch giving a device that a
	// worker outside it holds, or one device to two of its workers, is
	// refused whole with an *ItemError wrapping ErrConflict. A batch may
	// move devices between its own workers.
	PutWorkers(ctx context.Context, workers []patrol.Worker) error
	Worker(ctx context.Context, id patrol.WorkerID) (patrol.Worker, error)
	WorkerByDevice(ctx context.Context, deviceID string) (patrol.Worker, error)
	Workers(ctx context.Context) ([]patrol.Worker, error)
	DeleteWorker(ctx context.Context, id patrol.WorkerID) error

	// PutTrackPoints stores fixes idempotently on (worker, time): a fix
	// already stored for that worker and instant is left as it is. It
	// returns how many fixes were new.
	PutTrackPoints(ctx context.Context, pts []patrol.TrackPoint) (int, error)
	// TrackPoints lists fixes ordered by worker, then time.
	TrackPoints(ctx context.Context, q TrackQuery) ([]patrol.TrackPoint, error)
	DeleteTrackPoints(ctx context.Context, q TrackQuery) (int, error)

	PutKeyPlaces(ctx context.Context, places []patrol.KeyPlace) error
	KeyPlace(ctx context.Context, id patrol.KeyPlaceID) (patrol.KeyPlace, error)
	KeyPlaces(ctx context.Context, q BBoxQuery) ([]patrol.KeyPlace, error)
	DeleteKeyPlace(ctx context.Context, id patrol.KeyPlaceID) error

	// VisitState reads how far the fixes near the key places were
	// examined for visits; the zero state (version 0) when never.
	VisitState(ctx context.Context) (VisitState, error)
	// RecordVisits, in one transaction, raises the last visit of each
	// place of visits to its time where that is later (an unknown place is
	// skipped) and, when next is not nil, stores *next as the visit state
	// if the stored one still has version old, its version becoming old+1.
	// It reports whether next was stored; when it was not, the visits
	// still were.
	RecordVisits(ctx context.Context, visits map[patrol.KeyPlaceID]time.Time, old int64, next *VisitState) (bool, error)
}

// VisitState is how far the fixes near the key places were examined for
// visits. The fixes from Since on were examined, except: per worker in
// Resume, those from its time (the first fix of the stay the worker may
// still be in; a zero time: all); of the other workers, those from
// Checked. Version counts the stored states, for compare-and-set.
// PutTrackPoints keeps it true in the transaction that stores fixes,
// moving Resume back for fixes before it (codec.NoteFixes).
type VisitState struct {
	Version int64
	Since   time.Time
	Checked time.Time
	Resume  map[patrol.WorkerID]time.Time
}

// IncidentStore keeps incidents with their append-only event logs. The
// version of a stored incident is the number of its events.
type IncidentStore interface {
	// PutIncidents upserts incidents (new reports, imports) without
	// looking at their versions: events already stored are kept as they
	// are and only those past them are appended.
	PutIncidents(ctx context.Context, incidents []incident.Incident) error
	// UpdateIncident stores inc, an incident read from the store and moved
	// on by one or more transitions, unless someone changed it meanwhile:
	// version is the number of events it had when read. In one
	// transaction, if the stored incident still has exactly version
	// events, its fields become inc's and the events of inc past version
	// are appended (its version becomes len(inc.Events)); otherwise
	// nothing changes and the error wraps ErrConflict (read it again and
	// retry). An unknown id wraps ErrNotFound; an invalid incident, or a
	// version below 0 or above len(inc.Events), ErrInvalid.
	UpdateIncident(ctx context.Context, inc incident.Incident, version int) error
	Incident(ctx context.Context, id incident.ID) (incident.Incident, error)
	Incidents(ctx context.Context, q IncidentQuery) ([]incident.Incident, error)
	DeleteIncident(ctx context.Context, id incident.ID) error
}

// TokenStore keeps API tokens by the hash of their secret.
type TokenStore interface {
	PutToken(ctx context.Context, t Token) error
	// TokenByHash finds a token by the SHA-256 of its secret.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists the tokens ordered by id.
	Tokens(ctx context.Context) ([]Token, error)
	DeleteToken(ctx context.Context, id string) error
}

// BBoxQuery filters by bounding box (WGS-84); a nil BBox means everywhere.
// Limit 0 means no limit; After skips ids up to and including it (keyset
// paging).
type BBoxQuery struct {
	BBox  *orb.Bound
	After string
	Limit int
}

// BlockQuery filters blocks.
type BlockQuery struct {
	BBoxQuery
	Parent partition.AreaID // empty: any
}

// TrackQuery filters track points. Zero fields do not filter; From is
// inclusive and To exclusive.
type TrackQuery struct {
	Worker patrol.WorkerID
	From   time.Time
	To     time.Time
	BBox   *orb.Bound
	Limit  int
}

// IncidentQuery filters incidents. Zero fields do not filter; From is
// inclusive and To exclusive on the report time.
type IncidentQuery struct {
	BBoxQuery
	// Newest lists in descending id order (ids start with the report
	// time, so newest first); After then skips the ids from it upward,
	// which continues a newest-first list after its last id.
	Newest bool
	Status []incident.Status
	Grid   partition.GridID
	From   time.Time
	To     time.Time
}

// FixesChanged starts the entity a store's change feed sends for new
// fixes of one worker ("fixes:" and the worker's id), so that every server
// sharing the store can pass positions stored by another to its live map.
const FixesChanged = "fixes:"
