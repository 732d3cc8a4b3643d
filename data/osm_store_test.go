package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"wangge/partition"
)

// failingBuildings is a real store whose PutBuildings fails, to test the
// undo of SaveOSM.
type failingBuildings struct{ Store }

var errInjected = errors.New("injected failure")

func (failingBuildings) PutBuildings(context.Context, []partition.Building) error { return errInjected }

func TestSaveOSM(t *testing.T) {
	res := importMonaco(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		wrap      func(Store) Store
		wantErr   error
		blocks    int // blocks in the store afterwards, besides the old one
		buildings int
	}{
		{"saved", func(s Store) Store { return s }, nil, len(res.Blocks), len(res.Buildings)},
		{"buildings fail: blocks undone", func(s Store) Store { return failingBuildings{s} }, errInjected, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := OpenGeoPackage(ctx, filepath.Join(t.TempDir(), "osm.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			// One block already there under an id the import reuses: it
			// must come back unchanged when the import is undone.
			old := res.Blocks[0]
			old.Kind, old.Name, old.Attrs = "old", "kept", nil
			if err := g.PutBlocks(ctx, []partition.Block{old}); err != nil {
				t.Fatal(err)
			}
			if err := SaveOSM(ctx, tt.wrap(g), res); !errors.Is(err, tt.wantErr) {
				t.Fatalf("SaveOSM: %v, want %v", err, tt.wantErr)
			}
			blocks, err := g.Blocks(ctx, BlockQuery{})
			if err != nil {
				t.Fatal(err)
			}
			buildings, err := g.Buildings(ctx, BBoxQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(blocks) != max(tt.blocks, 1) || len(buildings) != tt.buildings {
				t.Errorf("store holds %d blocks and %d buildings, want %d and %d", len(blocks), len(buildings), max(tt.blocks, 1), tt.buildings)
			}
			b, err := g.Block(ctx, old.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantKind := res.Blocks[0].Kind
			if tt.wantErr != nil {
				wantKind = "old"
			}
			if b.Kind != wantKind {
				t.Errorf("block %s has kind %q, want %q", old.ID, b.Kind, wantKind)
			}
		})
	}
}
