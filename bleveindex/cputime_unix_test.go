//go:build unix

package bleveindex_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used so far: benchmarks
// report it too, because wall time means little on a shared machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
