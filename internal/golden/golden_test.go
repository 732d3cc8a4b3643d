package golden_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wangge/internal/golden"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, want, got string
		says            []string // substrings of the summary, in order
	}{
		{"equal", `{"a":1}`, `{"a":1}`, nil},
		{"json value", `{"features":[{"properties":{"weight":812}}]}`, `{"features":[{"properties":{"weight":815}}]}`,
			[]string{"features[0].properties.weight: golden 812, got 815"}},
		{"json keys", `{"a":1,"b":2}`, `{"a":1,"c":2}`,
			[]string{"b: golden 2, got no such key", "c: golden has no such key, got 2"}},
		{"json length", `[1,2]`, `[1,2,3]`, []string{"(root): golden has 2 elements, got 3"}},
		{"json type", `{"a":[1]}`, `{"a":{"x":1}}`, []string{`a: golden [1], got {"x":1}`}},
		{"geojson", `{"features":[{"geometry":{"coordinates":[[[1,2],[3,4],[1,2]]]},"properties":{"w":1}}]}`,
			`{"features":[{"geometry":{"coordinates":[[[1,2],[3,5],[2,2],[1,2]]]},"properties":{"w":2}}]}`,
			[]string{"features[0].geometry.coordinates: differ (golden 3 positions, got 4)\n", "features[0].properties.w: golden 1, got 2"}},
		{"json float digits", `{"x":0.1}`, `{"x":0.10000000000000001}`, []string{"x: golden 0.1, got 0.10000000000000001"}},
		{"json formatting", "{\"a\":1,\n\"b\":2}", "{\"b\":2,\n\"a\":1}", []string{"same JSON values", "line 1, column 3"}},
		{"text", "one\ntwo\nthree\n", "one\n2\nthree\nfour\n",
			[]string{`line 2: golden "two", got "2"`, `line 4: golden "", got "four"`, `line 5: golden has no such line, got ""`, "golden has 4 lines, got 5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := golden.Diff([]byte(tc.want), []byte(tc.got))
			if len(tc.says) == 0 && d != "" {
				t.Errorf("Diff of equal input = %q", d)
			}
			rest := d
			for _, s := range tc.says {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("Diff =\n%s\nwant it to say %q (in order)", d, s)
				}
				rest = rest[i+len(s):]
			}
		})
	}
}

func TestDiffListsAFewLines(t *testing.T) {
	var want, got []string
	for i := range 20 {
		want = append(want, fmt.Sprint(i))
		got = append(got, fmt.Sprint(i+100))
	}
	d := golden.Diff([]byte("["+strings.Join(want, ",")+"]"), []byte("["+strings.Join(got, ",")+"]"))
	if n := strings.Count(d, "\n") + 1; n != 9 || !strings.HasSuffix(d, "… and 12 more") {
		t.Errorf("Diff of 20 differences has %d lines:\n%s", n, d)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper()                   {}
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.Errorf(f, a...); r.fatal = true }
func (r *recorder) Fatal(a ...any)            { r.Errorf("%s", fmt.Sprint(a...)); r.fatal = true }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.golden")
	check := func(got string, update bool) *recorder {
		r := &recorder{TB: t}
		golden.Check(r, path, []byte(got), update)
		return r
	}
	if r := check(`{"a":1}`, false); !r.fatal || !strings.Contains(r.errors[0], "go test ./internal/golden -run '^TestCheck$' -update") {
		t.Errorf("missing golden: %q, want a fatal error naming -update", r.errors)
	}
	if r := check(`{"a":1}`, true); len(r.errors) != 0 {
		t.Fatalf("update: %q", r.errors)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != `{"a":1}` {
		t.Fatalf("update wrote %q, %v", b, err)
	}
	if r := check(`{"a":1}`, false); len(r.errors) != 0 {
		t.Errorf("same output: %q", r.errors)
	}
	r := check(`{"a":2}`, false)
	if len(r.errors) != 1 || r.fatal || !strings.Contains(r.errors[0], "a: golden 1, got 2") || !strings.Contains(r.errors[0], path) {
		t.Errorf("changed output: %q, want one error naming the file and the path a", r.errors)
	}
}
