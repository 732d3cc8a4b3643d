package progress

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// drawing returns a bar that draws into a buffer, as on a terminal 80 wide.
func drawing(t *testing.T, total int64, unit Unit) (*Bar, *bytes.Buffer, *fakeClock) {
	t.Helper()
	var buf bytes.Buffer
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return newBar(&buf, "load", total, unit, 80, c.now), &buf, c
}

func TestSilentWhenNotATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, w := range map[string]io.Writer{"buffer": &bytes.Buffer{}, "file": f} {
		t.Run(name, func(t *testing.T) {
			b := New(w, "load", 10, Count)
			b.Add(5)
			b.Set(10)
			if _, err := io.Copy(io.Discard, b.Reader(strings.NewReader("abc"))); err != nil {
				t.Fatal(err)
			}
			b.Done()
		})
	}
	if buf, _ := os.ReadFile(f.Name()); len(buf) != 0 {
		t.Errorf("file got %q, want nothing", buf)
	}
}

func TestRedrawsAreRateLimited(t *testing.T) {
	b, buf, c := drawing(t, 1000, Count)
	for range 500 {
		b.Add(1)
	}
	if got := strings.Count(buf.String(), "\r"); got != 1 {
		t.Fatalf("500 adds at one instant drew %d times, want 1", got)
	}
	c.advance(interval / 2)
	b.Add(1)
	if got := strings.Count(buf.String(), "\r"); got != 1 {
		t.Fatalf("an add before the interval redrew: %d draws, want 1", got)
	}
	c.advance(interval / 2)
	b.Add(1)
	if got := strings.Count(buf.String(), "\r"); got != 2 {
		t.Fatalf("an add after the interval: %d draws, want 2", got)
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name    string
		total   int64
		unit    Unit
		done    int64
		elapsed time.Duration
		want    []string
	}{
		{"half of bytes after 1s", 1000, Bytes, 500, time.Second,
			[]string{"load [", " 50%", "0.5/1.0 kB", "500 B/s", "ETA 0:01"}},
		{"a quarter of counts after 10s", 400, Count, 100, 10 * time.Second,
			[]string{" 25%", "100/400", "10/s", "ETA 0:30"}},
		{"megabytes", 3_000_000, Bytes, 1_500_000, 2 * time.Second,
			[]string{" 50%", "1.5/3.0 MB", "750.0 kB/s", "ETA 0:02"}},
		{"complete", 10, Count, 10, time.Second, []string{"100%", "10/10", "ETA 0:00"}},
		{"nothing yet", 10, Count, 0, 0, []string{"  0%", "0/10", "ETA --:--"}},
		{"unknown total", 0, Count, 42, 2 * time.Second, []string{"load  42  21/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _, c := drawing(t, tt.total, tt.unit)
			b.done.Store(tt.done)
			c.advance(tt.elapsed)
			line := b.line(c.now())
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
			if n := len([]rune(line)); n >= 80 {
				t.Errorf("line is %d runes, wider than the terminal", n)
			}
		})
	}
}

func TestBarFillsWithProgress(t *testing.T) {
	b, _, c := drawing(t, 100, Count)
	b.done.Store(50)
	line := b.line(c.now())
	open, end := strings.Index(line, "["), strings.Index(line, "]")
	inside := line[open+1 : end]
	if got, want := strings.Count(inside, "="), len(inside)/2; got != want {
		t.Errorf("bar %q has %d '=', want %d (half of %d)", inside, got, want, len(inside))
	}
}

func TestNarrowTerminalNeverWraps(t *testing.T) {
	var buf bytes.Buffer
	b := newBar(&buf, "a-very-long-label-for-a-narrow-terminal", 1000, Bytes, 30, time.Now)
	b.Set(10)
	b.Done()
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\r") {
		l = strings.TrimSuffix(l, "\x1b[K")
		if n := len([]rune(l)); n >= 30 {
			t.Errorf("line %q is %d runes on a 30-column terminal", l, n)
		}
	}
}

func TestDoneEndsTheLineOnce(t *testing.T) {
	b, buf, _ := drawing(t, 3, Count)
	b.Add(3)
	b.Done()
	b.Done()
	b.Add(1)
	out := buf.String()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("output %q should end in exactly one newline", out)
	}
	if !strings.Contains(out[strings.LastIndex(out, "\r"):], "3/3") {
		t.Errorf("final line of %q should show 3/3", out)
	}
}

func TestConcurrentAddsAndReader(t *testing.T) {
	b, _, c := drawing(t, 0, Bytes)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				b.Add(1)
				c.advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	n, err := io.Copy(io.Discard, b.Reader(strings.NewReader(strings.Repeat("x", 1234))))
	if err != nil || n != 1234 {
		t.Fatalf("copy through the reader: %d, %v", n, err)
	}
	if got := b.done.Load(); got != 8000+1234 {
		t.Errorf("done = %d, want %d", got, 8000+1234)
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"},
		{1400 * time.Millisecond, "0:01"},
		{65 * time.Second, "1:05"},
		{3725 * time.Second, "1:02:05"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := clock(tt.d); got != tt.want {
				t.Errorf("clock(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestBarKeepsItsWidth(t *testing.T) {
	b, _, c := drawing(t, 5_000_000_000, Bytes)
	width := -1
	for _, done := range []int64{0, 999, 1_000, 999_999, 1_000_000, 4_999_999_999, 5_000_000_000} {
		c.advance(time.Second)
		b.done.Store(done)
		line := b.line(c.now())
		open, end := strings.Index(line, "["), strings.Index(line, "]")
		if open < 0 || end < 0 {
			t.Fatalf("no bar in %q", line)
		}
		if width >= 0 && end-open != width {
			t.Errorf("bar moved from width %d to %d at %d bytes: %q", width, end-open, done, line)
		}
		width = end - open
	}
}

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
