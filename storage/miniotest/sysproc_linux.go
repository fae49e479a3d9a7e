package miniotest

import "syscall"

// sysProcAttr makes the kernel kill the server if the test binary dies
// without cleaning up, so that no server outlives its tests.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
