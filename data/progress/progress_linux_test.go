package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a pseudo-terminal, or skips the test.
func openPTY(t *testing.T) (controller, terminal *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test on: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	return ptmx, pts
}

func TestDrawsOnATerminal(t *testing.T) {
	ptmx, pts := openPTY(t)
	b := New(pts, "blocks.geojson", 100, Count)
	b.Add(100)
	b.Done()
	s := Wait(pts, "storing")
	s.Done()
	pts.Close()
	// Reading the controller ends with EIO once the terminal side is
	// closed and drained.
	got, _ := io.ReadAll(ptmx)
	for _, want := range []string{"blocks.geojson [", "100/100", "storing  0:00"} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("terminal got %q, lacking %q", got, want)
		}
	}
}
