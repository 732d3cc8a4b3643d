// Package cputime reads CPU time: of this process, of the calling thread
// and of another process on this machine. Benchmarks divide by it as well
// as by wall time: on a machine shared with other busy processes the wall
// time counts the moments a benchmark waited for a core, the CPU time does
// not. It reads Linux's getrusage and /proc; elsewhere the thread and
// other-process figures are not known.
package cputime

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Self is the user+system CPU time of this process so far (0 when the
// system cannot tell).
func Self() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// rusageThread is Linux's RUSAGE_THREAD, which package syscall lacks.
const rusageThread = 1

// Thread is the user+system CPU time of the calling OS thread so far
// (Linux; 0 elsewhere). Lock the goroutine to its thread around the work.
func Thread() time.Duration { return rusage(rusageThread) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// Process reads the user+system CPU time of process pid from
// /proc/PID/stat, provided its command name starts with name (so that a
// pid of a server elsewhere that happens to exist here is refused).
func Process(pid int, name string) (time.Duration, bool) {
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil || !strings.HasPrefix(string(comm), name) {
		return 0, false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14 and stime 15.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}
