package track

import (
	"bufio"
	"io"
	"strings"
	"time"
	"wangge/coverage/patrol"

	"github.com/paulmach/orb"
)

// GeoLife PLT decoding. A PLT file (Microsoft Research GeoLife, Beijing)
// has six header lines, then one fix a line:
//
//	lat,lon,0,altitude_ft,days,date,time
//	39.984094,116.319236,0,492,39744.1201851852,2008-10-24,02:53:04
//
// Latitude and longitude are decimal degrees (WGS-84); the altitude is in
// feet, -777 when missing; days is the date as fractional days since
// 1899-12-30, redundant with the date and time fields, which are GMT.

const (
	pltHeaderLines = 6
	pltNoAltitude  = -777
	pltLayout      = "2006-01-02 15:04:05"
)

// pltFields names the columns of a PLT line in errors.
var pltFields = [...]string{"lat", "lon", "zero", "altitude", "days", "date", "time"}

// DecodePLT reads every fix of a GeoLife PLT file.
func DecodePLT(r io.Reader, opts DecodeOptions) ([]patrol.TrackPoint, error) {
	return collect(func(fn func(patrol.TrackPoint) error) error { return ScanPLT(r, opts, fn) })
}

// ScanPLT streams the fixes of a GeoLife PLT file to fn in file order,
// stopping at the first error. Blank lines are skipped.
func ScanPLT(r io.Reader, opts DecodeOptions, fn func(patrol.TrackPoint) error) error {
	w := newWhere("plt", opts.Source)
	sc := bufio.NewScanner(r)
	var f [len(pltFields)]string
	for sc.Scan() {
		w.line++
		if w.line <= pltHeaderLines {
			continue
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if n := splitInto(line, ',', f[:]); n != len(f) {
			return w.failf("", ErrSyntax, "%d fields, want %d", n, len(f))
		}
		p, err := pltPoint(w, f[:])
		if err != nil {
			return err
		}
		p.Worker = opts.Worker
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return w.fail("", ErrSyntax, err)
	}
	if w.line < pltHeaderLines {
		return w.failf("", ErrSyntax, "header has %d of %d lines", w.line, pltHeaderLines)
	}
	return nil
}

// pltPoint converts the seven fields of one PLT line.
func pltPoint(w where, f []string) (patrol.TrackPoint, error) {
	var v [4]float64 // lat, lon, zero (carries nothing, not read), altitude
	for _, i := range [...]int{0, 1, 3} {
		x, err := parseNum(f[i])
		if err != nil {
			return patrol.TrackPoint{}, w.fail(pltFields[i], ErrBadValue, err)
		}
		v[i] = x
	}
	if err := w.checkLatLon(v[0], v[1], "lat", "lon"); err != nil {
		return patrol.TrackPoint{}, err
	}
	t, err := time.Parse(pltLayout, strings.TrimSpace(f[5])+" "+strings.TrimSpace(f[6]))
	if err != nil {
		return patrol.TrackPoint{}, w.fail("date", ErrBadValue, err)
	}
	p := patrol.TrackPoint{Time: t, Point: orb.Point{v[1], v[0]}}
	if v[3] != pltNoAltitude {
		p.Altitude = v[3] * FootToM
	}
	return p, nil
}

// splitInto splits s at sep into dst and returns the number of fields
// found, which exceeds len(dst) when s has more (the excess is not stored).
func splitInto(s string, sep byte, dst []string) int {
	n := 0
	for {
		i := strings.IndexByte(s, sep)
		if n < len(dst) {
			if i < 0 {
				dst[n] = s
			} else {
				dst[n] = s[:i]
			}
		}
		n++
		if i < 0 {
			return n
		}
		s = s[i+1:]
	}
}
