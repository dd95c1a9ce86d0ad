package experiments

import "syscall"

// threadID returns the kernel's id of the calling thread, or 0 where the
// system has no such call.
func threadID() int { return syscall.Gettid() }
