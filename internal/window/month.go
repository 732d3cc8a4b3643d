package window

import (
	"strings"
	"time"
)

// Month reads a month YYYY-MM as the window of that calendar month in
// zone (UTC when nil): [its first midnight, the first midnight of the
// next month). It fails with an *Error naming "month".
func Month(month string, zone *time.Location) (Window, error) {
	d, err := time.ParseInLocation("2006-01", strings.TrimSpace(month), orUTC(zone))
	if err != nil {
		return Window{}, &Error{Field: "month", Value: month, Err: ErrSyntax, Reason: "want a month as YYYY-MM"}
	}
	return Window{From: d, To: d.AddDate(0, 1, 0)}, nil
}
