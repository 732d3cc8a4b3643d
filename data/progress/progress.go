package progress

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// Unit says what a Bar counts, for the figures it prints.
type Unit int

// The units a Bar can count.
const (
	Count Unit = iota // items: blocks, points, features
	Bytes             // bytes, printed in kB, MB, GB
)

// interval is the shortest time between two redraws.
const interval = 100 * time.Millisecond

// tailSlack is how much longer the figures after the bar may grow than
// they were at the first draw before the line has to be cut.
const tailSlack = 3

// defaultWidth is the line width used when the terminal size is unknown.
const defaultWidth = 80

// Bar is a progress bar. Its zero value is not usable; call New. All
// methods are safe for concurrent use, and all of them are cheap no-ops
// when the writer is not a terminal.
type Bar struct {
	w     io.Writer
	label string
	total int64
	unit  Unit
	width int
	now   func() time.Time
	start time.Time

	done atomic.Int64
	next atomic.Int64 // unix nanoseconds of the earliest next redraw

	mu       sync.Mutex // serialises drawing; guards what follows
	finished bool
	room     int // width of the bar between brackets; 0 unset, -1 none
}

// New returns a bar labelled label that counts up to total (total <= 0
// means unknown: the bar then shows what is done and the rate, without
// percentage or ETA). It draws on w only when w is a terminal.
func New(w io.Writer, label string, total int64, unit Unit) *Bar {
	fd, ok := terminalFD(w)
	if !ok {
		return newBar(nil, label, total, unit, 0, time.Now)
	}
	width, _, err := term.GetSize(fd)
	if err != nil || width <= 0 {
		width = defaultWidth
	}
	return newBar(w, label, total, unit, width, time.Now)
}

// terminalFD returns the file descriptor of w when w is a terminal.
func terminalFD(w io.Writer) (int, bool) {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// newBar builds a bar drawing on w (nil: silent) with the given clock.
func newBar(w io.Writer, label string, total int64, unit Unit, width int, now func() time.Time) *Bar {
	return &Bar{w: w, label: label, total: total, unit: unit, width: width, now: now, start: now()}
}

// Add records n more units done and redraws when the last redraw is old
// enough.
func (b *Bar) Add(n int64) {
	if b.w == nil {
		return
	}
	b.done.Add(n)
	b.maybeDraw()
}

// Set records that done units are done in all.
func (b *Bar) Set(done int64) {
	if b.w == nil {
		return
	}
	b.done.Store(done)
	b.maybeDraw()
}

// Done draws the final state and ends the line. Later calls do nothing.
func (b *Bar) Done() {
	if b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	fmt.Fprint(b.w, "\r"+b.line(b.now())+"\x1b[K\n")
}

// Reader returns r wrapped so that every byte read is added to the bar.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b.w == nil {
		return r
	}
	return &reader{r: r, bar: b}
}

type reader struct {
	r   io.Reader
	bar *Bar
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.bar.Add(int64(n))
	}
	return n, err
}

// maybeDraw redraws unless a redraw happened less than interval ago or
// another goroutine is drawing right now.
func (b *Bar) maybeDraw() {
	now := b.now()
	next := b.next.Load()
	if now.UnixNano() < next || !b.next.CompareAndSwap(next, now.Add(interval).UnixNano()) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	fmt.Fprint(b.w, "\r"+b.line(now)+"\x1b[K")
}

// line renders the bar as it stands at now, fitted to the width.
func (b *Bar) line(now time.Time) string {
	done := b.done.Load()
	elapsed := now.Sub(b.start).Seconds()
	var rate float64
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	figures := b.amount(done)
	if b.total > 0 {
		div, suffix, prec := b.scale(b.total)
		figures = strconv.FormatFloat(float64(done)/div, 'f', prec, 64) + "/" + b.amount(b.total)
		if suffix == "" {
			figures = fmt.Sprintf("%d/%d", done, b.total)
		}
	}
	figures += "  " + b.amount(int64(rate)) + "/s"
	if b.total <= 0 {
		return fit(b.label+"  "+figures, b.width)
	}
	frac := min(max(float64(done)/float64(b.total), 0), 1)
	eta := "--:--"
	if rate > 0 && done < b.total {
		eta = clock(time.Duration(float64(b.total-done) / rate * float64(time.Second)))
	} else if done >= b.total {
		eta = clock(0)
	}
	tail := fmt.Sprintf(" %3.0f%%  %s  ETA %s", frac*100, figures, eta)
	if b.room == 0 {
		// Sized once, with some slack for the figures growing, so that
		// the bar does not jump about as they change.
		b.room = min(b.width-1-len([]rune(b.label))-3-len(tail)-tailSlack, 40)
		if b.room < 8 {
			b.room = -1
		}
	}
	if b.room < 0 {
		return fit(b.label+tail, b.width)
	}
	filled := int(frac * float64(b.room))
	return fit(b.label+" ["+strings.Repeat("=", filled)+strings.Repeat(" ", b.room-filled)+"]"+tail, b.width)
}

// amount prints n in the bar's unit.
func (b *Bar) amount(n int64) string {
	div, suffix, prec := b.scale(n)
	if suffix == "" {
		return strconv.FormatInt(n, 10)
	}
	return strconv.FormatFloat(float64(n)/div, 'f', prec, 64) + " " + suffix
}

// scale chooses how to print amounts of about n: the divisor, the unit
// suffix ("" for counts) and the decimals.
func (b *Bar) scale(n int64) (float64, string, int) {
	if b.unit != Bytes {
		return 1, "", 0
	}
	const k = 1000
	switch {
	case n < k:
		return 1, "B", 0
	case n < k*k:
		return k, "kB", 1
	case n < k*k*k:
		return k * k, "MB", 1
	}
	return k * k * k, "GB", 2
}

// clock prints d as m:ss, or h:mm:ss past an hour.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// fit cuts s to width-1 runes so that it never wraps.
func fit(s string, width int) string {
	r := []rune(s)
	if width > 1 && len(r) > width-1 {
		return string(r[:width-1])
	}
	return s
}

// Waiting shows that a step whose progress cannot be measured (one
// database transaction, say) is still running: its label and the time
// taken so far, redrawn every second on a terminal and nothing elsewhere.
type Waiting struct {
	w     io.Writer
	label string
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

// Wait starts showing label on w when w is a terminal. Call Done when the
// step ends.
func Wait(w io.Writer, label string) *Waiting {
	if _, ok := terminalFD(w); !ok {
		return &Waiting{}
	}
	return startWaiting(w, label, time.Second)
}

// startWaiting draws on w every tick until Done.
func startWaiting(w io.Writer, label string, tick time.Duration) *Waiting {
	s := &Waiting{w: w, label: label, start: time.Now(), stop: make(chan struct{})}
	s.draw("")
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.draw("")
			}
		}
	}()
	return s
}

func (s *Waiting) draw(end string) {
	fmt.Fprintf(s.w, "\r%s  %s\x1b[K%s", s.label, clock(time.Since(s.start)), end)
}

// Done stops the redraws and ends the line with the time taken. Later
// calls do nothing.
func (s *Waiting) Done() {
	if s.w == nil {
		return
	}
	s.once.Do(func() {
		close(s.stop)
		s.wg.Wait()
		s.draw("\n")
	})
}
