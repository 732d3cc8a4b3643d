package codec

import (
	"database/sql"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/data"
	"wangge/partition"
)

func TestEncodeTime(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	cases := []struct {
		name string
		in   time.Time
		want sql.NullString
	}{
		{"zero is NULL", time.Time{}, sql.NullString{}},
		// 08:00 in UTC+8 is midnight UTC; nanoseconds beyond the µs are cut.
		{"zone and nanoseconds", time.Date(2026, 3, 1, 8, 0, 0, 123456789, cst), sql.NullString{String: "2026-03-01T00:00:00.123456Z", Valid: true}},
		{"whole second", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), sql.NullString{String: "2026-12-31T23:59:59.000000Z", Valid: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := EncodeTime(tc.in)
			if got != tc.want {
				t.Fatalf("EncodeTime = %+v, want %+v", got, tc.want)
			}
			back, err := DecodeTime(got)
			if err != nil || !back.Equal(tc.in.Truncate(time.Microsecond)) {
				t.Fatalf("DecodeTime = %v, %v; want %v", back, err, tc.in.Truncate(time.Microsecond))
			}
		})
	}
	if _, err := DecodeTime(sql.NullString{String: "yesterday", Valid: true}); err == nil {
		t.Fatal("DecodeTime accepted \"yesterday\"")
	}
}

func TestEncodeJSON(t *testing.T) {
	if got := EncodeMap(nil); got != "{}" {
		t.Fatalf("EncodeMap(nil) = %s", got)
	}
	if got := EncodeMap(map[string]string{"ward": "10", "名": "\"x\""}); got != `{"ward":"10","名":"\"x\""}` {
		t.Fatalf("EncodeMap = %s", got)
	}
	if got := EncodeList([]partition.BlockID{"a", "b"}); got != `["a","b"]` {
		t.Fatalf("EncodeList = %s", got)
	}
	for _, text := range []string{"", "{}", "null"} {
		if m, err := DecodeMap(text); m != nil || err != nil {
			t.Fatalf("DecodeMap(%q) = %v, %v; want nil, nil", text, m, err)
		}
	}
	if _, err := DecodeList[string](`{"a":1}`); err == nil {
		t.Fatal("DecodeList accepted an object")
	}
}

func TestChecks(t *testing.T) {
	sq := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}
	cases := []struct {
		name string
		err  error
	}{
		{"block without id", CheckBlock(partition.Block{Geometry: sq})},
		{"block without geometry", CheckBlock(partition.Block{ID: "b"})},
		{"ring of 3 points", CheckBlock(partition.Block{ID: "b", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 0}}}}})},
		{"latitude 91", CheckBlock(partition.Block{ID: "b", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 91}, {1, 1}, {0, 0}}}}})},
		{"grid of unknown kind", CheckPlan(partition.Plan{ID: "p", Status: partition.PlanDraft,
			Grids: []partition.Grid{{ID: "g", Kind: "odd", Geometry: sq}}})},
		{"grid id twice", CheckPlan(partition.Plan{ID: "p", Status: partition.PlanDraft,
			Grids: []partition.Grid{{ID: "g", Kind: partition.Basic, Geometry: sq}, {ID: "g", Kind: partition.Basic, Geometry: sq}}})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, data.ErrInvalid) {
				t.Fatalf("error %v, want one wrapping ErrInvalid", tc.err)
			}
		})
	}
	if err := CheckBlock(partition.Block{ID: "b", Geometry: sq}); err != nil {
		t.Fatalf("a good block was refused: %v", err)
	}
}

func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"", "{}", "[]", "null", `{"ward":"10"}`, `["a","b"]`, "2026-03-01T00:00:00.123456Z", "{", `{"a":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if m, err := DecodeMap(text); err == nil {
			if back, err := DecodeMap(EncodeMap(m)); err != nil || !maps.Equal(back, m) {
				t.Fatalf("map %v came back as %v, %v", m, back, err)
			}
		}
		if xs, err := DecodeList[string](text); err == nil {
			if back, err := DecodeList[string](EncodeList(xs)); err != nil || !slices.Equal(back, xs) {
				t.Fatalf("list %q came back as %q, %v", xs, back, err)
			}
		}
		if tm, err := DecodeTime(sql.NullString{String: text, Valid: true}); err == nil && tm.Year() >= 1 && tm.Year() <= 9999 {
			back, err := DecodeTime(EncodeTime(tm))
			if err != nil || !back.Equal(tm.Truncate(time.Microsecond)) {
				t.Fatalf("time %v came back as %v, %v", tm, back, err)
			}
		}
	})
}
