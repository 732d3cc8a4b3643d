package patrol

import (
	"testing"
	"time"
)

// TestOverdueNeverVisited checks that a place never visited is overdue
// since it was added, and says 0 when that is not known.
func TestOverdueNeverVisited(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	got := Overdue([]KeyPlace{
		{ID: "added", Grid: "g", VisitInterval: week, Added: now.Add(-72 * time.Hour)},
		{ID: "unknown", Grid: "g", VisitInterval: week},
		{ID: "visited", Grid: "g", VisitInterval: week, Added: now.Add(-30 * 24 * time.Hour), LastVisited: now.Add(-8 * 24 * time.Hour)},
	}, now)
	if len(got) != 1 || len(got[0].Places) != 3 {
		t.Fatalf("Overdue = %+v, want the three places of g", got)
	}
	want := map[KeyPlaceID]Seconds{"added": Seconds(72 * time.Hour), "unknown": 0, "visited": Seconds(24 * time.Hour)}
	for _, p := range got[0].Places {
		if p.OverdueBy != want[p.ID] {
			t.Errorf("%s overdue by %v s, want %v", p.ID, p.OverdueBy, want[p.ID])
		}
	}
}
