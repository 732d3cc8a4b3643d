package osm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// RoadLayer is the roads as the store keeps them: one partition.Road per
// highway way, with its highway class and name, its id "w" and the way's
// id (as a building's). A way whose nodes the extract misses in places
// is a road of several parts, its runs of present nodes.
func (res *Result) RoadLayer() []partition.Road {
	var roads []partition.Road
	at := make(map[osm.WayID]int)
	for _, rd := range res.Roads {
		if i, ok := at[rd.ID]; ok {
			roads[i].Geometry = append(roads[i].Geometry, rd.Line)
			continue
		}
		at[rd.ID] = len(roads)
		roads = append(roads, partition.Road{
			ID: partition.RoadID(fmt.Sprintf("w%d", rd.ID)), Class: rd.Highway, Name: rd.Name,
			Geometry: orb.MultiLineString{rd.Line},
		})
	}
	return roads
}

// Change is what saving an import changed in the blocks: ids added,
// removed (stored blocks of the import's area that it no longer has) and
// changed (same id, another geometry or other figures).
type Change struct {
	Added, Removed, Changed []partition.BlockID
}

// SaveOptions tune Save.
type SaveOptions struct {
	// Force removes blocks of the area that the published plan uses;
	// without it Save refuses, naming them.
	Force bool
}

// Save writes an import's blocks, buildings and roads (RoadLayer) to s
// (SaveTerritory).
func Save(ctx context.Context, s data.Store, res *Result, o SaveOptions) (Change, error) {
	return SaveTerritory(ctx, s, res.Blocks, res.Buildings, res.RoadLayer(), o)
}

// SaveTerritory writes blocks, buildings and roads from any source (an
// OpenStreetMap extract, GIS layers) to s. The import replaces the blocks
// of its area: every stored block sharing
// area with one of its blocks (partition.Overlaps) and not among them is
// removed, with its buildings, in the same transaction as the blocks are
// written (data.TerritoryStore.ReplaceBlocks); blocks elsewhere stay. It
// refuses (an error wrapping data.ErrConflict) to remove blocks that the
// published plan uses, unless o.Force. All layers are checked before
// anything is written; when a layer cannot be written after others were,
// those are put back as they were, so a failed import leaves the store
// as it found it.
func SaveTerritory(ctx context.Context, s data.Store, blocks []partition.Block, buildings []partition.Building, roads []partition.Road, o SaveOptions) (Change, error) {
	var ch Change
	buildingID := func(b partition.Building) partition.BuildingID { return b.ID }
	roadID := func(r partition.Road) partition.RoadID { return r.ID }
	if err := codec.CheckBatch("block", blocks, func(b partition.Block) string { return string(b.ID) }, codec.CheckBlock); err != nil {
		return ch, err
	}
	if err := codec.CheckBatch("building", buildings, func(b partition.Building) string { return string(b.ID) }, codec.CheckBuilding); err != nil {
		return ch, err
	}
	if err := codec.CheckBatch("road", roads, func(r partition.Road) string { return string(r.ID) }, codec.CheckRoad); err != nil {
		return ch, err
	}
	stored, err := s.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return ch, fmt.Errorf("data: read blocks before the import: %w", err)
	}
	ch, err = blockChange(ctx, s, stored, blocks, o.Force)
	if err != nil {
		return ch, err
	}
	layers := []func() (undo func(context.Context) error, err error){
		func() (func(context.Context) error, error) {
			if err := s.ReplaceBlocks(ctx, ch.Removed, blocks); err != nil {
				return nil, err
			}
			return func(ctx context.Context) error {
				restore := slices.DeleteFunc(slices.Clone(stored), func(b partition.Block) bool {
					return !slices.Contains(ch.Removed, b.ID) && !slices.Contains(ch.Changed, b.ID)
				})
				// Block by block, so that buildings put back stay.
				var errs []error
				for _, id := range ch.Added {
					errs = append(errs, s.DeleteBlock(ctx, id))
				}
				if err := errors.Join(append(errs, s.PutBlocks(ctx, restore))...); err != nil {
					return fmt.Errorf("data: put back blocks: %w", err)
				}
				return nil
			}, nil
		},
		func() (func(context.Context) error, error) {
			list := func(ctx context.Context) ([]partition.Building, error) { return s.Buildings(ctx, data.BBoxQuery{}) }
			return saveLayer(ctx, "buildings", buildings, buildingID, list, s.PutBuildings, s.DeleteBuilding)
		},
		func() (func(context.Context) error, error) {
			list := func(ctx context.Context) ([]partition.Road, error) { return s.Roads(ctx, data.BBoxQuery{}) }
			return saveLayer(ctx, "roads", roads, roadID, list, s.PutRoads, s.DeleteRoad)
		},
	}
	var undos []func(context.Context) error
	for _, save := range layers {
		undo, err := save()
		if err == nil {
			undos = append(undos, undo)
			continue
		}
		// Undo the layers written, last first, even when ctx was cancelled.
		uctx := context.WithoutCancel(ctx)
		var errs []error
		for i := len(undos) - 1; i >= 0; i-- {
			if uerr := undos[i](uctx); uerr != nil {
				errs = append(errs, uerr)
			}
		}
		if len(errs) > 0 {
			return ch, fmt.Errorf("%w (and undoing the import failed: %w)", err, errors.Join(errs...))
		}
		return ch, err
	}
	return ch, nil
}

