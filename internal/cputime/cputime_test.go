package cputime

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestCPUTimeGrows burns 100 ms of CPU on a locked thread, however long
// that takes on a busy machine, and checks that the thread's and the
// process's readings grew by at least as much.
func TestCPUTimeGrows(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self0, thread0 := Self(), Thread()
	proc0, ok := Process(os.Getpid(), "cputime")
	if !ok {
		t.Fatalf("Process(%d) of this test binary: not read", os.Getpid())
	}
	const burn = 100 * time.Millisecond
	for deadline := time.Now().Add(time.Minute); Self()-self0 < burn; {
		if time.Now().After(deadline) {
			t.Fatal("Self did not grow by 100 ms in a minute of busy looping")
		}
	}
	proc1, _ := Process(os.Getpid(), "cputime")
	// getrusage and /proc count in clock ticks of 10 ms or finer.
	if d := Thread() - thread0; d < burn-10*time.Millisecond {
		t.Errorf("Thread grew by %v while Self grew by %v on this thread", d, burn)
	}
	if d := proc1 - proc0; d < burn-10*time.Millisecond {
		t.Errorf("Process grew by %v while Self grew by %v", d, burn)
	}
	if _, ok := Process(os.Getpid(), "postgres-that-is-not-us"); ok {
		t.Error("Process accepted a pid whose command has another name")
	}
}
