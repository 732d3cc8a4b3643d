package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

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
