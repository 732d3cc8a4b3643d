//go:build unix

package geo

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used (user and system).
// Benchmarks divide by it as well as by wall time: on a machine shared with
// other busy processes the wall time counts the moments the benchmark
// waited for a core, the CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