// blockChange works out what an import of blocks changes in the stored
// ones, refusing to remove blocks of the published plan unless force.
func blockChange(ctx context.Context, s data.Store, stored, blocks []partition.Block, force bool) (Change, error) {
	ch := Change{Added: []partition.BlockID{}, Removed: []partition.BlockID{}, Changed: []partition.BlockID{}}
	old := make(map[partition.BlockID]partition.Block, len(stored))
	for _, b := range stored {
		old[b.ID] = b
	}
	fresh := make(map[partition.BlockID]bool, len(blocks))
	for _, b := range blocks {
		fresh[b.ID] = true
		o, ok := old[b.ID]
		switch {
		case !ok:
			ch.Added = append(ch.Added, b.ID)
		case !orb.Equal(o.Geometry, b.Geometry) || o.Households != b.Households || o.Population != b.Population || o.Kind != b.Kind:
			ch.Changed = append(ch.Changed, b.ID)
		}
	}
	gone := map[partition.BlockID]bool{}
	for _, ov := range partition.Overlaps(slices.Concat(blocks, stored)) {
		for _, pair := range [][2]partition.BlockID{{ov.A, ov.B}, {ov.B, ov.A}} {
			if _, isOld := old[pair[0]]; isOld && !fresh[pair[0]] && fresh[pair[1]] {
				gone[pair[0]] = true
			}
		}
	}
	for id := range gone {
		ch.Removed = append(ch.Removed, id)
	}
	slices.Sort(ch.Removed)
	if len(ch.Removed) == 0 || force {
		return ch, nil
	}
	plan, err := data.PublishedPlan(ctx, s)
	if errors.Is(err, data.ErrNotFound) {
		return ch, nil
	}
	if err != nil {
		return ch, err
	}
	var used []string
	for _, g := range plan.Grids {
		for _, b := range g.Blocks {
			if gone[b] {
				used = append(used, string(b)+" (grid "+string(g.ID)+")")
			}
		}
	}
	if len(used) > 0 {
		return ch, data.Refuse(data.ErrConflict, "the import would remove %d blocks that the published plan %s uses, %s: publish a plan over the new blocks first, or import with --force",
			len(used), plan.ID, strings.Join(used[:min(5, len(used))], ", "))
	}
	return ch, nil
}

// saveLayer reads what the store holds of one layer, then puts items,
// and returns how to put the layer back: delete the items that were new,
// restore those that replaced others.
func saveLayer[T any, ID ~string](ctx context.Context, what string, items []T, id func(T) ID,
	list func(context.Context) ([]T, error), put func(context.Context, []T) error,
	del func(context.Context, ID) error) (func(context.Context) error, error) {
	existing, err := list(ctx)
	if err != nil {
		return nil, fmt.Errorf("data: read %s before the import: %w", what, err)
	}
	old := make(map[ID]T, len(existing))
	for _, it := range existing {
		old[id(it)] = it
	}
	if err := put(ctx, items); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		var restore []T
		var errs []error
		for _, it := range items {
			if o, ok := old[id(it)]; ok {
				restore = append(restore, o)
			} else if err := del(ctx, id(it)); err != nil {
				errs = append(errs, err)
			}
		}
		if len(restore) > 0 {
			errs = append(errs, put(ctx, restore))
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("data: put back %s: %w", what, err)
		}
		return nil
	}, nil
}
