package server

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzDecodeEdit feeds the edit body decoder anything: it never panics,
// and a body it accepts carries no field its op does not take.
func FuzzDecodeEdit(f *testing.F) {
	for _, seed := range []string{
		`{"op":"move","block":"b1","to":"G002","version":3}`,
		`{"op":"lock","grids":["G001","G002"]}`,
		`{"op":"merge","grid":"G003","into":"G002"}`,
		`{"op":"split","grid":"G002","k":2}`,
		`{"op":"redraw","grids":[]}`,
		`{"op":"fix"}`,
		`{"op":"move","k":2}`,
		`{"op":"fix","version":-1}`,
		`{"op":"move","block":1}`,
		`{"op":"x","extra":true}`,
		`{"op":"fix"} {}`,
	} {
		f.Add(seed)
	}
	takes := map[string][]string{"move": {"block", "to"}, "lock": {"grids"}, "unlock": {"grids"}, "redraw": {"grids"},
		"merge": {"grid", "into"}, "split": {"grid", "k"}, "fix": nil}
	f.Fuzz(func(t *testing.T, body string) {
		e, v, err := decodeEdit(strings.NewReader(body))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: error %v is not a 400", body, err)
			}
			return
		}
		if v < 0 {
			t.Fatalf("%q: version %d accepted", body, v)
		}
		fields, known := takes[e.Op]
		given := map[string]bool{"block": e.Block != "", "to": e.To != "", "into": e.Into != "", "grid": e.Grid != "", "grids": e.Grids != nil, "k": e.K != 0}
		for f, ok := range given {
			if ok && known && !slices.Contains(fields, f) {
				t.Fatalf("%q: op %s accepted with %s", body, e.Op, f)
			}
		}
	})
}
