package osm

import (
	"context"
	"errors"
	"fmt"

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

// Save writes an import's blocks, buildings and roads (RoadLayer) to s
// as one batch. All three are checked before anything is written; when a
// layer cannot be written after others were, those are put back as they
// were (new items deleted, replaced ones restored), so a failed import
// leaves the store as it found it.
func Save(ctx context.Context, s data.Store, res *Result) error {
	return SaveTerritory(ctx, s, res.Blocks, res.Buildings, res.RoadLayer())
}

// SaveTerritory is Save for blocks, buildings and roads from any source
// (GIS layers too): one batch, put back as it was when a layer fails.
func SaveTerritory(ctx context.Context, s data.Store, blocks []partition.Block, buildings []partition.Building, roads []partition.Road) error {
	blockID := func(b partition.Block) partition.BlockID { return b.ID }
	buildingID := func(b partition.Building) partition.BuildingID { return b.ID }
	roadID := func(r partition.Road) partition.RoadID { return r.ID }
	if err := codec.CheckBatch("block", blocks, func(b partition.Block) string { return string(b.ID) }, codec.CheckBlock); err != nil {
		return err
	}
	if err := codec.CheckBatch("building", buildings, func(b partition.Building) string { return string(b.ID) }, codec.CheckBuilding); err != nil {
		return err
	}
	if err := codec.CheckBatch("road", roads, func(r partition.Road) string { return string(r.ID) }, codec.CheckRoad); err != nil {
		return err
	}
	layers := []func() (undo func(context.Context) error, err error){
		func() (func(context.Context) error, error) {
			list := func(ctx context.Context) ([]partition.Block, error) { return s.Blocks(ctx, data.BlockQuery{}) }
			return saveLayer(ctx, "blocks", blocks, blockID, list, s.PutBlocks, s.DeleteBlock)
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
			return fmt.Errorf("%w (and undoing the import failed: %w)", err, errors.Join(errs...))
		}
		return err
	}
	return nil
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
