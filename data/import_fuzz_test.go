package data

import (
	"errors"
	"strings"
	"testing"

	"wangge/geo"
	"wangge/partition"
)

// FuzzDecodeBlocks feeds arbitrary bytes to the decoder: it must never
// panic, must reject with one line naming the file, and whatever it
// accepts must be valid blocks with unique ids.
func FuzzDecodeBlocks(f *testing.F) {
	for _, tt := range badInputs() {
		f.Add(tt.input)
	}
	f.Add(collection(good("a"), good("b")))
	f.Add(collection(feature(`"id":7,"households":1e2,"population":3,"kind":"school","x":[1,{"y":null}]`, square(1, 1)+`,[[1.2,1.2],[1.4,1.2],[1.4,1.4],[1.2,1.2]]`)))
	f.Fuzz(func(t *testing.T, input string) {
		blocks, err := DecodeBlocks(strings.NewReader(input), "fuzz.geojson", BlockOptions{})
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %q is a %T, want *ImportError", err, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.geojson") || strings.Contains(msg, "\n") {
				t.Fatalf("message %q is not one line starting with the file", msg)
			}
			return
		}
		seen := make(map[partition.BlockID]bool)
		for _, b := range blocks {
			if b.ID == "" || seen[b.ID] {
				t.Fatalf("accepted an empty or repeated id %q", b.ID)
			}
			seen[b.ID] = true
			if b.Households < 0 || b.Population < 0 {
				t.Fatalf("accepted a negative count in %+v", b)
			}
			if err := geo.Validate(b.Geometry); err != nil {
				t.Fatalf("accepted invalid geometry of %s: %v", b.ID, err)
			}
		}
	})
}
