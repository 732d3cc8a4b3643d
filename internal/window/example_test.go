package window_test

import (
	"fmt"
	"time"

	"wangge/internal/window"
)

// A plain date is midnight in the zone on either side of the window, so
// from the 5th to the 6th is the 5th, and the 6th itself is out.
func ExampleParse() {
	zone, _ := window.LoadZone(window.DefaultZone)
	w, err := window.Parse("2026-11-05", "2026-11-06", zone)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
	fmt.Println(w.Contains(time.Date(2026, 11, 5, 23, 59, 59, 0, zone)), w.Contains(w.To))

	_, err = window.Parse("2026-11-06", "2026-11-06", zone)
	fmt.Println(err)
	// Output:
	// 2026-11-05T00:00:00+08:00 2026-11-06T00:00:00+08:00
	// true false
	// window: to "2026-11-06": must be after from 2026-11-06 (the window is [from, to): from=2026-11-05&to=2026-11-06 is one day)
}
