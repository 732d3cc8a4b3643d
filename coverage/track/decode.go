package track

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"wangge/coverage/patrol"
)

// DecodeOptions name the input for error messages and give the worker for
// formats that carry none (GPX, PLT, and CSV or GeoJSON without a worker
// column or property).
type DecodeOptions struct {
	Source string          // file name or label, used in errors only
	Worker patrol.WorkerID // worker of every point unless the input names one
}

// Unit conversions of the protocols.
const (
	// KnotToMS converts knots (OsmAnd / Traccar Client speed) to m/s:
	// 1 kn = 1852 m / 3600 s.
	KnotToMS = 1852.0 / 3600.0
	// KmhToMS converts km/h (OwnTracks vel) to m/s.
	KmhToMS = 1000.0 / 3600.0
	// FootToM converts international feet (GeoLife PLT altitude) to metres.
	FootToM = 0.3048
)

// maxEpochSeconds is the largest number read as epoch seconds; larger
// numbers are epoch milliseconds. It is Traccar's rule (a value that fits a
// signed 32-bit integer is seconds): seconds up to 2038-01-19, and
// milliseconds from 1970-01-25 on.
const maxEpochSeconds = math.MaxInt32

// errNotFinite and the like are causes wrapped under the sentinels.
var (
	errNotFinite = errors.New("not a finite number")
	errNoLayout  = errors.New("not an ISO 8601 / RFC 3339 time")
	errTimeRange = errors.New("time outside years 0-9999")
)

// badTime makes the error for an unreadable time: ErrOutOfRange when it
// parsed but lies outside years 0–9999, ErrBadValue otherwise.
func (w where) badTime(field string, err error) *DecodeError {
	if errors.Is(err, errTimeRange) {
		return w.fail(field, ErrOutOfRange, err)
	}
	return w.fail(field, ErrBadValue, err)
}

// jsonFail makes the ErrSyntax error for a JSON decoding failure, at the
// byte offset of a *json.SyntaxError when it is one.
func (w where) jsonFail(err error) *DecodeError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		w.offset = se.Offset
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return w.fail("", ErrSyntax, err)
}

// collect runs a scanning decoder and gathers its points.
func collect(scan func(fn func(patrol.TrackPoint) error) error) ([]patrol.TrackPoint, error) {
	var pts []patrol.TrackPoint
	err := scan(func(p patrol.TrackPoint) error {
		pts = append(pts, p)
		return nil
	})
	return pts, err
}

// parseNum parses a finite decimal number.
func parseNum(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errNotFinite
	}
	return v, nil
}

// checkLatLon reports ErrOutOfRange for impossible coordinates, naming the
// field that holds the bad one.
func (w where) checkLatLon(lat, lon float64, latField, lonField string) error {
	if !(lat >= -90 && lat <= 90) {
		return w.failf(latField, ErrOutOfRange, "latitude %g", lat)
	}
	if !(lon >= -180 && lon <= 180) {
		return w.failf(lonField, ErrOutOfRange, "longitude %g", lon)
	}
	return nil
}

// maxSeconds is the last second of year 9999, the largest epoch accepted.
const maxSeconds = 253402300799

// epochTime turns epoch seconds or milliseconds, told apart by magnitude
// (see maxEpochSeconds), into a UTC time.
func epochTime(v float64) (time.Time, error) {
	if math.Abs(v) > maxEpochSeconds {
		return millisTime(v)
	}
	return secondsTime(v)
}

// secondsTime turns epoch seconds into a UTC time, refusing years past
// 9999 and non-finite numbers.
func secondsTime(v float64) (time.Time, error) {
	if !(math.Abs(v) <= maxSeconds) {
		return time.Time{}, errTimeRange
	}
	sec := math.Floor(v)
	return time.Unix(int64(sec), int64(math.Round((v-sec)*1e9))).UTC(), nil
}

// millisTime turns epoch milliseconds into a UTC time. It splits off whole
// seconds before scaling, so that 1714550400123 ms is exactly .123 s past
// the second (v/1000 would round it to .122999907).
func millisTime(v float64) (time.Time, error) {
	if !(math.Abs(v) <= maxSeconds*1000) {
		return time.Time{}, errTimeRange
	}
	sec := math.Floor(v / 1000)
	return time.Unix(int64(sec), int64(math.Round((v-sec*1000)*1e6))).UTC(), nil
}

// Layouts tried for text times, by the separator between date and clock.
// Go accepts fractional seconds after the seconds field even when a layout
// does not show them. A time without a zone is read in the given location.
var (
	layoutsT = []string{
		"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05Z07", "2006-01-02T15:04:05",
	}
	layoutsSpace = []string{
		"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700",
		"2006-01-02 15:04:05Z07", "2006-01-02 15:04:05",
	}
)

// timeParser parses ISO 8601 text times, trying first the layout that
// worked last (the inputs of one file share one layout).
type timeParser struct {
	loc  *time.Location
	last string
}

// location is the zone of times that carry none: UTC unless set.
func (p *timeParser) location() *time.Location {
	if p.loc == nil {
		return time.UTC
	}
	return p.loc
}

func (p *timeParser) parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	loc := p.location()
	if p.last != "" {
		if t, err := time.ParseInLocation(p.last, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	layouts := layoutsT
	if len(s) > 10 && s[10] == ' ' {
		layouts = layoutsSpace
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			p.last = l
			return t.UTC(), nil
		}
	}
	return time.Time{}, errNoLayout
}

// parseTimeValue reads a time that may be text (ISO 8601) or a number of
// epoch seconds or milliseconds, as JSON protocols send either.
func parseTimeValue(v any) (time.Time, error) {
	switch x := v.(type) {
	case float64:
		return epochTime(x)
	case string:
		if n, err := parseNum(x); err == nil {
			return epochTime(n)
		}
		var p timeParser
		return p.parse(x)
	}
	return time.Time{}, errNoLayout
}
