package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/importer"
	"wangge/internal/app"
	"wangge/internal/cputime"
	"wangge/internal/demo"
	"wangge/partition"
	"wangge/server"
)

// ProvidenceBlocks is the real block file of the Providence rows,
// relative to the folder that holds the repository.
const ProvidenceBlocks = "shared/data/blocks/providence_blocks.geojson"

// Zooms of the tile rows.
const tileMinZoom, tileMaxZoom = 12, 16

// tileCases render every tile over the data of each tileset at z12–16:
// the Monaco demo's blocks, buildings, roads and grids, and the Providence
// census blocks with 15 grids drawn by population.
func tileCases() []benchCase {
	return []benchCase{
		{name: "tiles/monaco", unit: "tiles", oneThread: true, prepare: func(ctx context.Context, _ benchEnv) (benchRun, error) {
			w, err := monacoWorkspace(ctx)
			if err != nil {
				return benchRun{}, err
			}
			return tileRun(ctx, w, []string{"blocks", "buildings", "roads", "grids"})
		}},
		{name: "tiles/providence", unit: "tiles", oneThread: true, prepare: func(ctx context.Context, _ benchEnv) (benchRun, error) {
			w, err := providenceWorkspace(ctx)
			if err != nil {
				return benchRun{}, err
			}
			return tileRun(ctx, w, []string{"blocks", "grids"})
		}},
	}
}

// featureCases read every road of the Monaco demo ten times over, 1,000 a
// page, through OGC API – Features and through /api/v1: the same data by
// both routes.
func featureCases() []benchCase {
	const rounds = 10
	var cases []benchCase
	for _, route := range []struct{ name, first string }{
		{"features/ogc-roads", "/ogc/collections/roads/items?limit=1000"},
		{"features/api-roads", "/api/v1/roads?limit=1000"},
	} {
		cases = append(cases, benchCase{name: route.name, unit: "features", prepare: func(ctx context.Context, _ benchEnv) (benchRun, error) {
			w, err := monacoWorkspace(ctx)
			if err != nil {
				return benchRun{}, err
			}
			n, err := walkPages(w, route.first)
			if err != nil {
				w.close()
				return benchRun{}, err
			}
			return benchRun{items: rounds * n, close: w.close, run: func(context.Context) error {
				for range rounds {
					if _, err := walkPages(w, route.first); err != nil {
						return err
					}
				}
				return nil
			}}, nil
		}})
	}
	return cases
}

// workspace is a store behind a server, in a temporary folder.
type workspace struct {
	srv    *server.Server
	bound  orb.Bound // of the blocks
	token  string    // a viewer's
	close  func() error
	status map[int]int // tiles answered by status
}

// get answers target as the server does, with the viewer's token.
func (w *workspace) get(target string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec
}

// openWorkspace opens a GeoPackage in a temporary folder, lets fill store
// its data, and serves it.
func openWorkspace(ctx context.Context, fill func(data.Store) error) (*workspace, error) {
	dir, err := os.MkdirTemp("", "wangge-bench-tiles-")
	if err != nil {
		return nil, err
	}
	st, err := gpkg.Open(ctx, filepath.Join(dir, "bench.gpkg"))
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	w := &workspace{close: func() error { return errors.Join(st.Close(), os.RemoveAll(dir)) }}
	fail := func(err error) (*workspace, error) { return nil, errors.Join(err, w.close()) }
	if err := fill(st); err != nil {
		return fail(err)
	}
	blocks, err := st.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return fail(err)
	}
	for i, b := range blocks {
		if i == 0 {
			w.bound = b.Geometry.Bound()
		}
		w.bound = w.bound.Union(b.Geometry.Bound())
	}
	if w.token, _, err = app.CreateToken(ctx, st, data.RoleViewer, "", ""); err != nil {
		return fail(err)
	}
	if w.srv, err = server.New(server.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		return fail(err)
	}
	return w, nil
}

