package cputime

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// spin burns about d of CPU on the calling goroutine.
func spin(d time.Duration) int {
	n := 0
	for t0 := time.Now(); time.Since(t0) < d; n++ {
	}
	return n
}

// TestCPUTimeGrows checks that each reading grows by about the CPU this
// test burns: at least half of 200 ms of busy looping.
func TestCPUTimeGrows(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self0, thread0 := Self(), Thread()
	proc0, ok := Process(os.Getpid(), "cputime")
	if !ok {
		t.Fatalf("Process(%d) of this test binary: not read", os.Getpid())
	}
	spin(200 * time.Millisecond)
	proc1, _ := Process(os.Getpid(), "cputime")
	for name, d := range map[string]time.Duration{"Self": Self() - self0, "Thread": Thread() - thread0, "Process": proc1 - proc0} {
		if d < 100*time.Millisecond {
			t.Errorf("%s grew by %v over 200 ms of busy looping", name, d)
		}
	}
	if _, ok := Process(os.Getpid(), "postgres-that-is-not-us"); ok {
		t.Error("Process accepted a pid whose command has another name")
	}
}
