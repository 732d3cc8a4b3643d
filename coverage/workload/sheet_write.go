package workload

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Lang is the language of a sheet's headers: Chinese (the default, as
// the community reads it) or English.
type Lang string

// The languages of the headers.
const (
	Zh Lang = "zh"
	En Lang = "en"
)

// words are the headers of the written sheet, in both languages.
var words = map[Lang]map[string]string{
	Zh: {"sheet": "考核表", "grids": "网格汇总", "days": "每日", "evidence": "依据",
		"worker": "网格员", "name": "姓名", "grid": "网格", "value": "实际", "target": "目标", "score": "得分",
		"total": "总分", "workers": "网格员", "mean": "平均得分", "date": "日期", "distance": "巡查距离(km)",
		"patrol": "巡查时长(h)", "inside": "网格内时长(h)", "visits": "走访重点场所", "reported": "上报事件", "item": "考核项目"},
	En: {"sheet": "Assessment", "grids": "Grids", "days": "Days", "evidence": "Evidence",
		"worker": "worker", "name": "name", "grid": "grids", "value": "value", "target": "target", "score": "score",
		"total": "total", "workers": "workers", "mean": "mean score", "date": "date", "distance": "distance (km)",
		"patrol": "patrol (h)", "inside": "inside grids (h)", "visits": "key places visited", "reported": "reported", "item": "item"},
}

func (l Lang) word(k string) string {
	if l != En {
		l = Zh
	}
	return words[l][k]
}

func (l Lang) itemName(it Item) string {
	if l == En {
		return it.NameEn
	}
	return it.Name
}

// rows is the main table of the sheet: a header, then one row per
// worker (id, name, grids, each item's value, target and score, total).
func (s Sheet) rows(l Lang) [][]any {
	head := []any{l.word("worker"), l.word("name"), l.word("grid")}
	for _, it := range items {
		name := it.Zh
		if l == En {
			name = it.En
		}
		head = append(head, name+" "+l.word("value"), name+" "+l.word("target"), name+" "+l.word("score"))
	}
	out := [][]any{append(head, l.word("total"))}
	for _, w := range s.Workers {
		r := []any{string(w.Worker), w.Name, joinIDs(w.Grids)}
		for _, it := range w.Items {
			r = append(r, it.Value, it.Target, it.Score)
		}
		out = append(out, append(r, w.Score))
	}
	return out
}

// WriteCSV writes the main table of the sheet as CSV, numbers in full
// precision.
func (s Sheet) WriteCSV(w io.Writer, l Lang) error {
	cw := csv.NewWriter(w)
	for _, r := range s.rows(l) {
		rec := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the sheet as an Excel workbook: the main table, the
// grids, the days and the evidence, one worksheet each.
func (s Sheet) WriteXLSX(w io.Writer, l Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	main := l.word("sheet")
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	grids := [][]any{{l.word("grid"), l.word("workers"), l.word("mean")}}
	for _, it := range items {
		name := it.Zh
		if l == En {
			name = it.En
		}
		grids[0] = append(grids[0], name)
	}
	for _, g := range s.Grids {
		r := []any{string(g.Grid), joinIDs(g.Workers), g.MeanScore}
		for _, v := range g.Values {
			r = append(r, v)
		}
		grids = append(grids, r)
	}
	days := [][]any{{l.word("worker"), l.word("date"), l.word("distance"), l.word("patrol"), l.word("inside"), l.word("visits"), l.word("reported")}}
	evidence := [][]any{{l.word("worker"), l.word("item"), l.word("evidence")}}
	for _, ws := range s.Workers {
		for _, d := range ws.Days {
			days = append(days, []any{string(ws.Worker), d.Date, d.DistanceM / 1000, d.PatrolH, d.InsideH, d.Visits, d.Reported})
		}
		for _, it := range ws.Items {
			evidence = append(evidence, []any{string(ws.Worker), l.itemName(it), strings.Join(it.Evidence, " ")})
		}
	}
	for _, t := range []struct {
		name string
		rows [][]any
	}{{main, s.rows(l)}, {l.word("grids"), grids}, {l.word("days"), days}, {l.word("evidence"), evidence}} {
		if t.name != main {
			if _, err := f.NewSheet(t.name); err != nil {
				return err
			}
		}
		for i, r := range t.rows {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			if err != nil {
				return err
			}
			if err := f.SetSheetRow(t.name, cell, &r); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

func joinIDs[T ~string](ids []T) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ",")
}