// monacoWorkspace is the demo workspace (internal/demo).
func monacoWorkspace(ctx context.Context) (*workspace, error) {
	return openWorkspace(ctx, func(st data.Store) error {
		_, err := demo.Build(ctx, st, demo.Options{Min: 150, Max: 500, Day: demo.Day(time.Now())}, nil)
		return err
	})
}

// providenceWorkspace holds the Providence census blocks and, in force, 15
// grids by population within ±2% (as the README's Providence figures).
func providenceWorkspace(ctx context.Context) (*workspace, error) {
	path, err := sharedFile(ProvidenceBlocks)
	if err != nil {
		return nil, err
	}
	return openWorkspace(ctx, func(st data.Store) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		blocks, err := importer.DecodeBlocks(f, path, importer.BlockOptions{WeightField: "population"})
		if err != nil {
			return err
		}
		if err := st.PutBlocks(ctx, blocks); err != nil {
			return err
		}
		opt := partition.Options{Weight: "population", Count: 15, Tolerance: 0.02, Seed: partition.DefaultSeed}
		res, err := partition.Draw(ctx, blocks, opt)
		if err != nil {
			return err
		}
		created := time.Now().UTC().Truncate(time.Second)
		plan := res.Plan("providence-bench", "Providence, 15 grids by population", opt, created)
		if err := st.PutPlan(ctx, plan); err != nil {
			return err
		}
		_, err = st.PublishPlan(ctx, plan.ID, created)
		return err
	})
}

// sharedFile finds name in the folder holding the repository: the parent
// of the first folder with a go.mod above the working directory.
func sharedFile(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			path := filepath.Join(filepath.Dir(dir), name)
			_, err := os.Stat(path)
			return path, err
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("bench: no go.mod above the working directory to find %s beside", name)
		}
		dir = filepath.Dir(dir)
	}
}

// tileRun renders every tile of the tilesets over the workspace's blocks
// at each zoom, timing each on the wall clock and on the CPU time of its
// thread (the case runs on one locked thread, and the server answers on
// it: no HTTP between).
func tileRun(_ context.Context, w *workspace, tilesets []string) (benchRun, error) {
	var targets []string
	for z := maptile.Zoom(tileMinZoom); z <= tileMaxZoom; z++ {
		set := tilecover.Bound(w.bound, z)
		for _, name := range tilesets {
			for t := range set {
				targets = append(targets, fmt.Sprintf("%s/%s/%d/%d/%d.mvt", server.TilesPrefix, name, t.Z, t.X, t.Y))
			}
		}
	}
	slices.Sort(targets)
	took := make([]time.Duration, 0, len(targets))
	cpu := make([]time.Duration, 0, len(targets))
	w.status = map[int]int{}
	return benchRun{items: len(targets), close: w.close,
		run: func(context.Context) error {
			for _, target := range targets {
				start, cpu0 := time.Now(), cputime.Thread()
				rec := w.get(target)
				took = append(took, time.Since(start))
				cpu = append(cpu, cputime.Thread()-cpu0)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
					return fmt.Errorf("%s: %d %s", target, rec.Code, rec.Body)
				}
				w.status[rec.Code]++
			}
			return nil
		},
		latency: func() (wall, thread []time.Duration) { return took, cpu },
		note: func() string {
			return fmt.Sprintf("z%d–%d, %v: %d tiles with features, %d empty", tileMinZoom, tileMaxZoom, tilesets,
				w.status[http.StatusOK], w.status[http.StatusNoContent])
		}}, nil
}

// walkPages follows the next links from first and counts the features.
func walkPages(w *workspace, first string) (int, error) {
	n := 0
	for next := first; next != ""; {
		rec := w.get(next)
		if rec.Code != http.StatusOK {
			return n, fmt.Errorf("%s: %d %s", next, rec.Code, rec.Body)
		}
		var page struct {
			Features []json.RawMessage `json:"features"`
			Links    []struct{ Rel, Href string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			return n, fmt.Errorf("%s: %w", next, err)
		}
		n += len(page.Features)
		next = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				u, err := url.Parse(l.Href)
				if err != nil {
					return n, err
				}
				next = u.RequestURI()
			}
		}
	}
	return n, nil
}
