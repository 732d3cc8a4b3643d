// Package window is the one rule for time windows in wangge: the command
// line (--from, --to, --date), the API (from, to, date) and Open311
// (start_date, end_date) read them here, so the same words give the same
// instants everywhere.
//
// The rule: a window is [from, to) — from is included, to is not. Each
// bound is either
//
//   - an instant in RFC 3339, such as 2026-11-05T08:00:00+08:00 or
//     2026-11-05T00:00:00Z (a fraction of a second may follow; W3C
//     datetimes to the minute, 2026-11-05T08:00+08:00, are read too, as
//     GeoReport v2 asks), or
//   - a plain date YYYY-MM-DD, which means that day's midnight in the
//     configured zone, whether it starts or ends the window.
//
// So from=2026-11-05&to=2026-11-06 is exactly the 5th, and
// from=2026-11-01&to=2026-12-01 is November: consecutive windows tile time
// with no gap and no overlap, and a date means one instant, wherever it
// stands. An empty bound leaves that side open. A window must end after it
// starts. Day reads a single date as the window of that day.
//
// The zone of plain dates comes from the configuration (internal/config;
// DefaultZone when it names none); a time with an offset does not depend
// on it. Instants without an offset are refused rather than guessed.
package window
