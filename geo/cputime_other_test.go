//go:build !unix

package geo

import "time"

// cpuTime is not measured on this system: it returns 0, and benchmarks
// report wall-clock rates only.
func cpuTime() time.Duration { return 0 }
