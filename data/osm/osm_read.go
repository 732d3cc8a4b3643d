package osm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// osmData is an OSM extract held in memory: node positions, and the ways
// and relations with their tags.
type osmData struct {
	nodes     map[osm.NodeID]orb.Point
	ways      []*osm.Way
	wayByID   map[osm.WayID]*osm.Way
	relations []*osm.Relation
}

// osmScanner is what the PBF and XML scanners of paulmach/osm share.
type osmScanner interface {
	Scan() bool
	Object() osm.Object
	Err() error
	Close() error
}

// readOSM reads a whole extract, in PBF or OSM XML (told apart by their
// first bytes). file names the input in errors.
func readOSM(ctx context.Context, r io.Reader, file string) (*osmData, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var sc osmScanner
	switch sniffOSM(br) {
	case "pbf":
		sc = osmpbf.New(ctx, br, 1)
	case "xml":
		sc = osmxml.New(ctx, br)
	default:
		head, _ := br.Peek(16)
		return nil, &Error{File: file, Err: fmt.Errorf("%w (starts with %q)", ErrNotOSM, head)}
	}
	defer sc.Close()
	d := &osmData{nodes: make(map[osm.NodeID]orb.Point), wayByID: make(map[osm.WayID]*osm.Way)}
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Node:
			d.nodes[o.ID] = orb.Point{o.Lon, o.Lat}
		case *osm.Way:
			d.ways = append(d.ways, o)
			d.wayByID[o.ID] = o
		case *osm.Relation:
			d.relations = append(d.relations, o)
		}
	}
	if err := sc.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{File: file, Err: fmt.Errorf("%w: %w", ErrBadOSM, err)}
	}
	return d, nil
}

// sniffOSM says whether the input looks like OSM PBF ("pbf": a big-endian
// length, then a BlobHeader of type OSMHeader with a plausible data size)
// or OSM XML ("xml": "<" after an optional byte order mark and white
// space), or neither ("").
func sniffOSM(br *bufio.Reader) string {
	if head, err := br.Peek(4); err == nil {
		n := binary.BigEndian.Uint32(head)
		if n > 0 && n < 64<<10 {
			if blob, err := br.Peek(4 + int(n)); err == nil && osmHeaderBlob(blob[4:]) {
				return "pbf"
			}
		}
	}
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '<' {
		return "xml"
	}
	return ""
}

// maxBlobSize is the largest blob the PBF format allows (32 MiB).
const maxBlobSize = 32 << 20

// osmHeaderBlob reports whether b is a protobuf BlobHeader whose type
// (field 1) is "OSMHeader" and whose datasize (field 3) is in (0, 32 MiB].
func osmHeaderBlob(b []byte) bool {
	var typ string
	var size uint64
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return false
		}
		b = b[n:]
		switch key & 7 {
		case 0: // varint
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return false
			}
			if key>>3 == 3 {
				size = v
			}
			b = b[n:]
		case 2: // length-delimited
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return false
			}
			if key>>3 == 1 {
				typ = string(b[n : n+int(l)])
			}
			b = b[n+int(l):]
		default:
			return false
		}
	}
	return typ == "OSMHeader" && size > 0 && size <= maxBlobSize
}

// wayLines returns a way's geometry as runs of consecutive nodes that are
// present, and how many of its node references are missing.
func (d *osmData) wayLines(w *osm.Way) (runs []orb.LineString, missing int) {
	var cur orb.LineString
	for _, wn := range w.Nodes {
		p, ok := d.nodes[wn.ID]
		if !ok {
			missing++
			if len(cur) >= 2 {
				runs = append(runs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, p)
	}
	if len(cur) >= 2 {
		runs = append(runs, cur)
	}
	return runs, missing
}

// wayRing returns a closed way with all its nodes as a ring.
func (d *osmData) wayRing(w *osm.Way) (orb.Ring, bool) {
	if len(w.Nodes) < 4 || w.Nodes[0].ID != w.Nodes[len(w.Nodes)-1].ID {
		return nil, false
	}
	runs, missing := d.wayLines(w)
	if missing > 0 || len(runs) != 1 {
		return nil, false
	}
	return orb.Ring(runs[0]), true
}

// relationPolygons assembles a multipolygon or boundary relation: its outer
// and inner member ways joined end to end into rings, each inner ring
// placed in the outer ring that holds it. It fails when a member way is
// missing or a ring does not close.
func (d *osmData) relationPolygons(rel *osm.Relation) (orb.MultiPolygon, bool) {
	var outer, inner [][]osm.NodeID
	for _, m := range rel.Members {
		if m.Type != osm.TypeWay {
			continue
		}
		w, ok := d.wayByID[osm.WayID(m.Ref)]
		if !ok {
			return nil, false
		}
		ids := w.Nodes.NodeIDs()
		if m.Role == "inner" {
			inner = append(inner, ids)
		} else if m.Role == "outer" || m.Role == "" {
			outer = append(outer, ids)
		}
	}
	outRings, ok1 := d.joinRings(outer)
	inRings, ok2 := d.joinRings(inner)
	if !ok1 || !ok2 || len(outRings) == 0 {
		return nil, false
	}
	mp := make(orb.MultiPolygon, len(outRings))
	for i, r := range outRings {
		mp[i] = orb.Polygon{r}
	}
	for _, r := range inRings {
		for i := range mp {
			if planarRingContains(mp[i][0], r[0]) {
				mp[i] = append(mp[i], r)
				break
			}
		}
	}
	return mp, true
}

// joinRings joins node sequences end to end into closed rings.
func (d *osmData) joinRings(parts [][]osm.NodeID) ([]orb.Ring, bool) {
	used := make([]bool, len(parts))
	var rings []orb.Ring
	for i := range parts {
		if used[i] || len(parts[i]) < 2 {
			continue
		}
		used[i] = true
		ring := append([]osm.NodeID(nil), parts[i]...)
		for ring[0] != ring[len(ring)-1] {
			found := false
			for j := range parts {
				if used[j] || len(parts[j]) < 2 {
					continue
				}
				p, end := parts[j], ring[len(ring)-1]
				switch {
				case p[0] == end:
					ring = append(ring, p[1:]...)
				case p[len(p)-1] == end:
					for k := len(p) - 2; k >= 0; k-- {
						ring = append(ring, p[k])
					}
				default:
					continue
				}
				used[j], found = true, true
				break
			}
			if !found {
				return nil, false
			}
		}
		r := make(orb.Ring, 0, len(ring))
		for _, id := range ring {
			p, ok := d.nodes[id]
			if !ok {
				return nil, false
			}
			r = append(r, p)
		}
		if len(r) >= 4 {
			rings = append(rings, r)
		}
	}
	return rings, true
}

// planarRingContains is the even-odd point-in-ring test in lon/lat.
func planarRingContains(r orb.Ring, pt orb.Point) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < a[0]+(pt[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}
