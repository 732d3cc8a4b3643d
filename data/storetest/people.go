package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

func testWorkers(e *env) {
	t := e.t
	c := crud[patrol.Worker, patrol.WorkerID]{
		kind: "worker",
		items: []patrol.Worker{
			{ID: "w2", Name: "王芳", Role: patrol.RoleFullTime, DeviceID: "imei-2", Grids: []partition.GridID{"g1", "g2"}},
			{ID: "w1", Name: "李强", Role: patrol.RoleLeader, DeviceID: "imei-1"},
			{ID: "w3", Name: "张伟", Role: patrol.RoleVolunteer},
		},
		id:  func(w patrol.Worker) patrol.WorkerID { return w.ID },
		put: e.s.PutWorkers, get: e.s.Worker, del: e.s.DeleteWorker, list: e.s.Workers,
		change: func(w patrol.Worker) patrol.Worker {
			w.Role, w.DeviceID, w.Grids = patrol.RoleInstructor, "imei-9", []partition.GridID{"g3"}
			return w
		},
		strip: func(w patrol.Worker) patrol.Worker {
			if len(w.Grids) == 0 {
				w.Grids = nil
			}
			return w
		},
	}
	c.run(e) // w1 is updated to imei-9, then deleted
	w, err := e.s.WorkerByDevice(e.ctx, "imei-2")
	must(t, "worker by device", err)
	if w.ID != "w2" {
		t.Fatalf("device imei-2 gave worker %q, want w2", w.ID)
	}
	for _, dev := range []string{"imei-1", "imei-9", "unknown"} {
		_, err := e.s.WorkerByDevice(e.ctx, dev)
		mustNotFound(t, "device "+dev, err)
	}
	err = e.s.PutWorkers(e.ctx, []patrol.Worker{{ID: "w4", Role: patrol.RoleVolunteer}, {ID: "w5", Role: "boss"}})
	mustRejected(t, "worker of unknown role", err, 1)
}

func testKeyPlaces(e *env) {
	t := e.t
	visited := time.Date(2026, 2, 27, 15, 4, 5, 678901000, time.UTC)
	var items []patrol.KeyPlace
	for i := range 10 {
		items = append(items, patrol.KeyPlace{
			ID: patrol.KeyPlaceID(fmt.Sprintf("k%02d", 9-i)), Category: "elderly-alone",
			Location: orb.Point{117.3 + 0.001*float64(i), 34.8 + 0.001*float64(i)}, VisitInterval: 7 * 24 * time.Hour,
			Grid: "g1", LastVisited: visited.Add(time.Duration(i) * time.Hour), Added: visited.Add(-time.Duration(i) * time.Hour),
		})
	}
	items[0].LastVisited = time.Time{}
	items[1].Added = time.Time{} // not known
	c := crud[patrol.KeyPlace, patrol.KeyPlaceID]{
		kind: "key place", items: items,
		id:  func(k patrol.KeyPlace) patrol.KeyPlaceID { return k.ID },
		put: e.s.PutKeyPlaces, get: e.s.KeyPlace, del: e.s.DeleteKeyPlace,
		list: func(ctx context.Context) ([]patrol.KeyPlace, error) { return e.s.KeyPlaces(ctx, data.BBoxQuery{}) },
		change: func(k patrol.KeyPlace) patrol.KeyPlace {
			k.VisitInterval, k.LastVisited, k.Location = 90*time.Minute, visited, orb.Point{-0.5, 51.25}
			return k
		},
		geom:  func(k patrol.KeyPlace) orb.Geometry { return k.Location },
		strip: func(k patrol.KeyPlace) patrol.KeyPlace { k.Location = orb.Point{}; return k },
	}
	c.run(e) // k00 moves to London, then is deleted
	// Places i = 2..5 lie in the box; paged two at a time.
	q := orb.Bound{Min: orb.Point{117.3015, 34.8015}, Max: orb.Point{117.3052, 34.8052}}
	var got []patrol.KeyPlaceID
	after := ""
	for range 4 {
		page, err := e.s.KeyPlaces(e.ctx, data.BBoxQuery{BBox: &q, After: after, Limit: 2})
		must(t, "key places in box", err)
		for _, k := range page {
			got = append(got, k.ID)
			after = string(k.ID)
		}
	}
	if want := []patrol.KeyPlaceID{"k04", "k05", "k06", "k07"}; !slices.Equal(got, want) {
		t.Fatalf("key places in box: %v, want %v", got, want)
	}
}

