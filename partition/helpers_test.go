package partition_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"testing"

	"wangge/partition"
)

const providenceFile = "../../shared/data/blocks/providence_blocks.geojson"

var (
	provOnce   sync.Once
	provBlocks []partition.Block
	provErr    error
)

// providence returns the Providence census blocks, skipping the test when
// the shared data file is missing.
func providence(t testing.TB) []partition.Block {
	t.Helper()
	provOnce.Do(func() {
		f, err := os.Open(providenceFile)
		if err != nil {
			provErr = err
			return
		}
		defer f.Close()
		provBlocks, provErr = partition.ReadBlocks(f, providenceFile, "id")
	})
	if errors.Is(provErr, fs.ErrNotExist) {
		t.Skipf("data file %s is missing", providenceFile)
	}
	if provErr != nil {
		t.Fatal(provErr)
	}
	return provBlocks
}

var (
	planMu    sync.Mutex
	planCache = map[string]*partition.Result{}
)

// draw runs Draw once per distinct options (the Providence plans are used
// by several tests).
func draw(t testing.TB, blocks []partition.Block, opt partition.Options) *partition.Result {
	t.Helper()
	planMu.Lock()
	defer planMu.Unlock()
	key := optKey(opt, len(blocks))
	if r, ok := planCache[key]; ok {
		return r
	}
	r, err := partition.Draw(context.Background(), blocks, opt)
	if err != nil {
		t.Fatalf("Draw: %v", err)
	}
	planCache[key] = r
	return r
}

func optKey(opt partition.Options, n int) string {
	return string(must(jsonMarshal(struct {
		O partition.Options
		N int
	}{opt, n})))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var (
	countOpt  = partition.Options{Weight: "population", Count: 15, Tolerance: 0.02, Seed: 1}
	boundsOpt = partition.Options{Weight: "population", Min: 800, Max: 1300, Seed: 1}
)
