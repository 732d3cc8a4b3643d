package track

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// EpochUnit says how a numeric CSV time column counts from 1970-01-01 UTC.
type EpochUnit int

// The ways a CSV time column can be read.
const (
	EpochNone    EpochUnit = iota // text: CSVMapping.TimeLayout, or ISO 8601 when empty
	EpochSeconds                  // decimal seconds
	EpochMillis                   // decimal milliseconds
	EpochAuto                     // seconds up to 2^31-1, milliseconds above (Traccar's rule)
)

// CSVMapping says which columns of a CSV file with a header row hold what.
// Column names are matched case-insensitively after trimming spaces (and
// a byte order mark). Lat,
// Lon and Time are required; every other column is optional and, when
// named, read in the units of TrackPoint (an empty cell means "not
// reported"). Without a Worker column, or where its cell is empty, a
// point gets DecodeOptions.Worker.
type CSVMapping struct {
	Lat, Lon, Time string
	Worker         string
	Altitude       string // metres
	Accuracy       string // metres
	Speed          string // m/s
	Bearing        string // degrees
	Battery        string // percent

	Separator  rune           // field separator; ',' when zero
	TimeLayout string         // Go layout of text times; ISO 8601 variants when empty
	Location   *time.Location // zone of text times that carry none; UTC when nil
	Epoch      EpochUnit      // numeric times instead of text
}

// csvColumns holds the column index of each mapped field, -1 when unmapped.
type csvColumns struct {
	lat, lon, time, worker                      int
	altitude, accuracy, speed, bearing, battery int
}

// DecodeCSV reads every row of a CSV file with a header row.
func DecodeCSV(r io.Reader, m CSVMapping, opts DecodeOptions) ([]patrol.TrackPoint, error) {
	return collect(func(fn func(patrol.TrackPoint) error) error { return ScanCSV(r, m, opts, fn) })
}

// ScanCSV streams the rows of a CSV file to fn in file order, stopping at
// the first error. Every row must have as many fields as the header.
func ScanCSV(r io.Reader, m CSVMapping, opts DecodeOptions, fn func(patrol.TrackPoint) error) error {
	w := newWhere("csv", opts.Source)
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	if m.Separator != 0 {
		cr.Comma = m.Separator
	}
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return w.failf("", ErrSyntax, "no header row")
		}
		return w.fail("", ErrSyntax, err)
	}
	w.line = 1
	// The reader reuses its record slice: keep a trimmed copy of the header.
	header = slices.Clone(header)
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	cols, err := m.columns(w, header)
	if err != nil {
		return err
	}
	tp := timeParser{loc: m.Location}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				w.line = pe.Line
			}
			return w.fail("", ErrSyntax, err)
		}
		w.line, _ = cr.FieldPos(0)
		p, err := m.point(w, header, rec, cols, &tp)
		if err != nil {
			return err
		}
		if p.Worker == "" {
			p.Worker = opts.Worker
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}

// columns finds the mapped columns in the header row.
func (m CSVMapping) columns(w where, header []string) (csvColumns, error) {
	find := func(field, name string, required bool) (int, error) {
		if name == "" {
			if required {
				return -1, w.failf(field, ErrColumn, "the mapping names no %s column", field)
			}
			return -1, nil
		}
		for i, h := range header {
			if strings.EqualFold(h, name) {
				return i, nil
			}
		}
		return -1, w.failf(field, ErrColumn, "no column %q in header %q", name, strings.Join(header, string(m.sep())))
	}
	var c csvColumns
	var err error
	for _, f := range []struct {
		dst      *int
		field    string
		name     string
		required bool
	}{
		{&c.lat, "lat", m.Lat, true}, {&c.lon, "lon", m.Lon, true},
		{&c.time, "time", m.Time, true}, {&c.worker, "worker", m.Worker, false},
		{&c.altitude, "altitude", m.Altitude, false}, {&c.accuracy, "accuracy", m.Accuracy, false},
		{&c.speed, "speed", m.Speed, false}, {&c.bearing, "bearing", m.Bearing, false},
		{&c.battery, "battery", m.Battery, false},
	} {
		if *f.dst, err = find(f.field, f.name, f.required); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (m CSVMapping) sep() rune {
	if m.Separator == 0 {
		return ','
	}
	return m.Separator
}

// point converts one record.
func (m CSVMapping) point(w where, header, rec []string, c csvColumns, tp *timeParser) (patrol.TrackPoint, error) {
	var p patrol.TrackPoint
	num := func(col int, required bool) (float64, error) {
		if col < 0 {
			return 0, nil
		}
		s := strings.TrimSpace(rec[col])
		if s == "" {
			if required {
				return 0, w.fail(header[col], ErrMissingField, nil)
			}
			return 0, nil
		}
		v, err := parseNum(s)
		if err != nil {
			return 0, w.fail(header[col], ErrBadValue, err)
		}
		return v, nil
	}
	lat, err := num(c.lat, true)
	if err != nil {
		return p, err
	}
	lon, err := num(c.lon, true)
	if err != nil {
		return p, err
	}
	if err := w.checkLatLon(lat, lon, header[c.lat], header[c.lon]); err != nil {
		return p, err
	}
	p.Point = orb.Point{lon, lat}
	for _, o := range []struct {
		col int
		dst *float64
	}{
		{c.altitude, &p.Altitude}, {c.accuracy, &p.Accuracy}, {c.speed, &p.Speed},
		{c.bearing, &p.Bearing}, {c.battery, &p.Battery},
	} {
		if *o.dst, err = num(o.col, false); err != nil {
			return p, err
		}
	}
	if p.Time, err = m.time(rec[c.time], tp); err != nil {
		if errors.Is(err, ErrMissingField) {
			return p, w.fail(header[c.time], ErrMissingField, nil)
		}
		return p, w.badTime(header[c.time], err)
	}
	if c.worker >= 0 {
		p.Worker = patrol.WorkerID(strings.TrimSpace(rec[c.worker]))
	}
	return p, nil
}

// time reads one time cell.
func (m CSVMapping) time(s string, tp *timeParser) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ErrMissingField
	}
	if m.Epoch == EpochNone {
		if m.TimeLayout == "" {
			return tp.parse(s)
		}
		t, err := time.ParseInLocation(m.TimeLayout, s, tp.location())
		return t.UTC(), err
	}
	v, err := parseNum(s)
	if err != nil {
		return time.Time{}, err
	}
	switch m.Epoch {
	case EpochSeconds:
		return secondsTime(v)
	case EpochMillis:
		return millisTime(v)
	}
	return epochTime(v)
}
