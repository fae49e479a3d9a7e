//go:build !linux

package main

// fsType names the file system holding dir; not known here.
func fsType(dir string) string { return "" }
