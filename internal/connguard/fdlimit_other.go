//go:build !unix

package connguard

func descriptorLimit() int { return 0 }
