package patrol

import (
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
)

func TestVisits(t *testing.T) {
	proj := geo.NewProjection(tiananmen)
	at := func(x, y float64) orb.Point { return proj.Inverse(orb.Point{x, y}) }
	t1, t2 := day0.Add(time.Hour), day0.Add(3*time.Hour)
	stops := []Stop{
		{Center: at(30, 0), End: t1},
		{Center: at(0, 49), End: t2},
		{Center: at(500, 0), End: t2},
	}
	cases := []struct {
		name   string
		place  KeyPlace
		radius float64
		want   time.Time
	}{
		{"the later of two stops near", KeyPlace{ID: "a", Location: at(0, 0)}, 0, t2},
		{"only the stop within the radius", KeyPlace{ID: "b", Location: at(-10, -10)}, 0, t1},
		{"north edge of the latitude window", KeyPlace{ID: "c", Location: at(0, 98)}, 0, t2},
		{"too far", KeyPlace{ID: "d", Location: at(0, 100)}, 0, time.Time{}},
		{"smaller radius", KeyPlace{ID: "e", Location: at(0, 0)}, 35, t1},
		{"never moved back", KeyPlace{ID: "f", Location: at(0, 0), LastVisited: t2.Add(time.Hour)}, 0, t2.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Visits([]KeyPlace{tc.place}, stops, tc.radius)
			if !got[0].LastVisited.Equal(tc.want) {
				t.Errorf("last visited %v, want %v", got[0].LastVisited, tc.want)
			}
		})
	}
}

func TestOverdue(t *testing.T) {
	now := day0
	week := 7 * 24 * time.Hour
	places := []KeyPlace{
		{ID: "late3", Grid: "g1", VisitInterval: week, LastVisited: now.Add(-10 * 24 * time.Hour)},
		{ID: "fresh", Grid: "g1", VisitInterval: week, LastVisited: now.Add(-2 * 24 * time.Hour)},
		{ID: "never", Grid: "g1", VisitInterval: week},
		{ID: "late1", Grid: "g1", VisitInterval: week, LastVisited: now.Add(-8 * 24 * time.Hour)},
		{ID: "unscheduled", Grid: "g1"},
		{ID: "due-now", Grid: "g0", VisitInterval: week, LastVisited: now.Add(-week)},
		{ID: "other", Grid: "g0", VisitInterval: 24 * time.Hour, LastVisited: now.Add(-36 * time.Hour)},
	}
	got := Overdue(places, now)
	if len(got) != 2 || got[0].Grid != "g0" || got[1].Grid != "g1" {
		t.Fatalf("grids %+v, want g0 and g1", got)
	}
	var ids []KeyPlaceID
	for _, p := range got[1].Places {
		ids = append(ids, p.ID)
	}
	if want := []KeyPlaceID{"never", "late3", "late1"}; !slices.Equal(ids, want) {
		t.Errorf("g1 overdue %v, want %v", ids, want)
	}
	if by := time.Duration(got[1].Places[1].OverdueBy); by != 3*24*time.Hour {
		t.Errorf("late3 overdue by %v, want 72h", by)
	}
	if len(got[0].Places) != 1 || got[0].Places[0].ID != "other" || time.Duration(got[0].Places[0].OverdueBy) != 12*time.Hour {
		t.Errorf("g0 overdue %+v, want other by 12h (due-now is due this instant, not past)", got[0].Places)
	}
}
