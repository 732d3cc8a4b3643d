package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer the waiting goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestWaitSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	s := Wait(&buf, "storing")
	s.Done()
	s.Done()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer, want nothing", buf.String())
	}
}

func TestWaitRedrawsUntilDone(t *testing.T) {
	var buf lockedBuffer
	s := startWaiting(&buf, "storing 3014 blocks", time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(buf.String(), "\r") < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	s.Done()
	s.Done()
	out := buf.String()
	draws := strings.Count(out, "\r")
	if draws < 4 {
		t.Fatalf("%d draws in %q, want the first, at least two ticks and the last", draws, out)
	}
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q should end in exactly one newline", out)
	}
	if !strings.Contains(out, "\rstoring 3014 blocks  0:00\x1b[K") {
		t.Errorf("output %q lacks the label and the time taken", out)
	}
	time.Sleep(5 * time.Millisecond)
	if buf.String() != out {
		t.Errorf("drew after Done")
	}
}
