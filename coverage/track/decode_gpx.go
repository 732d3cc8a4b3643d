package track

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// GPX decoding: the track points (gpx/trk/trkseg/trkpt) of GPX 1.1 and
// GPX 1.0, matched by local element names so that either namespace (or
// none) is accepted. Waypoints and route points are not positions of a
// patrol and are skipped. Each track point needs lat and lon attributes
// and a <time>; <ele> gives the altitude, and GPX 1.0's <speed> (m/s) and
// <course> (degrees) the speed and bearing.

// DecodeGPX reads every track point of a GPX document.
func DecodeGPX(r io.Reader, opts DecodeOptions) ([]patrol.TrackPoint, error) {
	return collect(func(fn func(patrol.TrackPoint) error) error { return ScanGPX(r, opts, fn) })
}

// ScanGPX streams the track points of a GPX document to fn, in document
// order, stopping at the first error (of the input or returned by fn).
func ScanGPX(r io.Reader, opts DecodeOptions, fn func(patrol.TrackPoint) error) error {
	s := gpxScanner{d: xml.NewDecoder(r), w: newWhere("gpx", opts.Source), worker: opts.Worker}
	return s.run(fn)
}

type gpxScanner struct {
	d      *xml.Decoder
	w      where
	worker patrol.WorkerID
	tp     timeParser

	root    bool     // a <gpx> root element was seen
	path    []string // local names of the open elements
	inPoint bool     // inside a trkpt, which is at depth len(path)==ptDepth
	ptDepth int
	pt      patrol.TrackPoint
	hasTime bool
	text    []byte // character data of the current child of trkpt
}

func (s *gpxScanner) run(fn func(patrol.TrackPoint) error) error {
	for {
		tok, err := s.d.Token()
		s.w.line, _ = s.d.InputPos()
		if errors.Is(err, io.EOF) {
			if !s.root {
				return s.w.failf("", ErrSyntax, "no <gpx> element")
			}
			return nil
		}
		if err != nil {
			return s.w.fail("", ErrSyntax, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := s.start(t); err != nil {
				return err
			}
		case xml.CharData:
			if s.inPoint && len(s.path) == s.ptDepth+1 {
				s.text = append(s.text, t...)
			}
		case xml.EndElement:
			if err := s.end(fn); err != nil {
				return err
			}
		}
	}
}

func (s *gpxScanner) start(t xml.StartElement) error {
	name := t.Name.Local
	if len(s.path) == 0 && name != "gpx" {
		return s.w.failf("", ErrSyntax, "root element <%s>, want <gpx>", name)
	}
	s.path = append(s.path, name)
	s.root = true
	switch {
	case s.inPoint:
		s.text = s.text[:0]
	case name == "trkpt" && len(s.path) >= 2 && s.path[len(s.path)-2] == "trkseg":
		s.inPoint, s.ptDepth, s.hasTime = true, len(s.path), false
		s.pt = patrol.TrackPoint{Worker: s.worker}
		return s.attrs(t.Attr)
	}
	return nil
}

func (s *gpxScanner) attrs(attrs []xml.Attr) error {
	var lat, lon float64
	var haveLat, haveLon bool
	for _, a := range attrs {
		var err error
		switch a.Name.Local {
		case "lat":
			lat, err = parseNum(a.Value)
			haveLat = true
		case "lon":
			lon, err = parseNum(a.Value)
			haveLon = true
		default:
			continue
		}
		if err != nil {
			return s.w.fail(a.Name.Local, ErrBadValue, err)
		}
	}
	switch {
	case !haveLat:
		return s.w.fail("lat", ErrMissingField, nil)
	case !haveLon:
		return s.w.fail("lon", ErrMissingField, nil)
	}
	if err := s.w.checkLatLon(lat, lon, "lat", "lon"); err != nil {
		return err
	}
	s.pt.Point = orb.Point{lon, lat}
	return nil
}

func (s *gpxScanner) end(fn func(patrol.TrackPoint) error) error {
	depth := len(s.path)
	name := s.path[depth-1]
	s.path = s.path[:depth-1]
	if !s.inPoint {
		return nil
	}
	if depth == s.ptDepth+1 {
		return s.child(name, strings.TrimSpace(string(s.text)))
	}
	if depth != s.ptDepth {
		return nil
	}
	s.inPoint = false
	if !s.hasTime {
		return s.w.fail("time", ErrMissingField, nil)
	}
	return fn(s.pt)
}

// child stores the value of a direct child element of trkpt.
func (s *gpxScanner) child(name, text string) error {
	var dst *float64
	switch name {
	case "time":
		t, err := s.tp.parse(text)
		if err != nil {
			return s.w.fail("time", ErrBadValue, err)
		}
		s.pt.Time, s.hasTime = t, true
		return nil
	case "ele":
		dst = &s.pt.Altitude
	case "speed":
		dst = &s.pt.Speed
	case "course":
		dst = &s.pt.Bearing
	default:
		return nil
	}
	v, err := parseNum(text)
	if err != nil {
		return s.w.fail(name, ErrBadValue, err)
	}
	*dst = v
	return nil
}
