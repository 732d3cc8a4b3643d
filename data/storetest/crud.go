package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// crud is one kind of item put through create, read, list, update and
// delete.
type crud[T any, ID ~string] struct {
	kind   string
	items  []T // at least two, with distinct ids, in any order
	id     func(T) ID
	put    func(context.Context, []T) error
	get    func(context.Context, ID) (T, error)
	list   func(context.Context) ([]T, error) // all, ordered by id
	del    func(context.Context, ID) error
	change func(T) T            // an update that keeps the id
	geom   func(T) orb.Geometry // nil when the kind has none
	strip  func(T) T            // drops the geometry and normalises empty maps and lists
}

// same fails when got differs from want: geometry to 1e-9, the rest exactly.
func (c crud[T, ID]) same(t *testing.T, what string, want, got T) {
	t.Helper()
	if c.geom != nil {
		SameGeometry(t, what, c.geom(want), c.geom(got))
	}
	if w, g := c.strip(want), c.strip(got); !reflect.DeepEqual(w, g) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func (c crud[T, ID]) sorted() []T {
	out := slices.Clone(c.items)
	slices.SortFunc(out, func(a, b T) int {
		switch {
		case c.id(a) < c.id(b):
			return -1
		case c.id(a) > c.id(b):
			return 1
		}
		return 0
	})
	return out
}

func (c crud[T, ID]) run(e *env) {
	t := e.t
	t.Helper()
	must(t, "put "+c.kind+"s", c.put(e.ctx, c.items))
	for _, it := range c.items {
		got, err := c.get(e.ctx, c.id(it))
		must(t, fmt.Sprintf("get %s %q", c.kind, c.id(it)), err)
		c.same(t, fmt.Sprintf("%s %q", c.kind, c.id(it)), it, got)
	}
	want := c.sorted()
	all, err := c.list(e.ctx)
	must(t, "list "+c.kind+"s", err)
	if len(all) != len(want) {
		t.Fatalf("list %ss: %d items, want %d", c.kind, len(all), len(want))
	}
	for i := range want {
		c.same(t, fmt.Sprintf("list %ss item %d", c.kind, i), want[i], all[i])
	}

	first := c.id(want[0])
	changed := c.change(want[0])
	must(t, "update "+c.kind, c.put(e.ctx, []T{changed}))
	got, err := c.get(e.ctx, first)
	must(t, "get updated "+c.kind, err)
	c.same(t, "updated "+c.kind, changed, got)
	if again, _ := c.list(e.ctx); len(again) != len(want) {
		t.Fatalf("after an update %d %ss, want %d", len(again), c.kind, len(want))
	}

	must(t, "delete "+c.kind, c.del(e.ctx, first))
	_, err = c.get(e.ctx, first)
	mustNotFound(t, "get deleted "+c.kind, err)
	mustNotFound(t, "delete deleted "+c.kind, c.del(e.ctx, first))
	_, err = c.get(e.ctx, ID("no such id"))
	mustNotFound(t, "get unknown "+c.kind, err)
	rest, err := c.list(e.ctx)
	must(t, "list "+c.kind+"s", err)
	if len(rest) != len(want)-1 {
		t.Fatalf("after a delete %d %ss, want %d", len(rest), c.kind, len(want)-1)
	}
	for _, it := range rest {
		if c.id(it) == first {
			t.Fatalf("deleted %s %q is still listed", c.kind, first)
		}
	}
}
