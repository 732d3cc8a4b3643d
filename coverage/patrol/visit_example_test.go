package patrol

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// A worker stops 20 m from one key household and never near the other;
// a week later both are overdue, the one never visited first.
func ExampleOverdue() {
	monday := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	places := []KeyPlace{
		{ID: "elderly-17", Grid: "110105001001001", Location: orb.Point{116.4000, 39.9100}, VisitInterval: week},
		{ID: "disabled-04", Grid: "110105001001001", Location: orb.Point{116.4100, 39.9200}, VisitInterval: week},
	}
	stops := []Stop{{Center: orb.Point{116.40023, 39.9100}, Start: monday, End: monday.Add(12 * time.Minute)}}
	places = Visits(places, stops, DefaultVisitRadius)
	for _, g := range Overdue(places, monday.Add(8*24*time.Hour)) {
		for _, p := range g.Places {
			fmt.Printf("%s %s last visited %v, overdue by %v\n", g.Grid, p.ID,
				p.LastVisited.Format(time.DateTime), time.Duration(p.OverdueBy))
		}
	}
	// Output:
	// 110105001001001 disabled-04 last visited 0001-01-01 00:00:00, overdue by 0s
	// 110105001001001 elderly-17 last visited 2024-05-06 09:12:00, overdue by 23h48m0s
}
