package tiles

import (
	"errors"
	"strconv"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestParseTile(t *testing.T) {
	for _, tc := range []struct {
		z, x, y string
		want    maptile.Tile
		fail    bool
	}{
		{"0", "0", "0.mvt", maptile.New(0, 0, 0), false},
		{"14", "8529", "5975.mvt", maptile.New(8529, 5975, 14), false},
		{"22", "4194303", "4194303.mvt", maptile.New(4194303, 4194303, 22), false},
		{"23", "0", "0.mvt", maptile.Tile{}, true},
		{"1", "2", "0.mvt", maptile.Tile{}, true},
		{"1", "0", "2.mvt", maptile.Tile{}, true},
		{"1", "0", "0.png", maptile.Tile{}, true},
		{"-1", "0", "0.mvt", maptile.Tile{}, true},
		{"1", "-0", "0.mvt", maptile.Tile{}, true},
		{"1", "0", ".mvt", maptile.Tile{}, true},
	} {
		got, err := ParseTile(tc.z, tc.x, tc.y)
		var ce *CoordError
		if tc.fail != (err != nil) || tc.fail && !errors.As(err, &ce) || got != tc.want {
			t.Errorf("ParseTile(%s, %s, %s) = %v, %v", tc.z, tc.x, tc.y, got, err)
		}
	}
}

// FuzzParseTile: a tile read is on its zoom's grid and reads back the
// same from its canonical form.
func FuzzParseTile(f *testing.F) {
	for _, s := range [][3]string{{"0", "0", "0.mvt"}, {"14", "8529", "5975.mvt"}, {"22", "4194303", "4194303.mvt"}, {"23", "0", "0.mvt"}, {"1", "2", "0.mvt"}, {"01", "+1", "1.mvt"}, {"3", "7", "7.mvt.mvt"}, {"255", "0", "0.mvt"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, zs, xs, file string) {
		tile, err := ParseTile(zs, xs, file)
		if err != nil {
			var ce *CoordError
			if !errors.As(err, &ce) || ce.Reason == "" {
				t.Fatalf("%s/%s/%s: error %v is not a CoordError with a reason", zs, xs, file, err)
			}
			return
		}
		if tile.Z > MaxZoom || uint64(tile.X) >= 1<<tile.Z || uint64(tile.Y) >= 1<<tile.Z {
			t.Fatalf("%s/%s/%s gave %v", zs, xs, file, tile)
		}
		again, err := ParseTile(strconv.Itoa(int(tile.Z)), strconv.Itoa(int(tile.X)), strconv.Itoa(int(tile.Y))+".mvt")
		if err != nil || again != tile {
			t.Fatalf("%v read back as %v, %v", tile, again, err)
		}
	})
}
