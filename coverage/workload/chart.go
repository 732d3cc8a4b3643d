package workload

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
)

// Chart sizes, in SVG user units (pixels).
const (
	chartW, chartH = 760.0, 260.0
	chartPad       = 40.0
)

// WriteSVG draws a worker's month as an SVG bar chart: per day the
// patrol hours (light) and the hours inside the own grids (dark), and a
// dashed line at the patrol target spread over the month's days.
func (ws WorkerSheet) WriteSVG(w io.Writer, s Sheet, l Lang) error {
	days := max(1, int(math.Round(s.To.Sub(s.From).Hours()/24)))
	top := 1.0
	for _, d := range ws.Days {
		top = math.Max(top, d.PatrolH)
	}
	daily := s.Targets.Patrol.Target / float64(days)
	top = math.Ceil(math.Max(top, daily))
	barW := (chartW - 2*chartPad) / float64(days)
	y := func(h float64) float64 { return chartH - chartPad - h/top*(chartH-2*chartPad) }
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	title := fmt.Sprintf("%s %s %s: %.1f / %g", ws.Worker, ws.Name, s.Month, ws.Score, s.MaxScore)
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" font-size="11">`+"\n", chartW, chartH, chartW, chartH)
	p(`<text x="%g" y="16" font-size="13">%s</text>`+"\n", chartPad, escape(title))
	p(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#333"/>`+"\n", chartPad, y(0), chartW-chartPad, y(0))
	for h := 0.0; h <= top; h += math.Max(1, math.Ceil(top/5)) {
		p(`<text x="%g" y="%.1f" text-anchor="end">%g h</text>`+"\n", chartPad-4, y(h)+4, h)
	}
	for _, d := range ws.Days {
		t, e := parseDate(d.Date, s.From.Location())
		if e != nil {
			continue
		}
		i := int(math.Floor(t.Sub(s.From).Hours() / 24))
		x := chartPad + float64(i)*barW
		p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#9ecae1"><title>%s %s %.2f h</title></rect>`+"\n",
			x+1, y(d.PatrolH), barW-2, y(0)-y(d.PatrolH), d.Date, escape(l.word("patrol")), d.PatrolH)
		p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#3182bd"><title>%s %s %.2f h</title></rect>`+"\n",
			x+1, y(d.InsideH), barW-2, y(0)-y(d.InsideH), d.Date, escape(l.word("inside")), d.InsideH)
		if i%5 == 0 {
			p(`<text x="%.1f" y="%g" text-anchor="middle">%s</text>`+"\n", x+barW/2, chartH-chartPad+14, d.Date[8:])
		}
	}
	p(`<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e6550d" stroke-dasharray="4 3"><title>%s %.2f h</title></line>`+"\n",
		chartPad, y(daily), chartW-chartPad, y(daily), escape(l.word("target")), daily)
	p("</svg>\n")
	return err
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
