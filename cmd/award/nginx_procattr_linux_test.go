//go:build linux

package main

import "syscall"

// On Linux nginx gets SIGTERM when the test binary dies (a -timeout panic,
// for one), so that it never outlives the tests on its loopback port.
func init() { nginxProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} }
