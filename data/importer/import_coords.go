package importer

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// coordParser reads the coordinates member of a Polygon or MultiPolygon in
// one pass over its bytes, which are already known to be valid JSON. It
// keeps the index of the polygon, ring and vertex it is in, so that a bad
// position is named exactly.
type coordParser struct {
	b                  []byte
	i                  int
	poly, ring, vertex int
	depthName          string // "Polygon" or "MultiPolygon", for messages
}

// parseCoordinates reads the coordinates of a geometry of type typ
// ("Polygon" or "MultiPolygon") as a MultiPolygon.
func parseCoordinates(b []byte, typ string) (orb.MultiPolygon, error) {
	p := &coordParser{b: b, poly: -1, ring: -1, vertex: -1, depthName: typ}
	var mp orb.MultiPolygon
	var err error
	if typ == "Polygon" {
		p.poly = 0
		var poly orb.Polygon
		poly, err = p.polygon()
		mp = orb.MultiPolygon{poly}
	} else {
		err = p.array("an array of polygons", func() error {
			p.poly++
			poly, err := p.polygon()
			mp = append(mp, poly)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	return mp, nil
}

func (p *coordParser) polygon() (orb.Polygon, error) {
	var poly orb.Polygon
	p.ring, p.vertex = -1, -1
	err := p.array("an array of rings", func() error {
		p.ring++
		p.vertex = -1
		r, err := p.ringOf()
		poly = append(poly, r)
		return err
	})
	return poly, err
}

func (p *coordParser) ringOf() (orb.Ring, error) {
	var r orb.Ring
	err := p.array("an array of positions", func() error {
		p.vertex++
		pt, err := p.position()
		r = append(r, pt)
		return err
	})
	return r, err
}

// position reads [lon, lat] with any further numbers (altitude) ignored.
func (p *coordParser) position() (orb.Point, error) {
	var pt orb.Point
	n := 0
	err := p.array("a position [lon, lat]", func() error {
		v, err := p.number()
		if n < 2 {
			pt[n] = v
		}
		n++
		return err
	})
	if err == nil && n < 2 {
		err = p.badCoordinate(fmt.Sprintf("position has %d numbers, want 2", n))
	}
	return pt, err
}

// array reads '[' elem (',' elem)* ']' or '[]', calling elem for each
// element; what names the array in an error.
func (p *coordParser) array(what string, elem func() error) error {
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '[' {
		return p.notArray(what)
	}
	p.i++
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		p.space()
		if p.i >= len(p.b) {
			return p.notArray(what)
		}
		c := p.b[p.i]
		p.i++
		if c == ']' {
			return nil
		}
		if c != ',' {
			return p.notArray(what)
		}
	}
}

// number reads one JSON number.
func (p *coordParser) number() (float64, error) {
	p.space()
	start := p.i
	for p.i < len(p.b) && isNumberByte(p.b[p.i]) {
		p.i++
	}
	if start == p.i {
		return 0, p.badCoordinate(fmt.Sprintf("%s is not a number", p.snippet(start)))
	}
	v, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil {
		return 0, p.badCoordinate(fmt.Sprintf("%s is out of range", p.b[start:p.i]))
	}
	return v, nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (p *coordParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// snippet shows the value starting at i, up to the next separator.
func (p *coordParser) snippet(i int) string {
	j := i
	for j < len(p.b) && j-i < 40 && p.b[j] != ',' && p.b[j] != ']' {
		j++
	}
	if j == i {
		return "nothing"
	}
	return string(p.b[i:j])
}

// badCoordinate names the vertex being read.
func (p *coordParser) badCoordinate(why string) error {
	return &geo.InvalidError{Polygon: p.poly, Ring: p.ring, Vertex: p.vertex,
		Reason: fmt.Errorf("%w: %s", geo.ErrBadCoordinate, why)}
}

// notArray reports coordinates nested the wrong way.
func (p *coordParser) notArray(what string) error {
	where := ""
	if p.poly >= 0 {
		where = fmt.Sprintf(" in polygon %d", p.poly)
	}
	if p.ring >= 0 {
		where += fmt.Sprintf(" ring %d", p.ring)
	}
	if p.vertex >= 0 {
		where += fmt.Sprintf(" vertex %d", p.vertex)
	}
	return fmt.Errorf("%w: %s coordinates%s: found %s where %s should be", ErrBadGeometry, p.depthName, where, p.snippet(p.i), what)
}
