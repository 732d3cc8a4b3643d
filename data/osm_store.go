package data

import (
	"context"
	"errors"
	"fmt"

	"wangge/partition"
)

// SaveOSM writes an import's blocks and buildings to s as one batch. Both
// are checked before anything is written; when the buildings cannot be
// written after the blocks were, the blocks are put back as they were
// (new ones deleted, replaced ones restored), so a failed import leaves
// the store as it found it.
func SaveOSM(ctx context.Context, s Store, res *OSMResult) error {
	if err := checkBatch("block", res.Blocks, func(b partition.Block) string { return string(b.ID) }, checkBlock); err != nil {
		return err
	}
	if err := checkBatch("building", res.Buildings, func(b partition.Building) string { return string(b.ID) }, checkBuilding); err != nil {
		return err
	}
	existing, err := s.Blocks(ctx, BlockQuery{})
	if err != nil {
		return fmt.Errorf("data: read blocks before the import: %w", err)
	}
	byID := make(map[partition.BlockID]partition.Block, len(existing))
	for _, b := range existing {
		byID[b.ID] = b
	}
	if err := s.PutBlocks(ctx, res.Blocks); err != nil {
		return err
	}
	err = s.PutBuildings(ctx, res.Buildings)
	if err == nil {
		return nil
	}
	// Undo the blocks, even when ctx was cancelled.
	undo := context.WithoutCancel(ctx)
	var restore []partition.Block
	var errs []error
	for _, b := range res.Blocks {
		if old, ok := byID[b.ID]; ok {
			restore = append(restore, old)
		} else if derr := s.DeleteBlock(undo, b.ID); derr != nil {
			errs = append(errs, derr)
		}
	}
	if len(restore) > 0 {
		if rerr := s.PutBlocks(undo, restore); rerr != nil {
			errs = append(errs, rerr)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w (and undoing the blocks failed: %w)", err, errors.Join(errs...))
	}
	return err
}