func testTokens(e *env) {
	t := e.t
	created := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	tokens := []data.Token{
		{ID: "t1", Hash: "aa11", Role: data.RoleAdmin, Created: created},
		{ID: "t2", Hash: "bb22", Role: data.RoleWorker, Worker: "w1", Created: created},
		{ID: "t3", Hash: "cc33", Role: data.RoleLeader, Grid: "g7", Created: created},
	}
	for _, tok := range tokens {
		must(t, "put token "+tok.ID, e.s.PutToken(e.ctx, tok))
	}
	for _, want := range tokens {
		got, err := e.s.TokenByHash(e.ctx, want.Hash)
		must(t, "token by hash "+want.Hash, err)
		if got != want {
			t.Fatalf("token by hash %s: %+v, want %+v", want.Hash, got, want)
		}
	}
	// A token put again under its id is replaced, hash included.
	tokens[0].Role, tokens[0].Hash = data.RolePlanner, "aa12"
	must(t, "replace token t1", e.s.PutToken(e.ctx, tokens[0]))
	if got, err := e.s.TokenByHash(e.ctx, "aa12"); err != nil || got != tokens[0] {
		t.Fatalf("replaced token: %+v, %v; want %+v", got, err, tokens[0])
	}
	_, err := e.s.TokenByHash(e.ctx, "aa11")
	mustNotFound(t, "hash of a replaced token", err)
	_, err = e.s.TokenByHash(e.ctx, "ffff")
	mustNotFound(t, "unknown hash", err)
	all, err := e.s.Tokens(e.ctx)
	must(t, "list tokens", err)
	if !slices.Equal(all, tokens) {
		t.Fatalf("tokens listed: %+v, want %+v", all, tokens)
	}
	must(t, "delete t2", e.s.DeleteToken(e.ctx, "t2"))
	_, err = e.s.TokenByHash(e.ctx, "bb22")
	mustNotFound(t, "deleted token", err)
	mustNotFound(t, "delete deleted token", e.s.DeleteToken(e.ctx, "t2"))
	mustRejected(t, "token of unknown role", e.s.PutToken(e.ctx, data.Token{ID: "t4", Hash: "dd", Role: "root"}), 0)
	mustRejected(t, "token without hash", e.s.PutToken(e.ctx, data.Token{ID: "t4", Role: data.RoleViewer}), 0)
	if _, err := e.s.TokenByHash(e.ctx, "dd"); err == nil {
		t.Fatal("a refused token was stored")
	}
}

// testWorkerDevices checks that a device belongs to one worker: a batch
// giving a held device, or one device to two workers, is refused whole,
// while a batch may move devices between its own workers.
func testWorkerDevices(e *env) {
	t := e.t
	must(t, "put workers", e.s.PutWorkers(e.ctx, []patrol.Worker{
		{ID: "w1", Role: patrol.RoleFullTime, DeviceID: "imei-1"},
		{ID: "w2", Role: patrol.RoleFullTime, DeviceID: "imei-2"},
		{ID: "w3", Role: patrol.RoleVolunteer},
		{ID: "w4", Role: patrol.RoleVolunteer}, // many workers carry no device
	}))
	refused := []struct {
		name    string
		batch   []patrol.Worker
		index   int
		mention []string // what the message names
	}{
		{"a device another worker holds", []patrol.Worker{
			{ID: "w5", Role: patrol.RoleVolunteer},
			{ID: "w6", Role: patrol.RoleVolunteer, DeviceID: "imei-1"},
		}, 1, []string{`"imei-1"`, `"w1"`}},
		{"a stored worker taking a held device", []patrol.Worker{
			{ID: "w3", Role: patrol.RoleVolunteer, DeviceID: "imei-2"},
		}, 0, []string{`"imei-2"`, `"w2"`}},
		{"one new device to two workers", []patrol.Worker{
			{ID: "w5", Role: patrol.RoleVolunteer, DeviceID: "imei-7"},
			{ID: "w6", Role: patrol.RoleVolunteer, DeviceID: "imei-7"},
		}, 1, []string{`"imei-7"`, `"w5"`}},
	}
	for _, tc := range refused {
		err := e.s.PutWorkers(e.ctx, tc.batch)
		var ie *data.ItemError
		if !errors.As(err, &ie) || !errors.Is(err, data.ErrConflict) || ie.Index != tc.index {
			t.Fatalf("%s: error %v, want an *ItemError for worker %d wrapping data.ErrConflict", tc.name, err, tc.index)
		}
		for _, m := range tc.mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not name %s", tc.name, err, m)
			}
		}
	}
	for _, id := range []patrol.WorkerID{"w5", "w6"} {
		_, err := e.s.Worker(e.ctx, id)
		mustNotFound(t, "worker "+string(id)+" of a refused batch", err)
	}
	if w, err := e.s.Worker(e.ctx, "w3"); err != nil || w.DeviceID != "" {
		t.Fatalf("w3 after a refused batch: %+v, %v; want it without device", w, err)
	}

	// Devices move within a batch whatever the order: w1 and w2 swap,
	// then w2 hands its device to w5 and takes a new one.
	must(t, "swap devices", e.s.PutWorkers(e.ctx, []patrol.Worker{
		{ID: "w1", Role: patrol.RoleFullTime, DeviceID: "imei-2"},
		{ID: "w2", Role: patrol.RoleFullTime, DeviceID: "imei-1"},
	}))
	must(t, "hand a device on", e.s.PutWorkers(e.ctx, []patrol.Worker{
		{ID: "w5", Role: patrol.RoleVolunteer, DeviceID: "imei-1"},
		{ID: "w2", Role: patrol.RoleFullTime, DeviceID: "imei-3"},
	}))
	must(t, "put a worker with its own device again", e.s.PutWorkers(e.ctx, []patrol.Worker{
		{ID: "w1", Role: patrol.RoleLeader, DeviceID: "imei-2"},
	}))
	for dev, want := range map[string]patrol.WorkerID{"imei-1": "w5", "imei-2": "w1", "imei-3": "w2"} {
		w, err := e.s.WorkerByDevice(e.ctx, dev)
		must(t, "worker by device "+dev, err)
		if w.ID != want {
			t.Fatalf("device %s is carried by %s, want %s", dev, w.ID, want)
		}
	}
}
