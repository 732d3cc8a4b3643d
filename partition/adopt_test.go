package partition_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
	"wangge/geo"
	"wangge/partition"
)

// wardOpt is the ward plan's rule: 15 grids within ±5% of the mean
// population (the wards deviate 4.91% at most).
var wardOpt = partition.Options{Weight: "population", Count: 15, Tolerance: 0.05}

// wardBoundaries dissolves the Providence blocks by their ward field and
// reads the result back as hand-drawn boundaries, through grids.geojson
// (coordinates rounded to 7 decimals, as any file has them).
func wardBoundaries(t *testing.T, blocks []partition.Block) []partition.Boundary {
	t.Helper()
	wards := must(partition.PlanFromField(blocks, "ward", "population"))
	var buf bytes.Buffer
	if err := partition.WriteGrids(&buf, wards); err != nil {
		t.Fatal(err)
	}
	return must(partition.ReadBoundaries(&buf, "wards.geojson", "id"))
}

// shiftShared moves the vertices that boundaries a and b share, and no
// other boundary has, by (dx, dy) metres: one stretch of ward boundary
// shifted, the two wards still tiling. It returns the shifted stretch.
func shiftShared(t *testing.T, bs []partition.Boundary, a, b int, dx, dy float64) orb.MultiPoint {
	t.Helper()
	count := map[orb.Point]map[int]bool{}
	for i, bd := range bs {
		for _, p := range bd.Geometry {
			for _, r := range p {
				for _, pt := range r {
					if count[pt] == nil {
						count[pt] = map[int]bool{}
					}
					count[pt][i] = true
				}
			}
		}
	}
	proj := geo.NewProjection(bs[a].Geometry.Bound().Center())
	moved := map[orb.Point]orb.Point{}
	for pt, in := range count {
		if len(in) == 2 && in[a] && in[b] {
			q := proj.Forward(pt)
			moved[pt] = proj.Inverse(orb.Point{q[0] + dx, q[1] + dy})
		}
	}
	if len(moved) < 10 {
		t.Fatalf("wards %s and %s share %d vertices", bs[a].ID, bs[b].ID, len(moved))
	}
	var line orb.MultiPoint
	for _, i := range []int{a, b} {
		for _, p := range bs[i].Geometry {
			for _, r := range p {
				for k, pt := range r {
					if m, ok := moved[pt]; ok {
						r[k] = m
						if i == a {
							line = append(line, m)
						}
					}
				}
			}
		}
	}
	return line
}

// TestAdoptWards imports the Providence ward plan as hand-drawn grids:
// it cuts no block and puts every block in its ward. With the stretch of
// boundary between two wards moved 50 m, the report lists the blocks the
// move cuts, and Fix then changes only blocks within 100 m of the moved
// stretch (PostGIS measures the distances), leaving a plan without
// errors.
func TestAdoptWards(t *testing.T) {
	blocks := providence(t)
	start := time.Now()
	bs := wardBoundaries(t, blocks)
	ad := must(partition.Adopt(blocks, bs, wardOpt))
	if len(ad.Cut) != 0 || len(ad.Unassigned) != 0 || len(ad.Grids) != 15 {
		t.Fatalf("ward plan: %d cut blocks %v, %d unassigned, %d grids; want 0, 0, 15", len(ad.Cut), ad.Cut[:min(3, len(ad.Cut))], len(ad.Unassigned), len(ad.Grids))
	}
	ward := map[partition.BlockID]partition.GridID{}
	for _, b := range blocks {
		ward[b.ID] = partition.GridID(b.Attrs["ward"])
	}
	for _, g := range ad.Grids {
		for _, b := range g.Blocks {
			if ward[b] != g.ID {
				t.Fatalf("block %s of ward %s went to %s", b, ward[b], g.ID)
			}
		}
	}
	ed := must(partition.NewEditor(blocks, ad.Grids, wardOpt))
	if n := partition.Errors(ed.Validate()); n != 0 {
		t.Errorf("the ward plan has %d errors: %v", n, ed.Validate())
	}

	a := slices.IndexFunc(bs, func(b partition.Boundary) bool { return b.ID == "1" })
	b := slices.IndexFunc(bs, func(b partition.Boundary) bool { return b.ID == "2" })
	line := shiftShared(t, bs, a, b, 35, 35)
	shifted := must(partition.Adopt(blocks, bs, wardOpt))
	if len(shifted.Cut) == 0 {
		t.Fatal("moving a ward boundary 50 m cuts no block")
	}
	for _, c := range shifted.Cut {
		if len(c.Shares) < 2 || c.Shares[1].Share < partition.CutShare {
			t.Errorf("cut block %s: shares %v", c.Block, c.Shares)
		}
	}
	ed = must(partition.NewEditor(blocks, shifted.Grids, wardOpt))
	moved := ed.Fix()
	if n := partition.Errors(ed.Validate()); n != 0 {
		t.Errorf("after Fix the plan has %d errors: %v", n, ed.Validate())
	}
	changed := map[partition.BlockID]bool{}
	for _, m := range moved {
		changed[m.Block] = true
	}
	for _, g := range ed.Grids() {
		for _, x := range g.Blocks {
			if ward[x] != g.ID {
				changed[x] = true
			}
		}
	}
	t.Logf("shifted 50 m: %d cut blocks, Fix moved %d, %d blocks off their ward in all (%.1f s)",
		len(shifted.Cut), len(moved), len(changed), time.Since(start).Seconds())
	if len(changed) == 0 {
		t.Fatal("no block changed ward")
	}
	var ids, geoms []string
	byID := map[partition.BlockID]partition.Block{}
	for _, x := range blocks {
		byID[x.ID] = x
	}
	for x := range changed {
		ids, geoms = append(ids, string(x)), append(geoms, wkt.MarshalString(byID[x].Geometry))
	}
	conn := pgtest.Conn(t)
	rows, err := conn.Query(context.Background(), `SELECT id, ST_Distance(ST_GeomFromText(g, 4326)::geography, ST_GeomFromText($3, 4326)::geography)
		FROM unnest($1::text[], $2::text[]) AS t(id, g)`, ids, geoms, wkt.MarshalString(line))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var d float64
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		n++
		if d > 100 {
			t.Errorf("block %s changed grid %.0f m from the moved boundary", id, d)
		}
	}
	if err := rows.Err(); err != nil || n != len(changed) {
		t.Fatalf("PostGIS measured %d of %d blocks: %v", n, len(changed), err)
	}
}
