// Package golden compares test output with golden files under testdata/
// and rewrites them on request (STYLE.md item 12). A package's tests
// define the flag once,
//
//	var update = flag.Bool("update", false, "rewrite the golden files under testdata")
//
// and call Check with it; `go test ./pkg -run Golden -update` then
// regenerates the goldens from the code, never by hand.
package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Check compares got with the golden file at path byte for byte. With
// update it writes got there instead. A missing golden or a difference
// fails the test with a short summary of the difference (see Diff).
func Check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("golden: wrote %s (%d bytes)", path, len(got))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v; run `%s` to write it", err, updateCommand(t))
		return
	}
	if bytes.Equal(want, got) {
		return
	}
	t.Errorf("golden: output differs from %s (%d bytes, golden %d bytes):\n%s\nIf the change is intended, run `%s` and review the diff of %s.",
		path, len(got), len(want), Diff(want, got), updateCommand(t), path)
}

// updateCommand is the go test command line that rewrites the goldens of
// the running test, from the root of the module.
func updateCommand(t testing.TB) string {
	return fmt.Sprintf("go test %s -run '^%s$' -update", packageDir(), strings.ReplaceAll(t.Name(), "/", "$/^"))
}

// packageDir is the directory of the package under test (where go test
// runs it) relative to the module root, as ./dir; "." when not found.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}

// maxLines is how many differences Diff lists before counting the rest.
const maxLines = 8

// Diff summarises how got differs from want in a few lines. When both
// are JSON it names the paths whose values differ (e.g.
// features[3].properties.weight: golden 812, got 815), or says that only
// the formatting or key order differ; otherwise it lists the lines that
// differ, by number. It returns "" when want and got are equal.
func Diff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	w, werr := decodeJSON(want)
	g, gerr := decodeJSON(got)
	if werr == nil && gerr == nil {
		var diffs []string
		jsonDiff("", w, g, &diffs)
		if len(diffs) == 0 {
			line, col := position(got, firstDiff(want, got))
			return fmt.Sprintf("  same JSON values, different bytes (formatting or key order) from line %d, column %d", line, col)
		}
		return list(diffs)
	}
	return list(lineDiff(want, got))
}

func list(diffs []string) string {
	n := len(diffs)
	if n > maxLines {
		diffs = append(diffs[:maxLines], fmt.Sprintf("… and %d more", n-maxLines))
	}
	return "  " + strings.Join(diffs, "\n  ")
}

// decodeJSON decodes one JSON document, numbers kept as written.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("golden: more than one JSON document")
	}
	return v, nil
}

// jsonDiff appends a line per path where want and got differ: a value,
// a type, a missing key or an array length.
func jsonDiff(path string, want, got any, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, dup := w[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok:
				*out = append(*out, fmt.Sprintf("%s: golden %s, got no such key", p, short(wv)))
			case !wok:
				*out = append(*out, fmt.Sprintf("%s: golden has no such key, got %s", p, short(gv)))
			case k == "coordinates":
				// A GeoJSON geometry: one line, not one per number.
				var d []string
				if jsonDiff(p, wv, gv, &d); len(d) > 0 {
					*out = append(*out, fmt.Sprintf("%s: differ (golden %d positions, got %d)",
						p, positions(wv), positions(gv)))
				}
			default:
				jsonDiff(p, wv, gv, out)
			}
		}
		return
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		if len(w) != len(g) {
			*out = append(*out, fmt.Sprintf("%s: golden has %d elements, got %d", orRoot(path), len(w), len(g)))
		}
		for i := range min(len(w), len(g)) {
			jsonDiff(path+"["+strconv.Itoa(i)+"]", w[i], g[i], out)
		}
		return
	}
	if !sameScalar(want, got) {
		*out = append(*out, fmt.Sprintf("%s: golden %s, got %s", orRoot(path), short(want), short(got)))
	}
}

// positions counts the innermost arrays (the positions) of GeoJSON
// coordinates.
func positions(v any) int {
	a, ok := v.([]any)
	if !ok {
		return 0
	}
	if len(a) > 0 {
		if _, nested := a[0].([]any); !nested {
			return 1
		}
	}
	n := 0
	for _, x := range a {
		n += positions(x)
	}
	return n
}

func sameScalar(a, b any) bool {
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

func orRoot(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

// short renders a JSON value in at most 60 characters.
func short(v any) string {
	b, _ := json.Marshal(v)
	return clip(string(b))
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}

// lineDiff lists the lines that differ, by number.
func lineDiff(want, got []byte) []string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	var out []string
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		switch {
		case i >= len(wl):
			out = append(out, fmt.Sprintf("line %d: golden has no such line, got %q", i+1, clip(g)))
		case i >= len(gl):
			out = append(out, fmt.Sprintf("line %d: golden %q, got no such line", i+1, clip(w)))
		case w != g:
			out = append(out, fmt.Sprintf("line %d: golden %q, got %q", i+1, clip(w), clip(g)))
		}
	}
	if len(wl) != len(gl) {
		out = append(out, fmt.Sprintf("golden has %d lines, got %d", len(wl), len(gl)))
	}
	return out
}

// firstDiff is the offset of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// position is the 1-based line and column of offset off in b.
func position(b []byte, off int) (line, col int) {
	off = min(off, len(b))
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(b[:off], '\n')
}
