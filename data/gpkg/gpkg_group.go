package gpkg

import (
	"context"
	"sync"

	"wangge/coverage/patrol"
)

// trackWriter commits together the PutTrackPoints calls that arrive while
// one is writing (group commit). The first caller writes; the calls that
// come meanwhile queue; when a write ends, the first of the queue is made
// the writer of the whole queue, in one transaction, and every caller
// gets its own count of new fixes, or the transaction's error (nothing of
// a failed transaction is stored, so no fix is acknowledged that is not
// durable). A caller never writes for longer than its own batch.
type trackWriter struct {
	mu      sync.Mutex
	writing bool
	queue   []*trackWrite
}

// trackWrite is one PutTrackPoints call.
type trackWrite struct {
	pts   []patrol.TrackPoint
	n     int   // new fixes, set by the writer
	err   error // of the transaction
	ready chan struct{}
	lead  bool // made the writer of the queue
}

// put queues pts and returns once they are committed with the calls
// queued beside them; write stores one batch in one transaction, setting
// each call's n. The batch is written without the writer's cancellation:
// it carries other callers' fixes.
func (t *trackWriter) put(ctx context.Context, pts []patrol.TrackPoint, write func(context.Context, []*trackWrite) error) (int, error) {
	w := &trackWrite{pts: pts, ready: make(chan struct{})}
	t.mu.Lock()
	t.queue = append(t.queue, w)
	lead := !t.writing
	t.writing = true
	t.mu.Unlock()
	if !lead {
		<-w.ready
		if !w.lead {
			return w.n, w.err
		}
	}
	t.mu.Lock()
	batch := t.queue
	t.queue = nil
	t.mu.Unlock()
	err := write(context.WithoutCancel(ctx), batch)
	for _, b := range batch {
		if err != nil {
			b.n, b.err = 0, err
		}
		if b != w {
			close(b.ready)
		}
	}
	t.mu.Lock()
	if len(t.queue) > 0 {
		t.queue[0].lead = true
		close(t.queue[0].ready)
	} else {
		t.writing = false
	}
	t.mu.Unlock()
	return w.n, w.err
}
