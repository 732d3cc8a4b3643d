package postgis

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"wangge/data"

	"github.com/paulmach/orb"
)

// pgMultiPolygonArg is the SQL of a MultiPolygon parameter sent as WKB.
func pgMultiPolygonArg(n int) string {
	return fmt.Sprintf("ST_Multi(ST_GeomFromWKB($%d, 4326))", n)
}

// pgPointArg is the SQL of a Point parameter sent as two floats.
func pgPointArg(lon, lat int) string {
	return fmt.Sprintf("ST_SetSRID(ST_MakePoint($%d, $%d), 4326)", lon, lat)
}

// pgParams lists $1 … $n.
func pgParams(n int) []string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(i+1)
	}
	return ps
}

// pgTime is the parameter for t: NULL for the zero time.
func pgTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// pgTimeDst scans a timestamptz into a time.Time in UTC; NULL gives the
// zero time.
type pgTimeDst struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d pgTimeDst) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v.UTC()
	default:
		return fmt.Errorf("data: scan %T as a time", src)
	}
	return nil
}

// pgWhere collects the conditions and arguments of a query. Conditions use
// ? for their arguments; they become $n in order.
type pgWhere struct {
	conds []string
	args  []any
}

func (w *pgWhere) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// bbox keeps rows whose geometry meets the box b (its inside or its
// boundary), not only its envelope; nil keeps all. ST_Intersects filters
// with && on the GiST index first.
func (w *pgWhere) bbox(b *orb.Bound) {
	if b != nil {
		w.add("ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
}

// window keeps rows whose col is in [from, to); zero bounds do not filter.
func (w *pgWhere) window(col string, from, to time.Time) {
	if !from.IsZero() {
		w.add(col+" >= ?", from)
	}
	if !to.IsZero() {
		w.add(col+" < ?", to)
	}
}

// page adds keyset paging on id, ascending or (desc) descending, and
// returns the ORDER BY and LIMIT tail.
func (w *pgWhere) page(q data.BBoxQuery, desc bool) string {
	w.bbox(q.BBox)
	switch {
	case desc && q.After != "":
		w.add("id < ?", q.After)
	case q.After != "":
		w.add("id > ?", q.After)
	}
	if desc {
		return " ORDER BY id DESC" + pgLimit(q.Limit)
	}
	return " ORDER BY id" + pgLimit(q.Limit)
}

// pgLimit is the LIMIT clause of n; 0 or less means none.
func pgLimit(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(n)
}

// sql is the WHERE clause, empty when there is no condition.
func (w *pgWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
